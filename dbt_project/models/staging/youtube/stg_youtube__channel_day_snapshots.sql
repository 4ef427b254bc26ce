-- One row per channel, day, download and table kind (Total rows left out): a Studio ZIP holds
-- both a date table (views, watch time, subscribers) and Totals.csv (views only).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account', 'date', 'export_format', 'snapshot_date'],
        meta={'arrival_column': 'ingested_at'},
    )
}}

with

source as (
    {{ one_copy_per_file_row(
        rows_loaded_since_last_build(source('raw_youtube', 'channel_daily'))
    ) }}
),

typed as (
    select
        'youtube' as channel,
        {{ account_of('_account') }} as account,
        cast({{ to_utc_timestamp('date') }} as date) as date,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _format as export_format,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        {{ to_count('views') }} as views,
        {{ to_fraction('watch_time_hours') }} as watch_time_hours,
        {{ to_count('subscribers_net') }} as subscribers_net,
        {{ to_count('subscribers_gained') }} as subscribers_gained,
        {{ to_count('subscribers_lost') }} as subscribers_lost,
        {{ to_count('likes') }} as likes,
        {{ to_count('comments') }} as comments,
        {{ to_count('shares') }} as shares,
        {{ to_count('impressions') }} as impressions
    from source
    -- The German UI writes its total label with soft hyphens (U+00AD): "Ge-samt".
    where not {{ is_total_row("replace(date, chr(173), '')") }}
),

one_row_per_download as (
    {{ one_row_per_snapshot('typed', ['account', 'date', 'export_format']) }}
)

select * from one_row_per_download
