-- One row per tweet per snapshot date: the lifetime metrics one download said a tweet had.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account', 'post_id', 'snapshot_date'],
        meta={'arrival_column': 'ingested_at'},
    )
}}

with

source as (
    {{ one_copy_per_file_row(rows_loaded_since_last_build(source('raw_twitter', 'tweets'))) }}
),

typed as (
    select
        ---------- ids and lineage
        'twitter' as channel,
        {{ account_of('_account') }} as account,
        {{ normalized_id('post_id') }} as post_id,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _format as export_format,
        _language as export_language,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        ---------- text
        {{ null_if_token('post_url') }} as post_url,
        text,
        ---------- timestamps
        {{ to_utc_timestamp('posted_at') }} as posted_at,
        case
            when
                {{ null_if_token('posted_at') }} like '%:%'
                then 'minute'
            else 'day'
        end as posted_at_precision,
        ---------- counts
        {{ to_count('impressions') }} as impressions,
        {{ to_count('engagements') }} as engagements,
        {{ to_fraction('engagement_rate') }} as export_engagement_rate,
        {{ to_count('likes') }} as likes,
        {{ to_count('retweets') }} as retweets,
        {{ to_count('replies') }} as replies,
        {{ to_count('url_clicks') }} as link_clicks,
        {{ to_count('profile_clicks') }} as profile_clicks,
        {{ to_count('follows') }} as follows,
        {{ to_count('detail_expands') }} as detail_expands,
        {{ to_count('hashtag_clicks') }} as hashtag_clicks,
        {{ to_count('permalink_clicks') }} as permalink_clicks,
        {{ to_count('media_views') }} as media_views,
        {{ to_count('media_engagements') }} as media_engagements,
        {{ to_count('bookmarks') }} as bookmarks,
        {{ to_count('shares') }} as shares,
        {{ to_count('promoted_impressions') }} as promoted_impressions,
        {{ to_count('promoted_engagements') }} as promoted_engagements
    from source
),

one_row_per_snapshot as (
    {{ one_row_per_snapshot('typed', ['account', 'post_id']) }}
)

select * from one_row_per_snapshot
