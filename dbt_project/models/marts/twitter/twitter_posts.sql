-- One row per tweet: its latest lifetime metrics, with where they come from.
with

snapshots as (
    select * from {{ ref('stg_twitter__tweet_snapshots') }}
),

-- Across downloads: the first day we saw the tweet, how many downloads saw it, and the most
-- precise posting time any of them gave (X Content exports know the day only).
history as (
    select
        account,
        post_id,
        min(snapshot_date) as first_seen_date,
        count(*) as snapshot_count,
        coalesce(
            max(posted_at) filter (where posted_at_precision = 'minute'),
            max(posted_at)
        ) as posted_at,
        case
            when count(*) filter (where posted_at_precision = 'minute') > 0
                then 'minute'
            else 'day'
        end as posted_at_precision,
        max(post_url) as any_post_url
    from snapshots
    group by account, post_id
),

latest as (
    select *
    from snapshots
    qualify row_number() over (
        partition by account, post_id
        order by snapshot_date desc, ingested_at desc
    ) = 1
),

joined as (
    select
        latest.channel,
        latest.account,
        latest.post_id,
        history.posted_at,
        history.posted_at_precision,
        coalesce(
            latest.post_url, history.any_post_url,
            'https://x.com/' || latest.account || '/status/' || latest.post_id
        ) as post_url,
        latest.text,
        latest.export_language as language,
        latest.snapshot_date,
        history.first_seen_date,
        history.snapshot_count,
        latest.impressions,
        latest.engagements,
        latest.likes,
        latest.retweets,
        latest.replies,
        latest.link_clicks,
        latest.profile_clicks,
        latest.follows,
        latest.detail_expands,
        latest.hashtag_clicks,
        latest.permalink_clicks,
        latest.media_views,
        latest.media_engagements,
        latest.bookmarks,
        latest.shares,
        latest.promoted_impressions,
        latest.promoted_engagements
    from latest
    inner join history
        on latest.account = history.account and latest.post_id = history.post_id
),

with_kpis as (
    select
        *,
        {{ to_local_time('posted_at') }} as posted_at_local,
        {{ safe_ratio('engagements', 'impressions') }} as engagement_rate,
        -- X exports do not say what a tweet contained; these are the clear signals it leaves.
        case
            when text ilike '%pic.twitter.com/%' or media_views > 0 then 'photo'
            when regexp_matches(text, 'https?://') then 'link'
            else 'text'
        end as format
    from joined
),

final as (
    select
        channel,
        account,
        post_id,
        posted_at,
        posted_at_local,
        posted_at_precision,
        post_url,
        text,
        format,
        language,
        snapshot_date,
        first_seen_date,
        snapshot_count,
        impressions,
        engagements,
        engagement_rate,
        likes,
        retweets,
        replies,
        link_clicks,
        profile_clicks,
        follows,
        detail_expands,
        hashtag_clicks,
        permalink_clicks,
        media_views,
        media_engagements,
        bookmarks,
        shares,
        promoted_impressions,
        promoted_engagements
    from with_kpis
)

select * from final
