-- One row per account, day and download: what one export said about one day.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account', 'date', 'snapshot_date'],
        meta={'arrival_column': 'ingested_at'},
    )
}}

with

source as (
    {{ one_copy_per_file_row(
        rows_loaded_since_last_build(source('raw_twitter', 'account_daily'))
    ) }}
),

typed as (
    select
        ---------- ids and lineage
        'twitter' as channel,
        {{ account_of('_account') }} as account,
        cast({{ to_utc_timestamp(adapter.quote('date')) }} as date) as date,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _format as export_format,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        ---------- counts
        {{ to_count('posts_published') }} as posts_published,
        {{ to_count('impressions') }} as impressions,
        {{ to_count('engagements') }} as engagements,
        {{ to_count('likes') }} as likes,
        {{ to_count('retweets') }} as retweets,
        {{ to_count('replies') }} as replies,
        {{ to_count('url_clicks') }} as link_clicks,
        {{ to_count('profile_clicks') }} as profile_clicks,
        {{ to_count('follows') }} as new_followers,
        {{ to_count('unfollows') }} as unfollows,
        {{ to_count('bookmarks') }} as bookmarks,
        {{ to_count('shares') }} as shares,
        {{ to_count('video_views') }} as video_views,
        {{ to_count('media_views') }} as media_views
    from source
),

one_row_per_download as (
    {{ one_row_per_snapshot('typed', ['account', 'date']) }}
)

select * from one_row_per_download
