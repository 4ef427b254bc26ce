-- One row per channel and post: every channel's posts on one vocabulary, each with its labels
-- and how it did against the same account's usual (engagement_percentile, performance_band).
with

posts as (
    select * from {{ ref('int_posts') }}
),

percentiles as (
    {{ engagement_percentiles('posts') }}
),

labels as (
    select
        channel,
        account,
        post_id,
        max(label) filter (where dimension = 'content_type') as content_type,
        max(label) filter (where dimension = 'tone') as tone,
        max(label) filter (where dimension = 'series') as series,
        max(label) filter (where dimension = 'collaboration') as collaboration
    from {{ ref('int_post_labels') }}
    group by channel, account, post_id
),

accounts as (
    select
        lower(channel) as channel,
        lower(account) as account,
        language
    from {{ ref('accounts') }}
),

final as (
    select
        posts.channel,
        posts.account,
        posts.post_id,
        posts.posted_at,
        posts.posted_at_local,
        posts.posted_at_precision,
        posts.post_url,
        posts.text,
        posts.format,
        posts.snapshot_date,
        posts.audience_metric,
        posts.audience,
        posts.interactions,
        posts.engagement_rate,
        posts.likes,
        posts.comments,
        posts.shares,
        posts.link_clicks,
        posts.is_collaboration,
        posts.author_account,
        accounts.language as account_language,
        labels.content_type,
        labels.tone,
        labels.series,
        labels.collaboration,
        percentiles.engagement_percentile,
        percentiles.posts_in_previous_90_days,
        {{ performance_band('percentiles.engagement_percentile') }} as performance_band
    from posts
    inner join percentiles
        on
            posts.channel = percentiles.channel
            and posts.account = percentiles.account
            and posts.post_id = percentiles.post_id
    left join labels
        on
            posts.channel = labels.channel
            and posts.account = labels.account
            and posts.post_id = labels.post_id
    left join accounts
        on posts.channel = accounts.channel and posts.account = accounts.account
)

select * from final
