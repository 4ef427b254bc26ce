-- One row per tweet: its latest lifetime metrics, with where they come from.
-- Built incrementally: a night remakes only the posts that received a download
-- (macro only_keys_with_new_rows).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['channel', 'account', 'post_id'],
        on_schema_change='fail',
    )
}}
with

snapshots as (
    select *
    from {{ only_keys_with_new_rows(ref('stg_twitter__tweet_snapshots'), ['account', 'post_id']) }}
),

-- The most precise posting time any download gave (X Content exports know the day only),
-- and a permalink when the latest export has none.
posting_time as (
    select
        account,
        post_id,
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
    {{ latest_snapshot('snapshots', ['account', 'post_id']) }}
),

joined as (
    select
        latest.channel,
        latest.account,
        latest.post_id,
        posting_time.posted_at,
        posting_time.posted_at_precision,
        coalesce(
            latest.post_url, posting_time.any_post_url,
            'https://x.com/' || latest.account || '/status/' || latest.post_id
        ) as post_url,
        latest.text,
        -- X exports do not say what a tweet contained: the type its signals tell, for post_format
        {{ tweet_post_type('latest.text', 'latest.media_views') }} as post_type,
        latest.export_language as language,
        latest.snapshot_date,
        latest.first_seen_date,
        latest.snapshot_count,
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
    inner join posting_time
        on latest.account = posting_time.account and latest.post_id = posting_time.post_id
),

final as (
    select
        {{ post_mart_identity(post_format('post_type', 'text')) }},
        posted_at_precision,
        language,
        snapshot_date,
        first_seen_date,
        snapshot_count,
        impressions,
        engagements,
        {{ channel_engagement_rate('twitter') }} as engagement_rate,
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
    from joined
)

select * from final
