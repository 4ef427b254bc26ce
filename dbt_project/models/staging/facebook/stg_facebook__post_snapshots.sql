-- One row per Facebook post per snapshot date: its lifetime metrics as one download said,
-- from the Meta Business Suite posts export or the legacy Insights post data export.
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
    {{ one_copy_per_file_row(rows_loaded_since_last_build(source('raw_facebook', 'posts'))) }}
),

legacy_source as (
    {{ one_copy_per_file_row(
        rows_loaded_since_last_build(source('raw_facebook', 'insights_posts'))
    ) }}
),

legacy_typed as (
    select
        'facebook' as channel,
        {{ account_of('_account') }} as account,
        {{ normalized_id('post_id') }} as post_id,
        cast(null as string) as page_id,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _format as export_format,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        {{ null_if_token('description') }} as text,
        {{ null_if_token('post_url') }} as post_url,
        {{ null_if_token('post_type') }} as post_type,
        {{ local_export_time_to_utc('posted_at') }} as posted_at,
        {{ to_count('reach') }} as reach,
        cast(null as bigint) as views,
        {{ to_count('impressions') }} as impressions,
        {{ to_count('reactions') }} as reactions,
        {{ to_count('comments') }} as comments,
        {{ to_count('shares') }} as shares,
        {{ to_count('link_clicks') }} as link_clicks,
        cast(null as bigint) as total_clicks,
        cast(null as bigint) as video_views_3s,
        cast(null as bigint) as video_views_1min,
        cast(null as bigint) as duration_seconds
    from legacy_source
),

business_suite_typed as (
    select
        ---------- ids and lineage
        'facebook' as channel,
        {{ account_of('_account') }} as account,
        {{ normalized_id('post_id') }} as post_id,
        trim(page_id) as page_id,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _format as export_format,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        ---------- text
        coalesce({{ null_if_token('description') }}, {{ null_if_token('title') }}) as text,
        {{ null_if_token('post_url') }} as post_url,
        {{ null_if_token('post_type') }} as post_type,
        ---------- timestamps
        {{ local_export_time_to_utc('posted_at') }} as posted_at,
        ---------- counts
        {{ to_count('reach') }} as reach,
        {{ to_count('views') }} as views,
        {{ to_count('impressions') }} as impressions,
        {{ to_count('reactions') }} as reactions,
        {{ to_count('comments') }} as comments,
        {{ to_count('shares') }} as shares,
        {{ to_count('link_clicks') }} as link_clicks,
        {{ to_count('total_clicks') }} as total_clicks,
        {{ to_count('video_views_3s') }} as video_views_3s,
        {{ to_count('video_views_1min') }} as video_views_1min,
        {{ to_count('duration_seconds') }} as duration_seconds
    from source
),

typed as (
    {{ union_all_by_name(['business_suite_typed', 'legacy_typed']) }}
),

one_row_per_snapshot as (
    {{ one_row_per_snapshot('typed', ['account', 'post_id']) }}
)

select * from one_row_per_snapshot
