-- One row per account and day; when several downloads cover a day, the most recent one wins
-- (X revises recent days).
with

day_snapshots as (
    select * from {{ ref('stg_twitter__account_day_snapshots') }}
),

latest_download as (
    select *
    from day_snapshots
    {{ keep_first('account, date', newest_download_first()) }}
),

final as (
    select
        channel,
        account,
        date,
        snapshot_date,
        posts_published,
        impressions,
        engagements,
        {{ channel_engagement_rate('twitter') }} as engagement_rate,
        likes,
        retweets,
        replies,
        link_clicks,
        profile_clicks,
        new_followers,
        unfollows,
        bookmarks,
        shares,
        video_views,
        media_views
    from latest_download
)

select * from final
