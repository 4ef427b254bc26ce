{#- engagement_percentile (docs/design.md §5): the share (0-1) of the same account's posts on the same
    channel, published in the 90 days before this post, that had a lower engagement_rate; NULL
    when fewer than 10 such posts exist (with a rate), or when the post has no rate itself.
    Ties are not lower. "Better than 90% of your other posts" is 0.90. -#}
{% macro engagement_percentiles(posts) -%}
    select
        post.channel,
        post.account,
        post.post_id,
        count(earlier.post_id) as posts_in_previous_90_days,
        case
            when post.engagement_rate is not null and count(earlier.post_id) >= 10
                then
                    count(earlier.post_id) filter (
                        where earlier.engagement_rate < post.engagement_rate
                    ) / count(earlier.post_id)
        end as engagement_percentile
    from {{ posts }} as post
    left join {{ posts }} as earlier
        on
            post.channel = earlier.channel
            and post.account = earlier.account
            and earlier.posted_at < post.posted_at
            and earlier.posted_at >= post.posted_at - interval 90 day
            and earlier.engagement_rate is not null
    group by post.channel, post.account, post.post_id, post.engagement_rate
{%- endmacro %}
