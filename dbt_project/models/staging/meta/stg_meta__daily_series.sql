-- One row per account, series (channel and metric), day and download.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account', 'series_title', 'date', 'snapshot_date'],
    )
}}

with

source as (
    {{ one_copy_per_file_row(rows_loaded_since_last_build(source('raw_meta', 'daily_series'))) }}
),

titles as (
    select * from {{ ref('meta_daily_series_titles') }}
),

typed as (
    select
        titles.channel,
        titles.metric,
        source._account as account,
        source.series_title,
        cast({{ to_utc_timestamp('source.date') }} as date) as date,
        {{ to_count('source.value') }} as value,
        source._snapshot_date as snapshot_date,
        source._source_file as source_file,
        source._ingested_at as ingested_at
    from source
    left join titles
        on lower(trim(source.series_title)) = lower(titles.series_title)
),

one_row_per_download as (
    {{ one_row_per_snapshot('typed', ['account', 'series_title', 'date']) }}
)

select * from one_row_per_download
