-- One row per account and day; when several downloads cover a day, the most recent one wins
-- (X revises recent days).
-- Built incrementally: a night remakes only the days that received a download
-- (macro only_keys_with_new_rows).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['channel', 'account', 'date'],
        on_schema_change='fail',
    )
}}
with

day_snapshots as (
    select *
    from {{
        only_keys_with_new_rows(ref('stg_twitter__account_day_snapshots'), ['account', 'date'])
    }}
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
