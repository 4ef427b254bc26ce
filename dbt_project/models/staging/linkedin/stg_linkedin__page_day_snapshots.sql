-- One row per LinkedIn Page, day and download: the Metrics sheet's totals joined to the
-- followers export's new followers of the same download day.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account', 'metric_group', 'date', 'snapshot_date'],
        meta={'arrival_column': 'ingested_at'},
    )
}}

with

metrics as (
    {{ one_copy_per_file_row(rows_loaded_since_last_build(source('raw_linkedin', 'page_daily'))) }}
),

followers as (
    {{ one_copy_per_file_row(
        rows_loaded_since_last_build(source('raw_linkedin', 'followers_daily'))
    ) }}
),

metrics_typed as (
    select
        {{ account_of('_account') }} as account,
        cast({{ to_utc_timestamp('date') }} as date) as date,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        'impressions' as metric_group,
        {{ to_count('impressions_total') }} as impressions,
        {{ to_count('clicks_total') }} as clicks,
        {{ to_count('reactions_total') }} as reactions,
        {{ to_count('comments_total') }} as comments,
        {{ to_count('reposts_total') }} as reposts,
        cast(null as bigint) as new_followers
    from metrics
),

followers_typed as (
    select
        {{ account_of('_account') }} as account,
        cast({{ to_utc_timestamp('date') }} as date) as date,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        'followers' as metric_group,
        cast(null as bigint) as impressions,
        cast(null as bigint) as clicks,
        cast(null as bigint) as reactions,
        cast(null as bigint) as comments,
        cast(null as bigint) as reposts,
        {{ to_count('total_followers') }} as new_followers
    from followers
),

unioned as (
    select * from metrics_typed
    union all
    select * from followers_typed
),

one_row_per_download as (
    {{ one_row_per_snapshot('unioned', ['account', 'metric_group', 'date']) }}
)

select * from one_row_per_download
