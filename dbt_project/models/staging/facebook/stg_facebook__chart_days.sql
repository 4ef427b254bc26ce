-- One row per Page, day and download of the Meta Business Suite chart exports (Viewers.csv,
-- FollowerHistory.csv), whose dates have no year ("August 19"). The year is inferred from the
-- download day: the last such date not after it. year_inferred says so on every row.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account', 'export_format', 'date', 'snapshot_date'],
        meta={'arrival_column': 'ingested_at'},
    )
}}

with

source as (
    {{ one_copy_per_file_row(rows_loaded_since_last_build(source('raw_facebook', 'chart_daily'))) }}
),

with_year as (
    select
        *,
        {{ parse_timestamp(
            "trim(chart_day) || ' ' || cast(year(_snapshot_date) as string)", "'%B %d %Y'"
        ) }} as same_year_day
    from source
),

typed as (
    select
        'facebook' as channel,
        {{ account_of('_account') }} as account,
        cast(
            case
                when cast(same_year_day as date) > _snapshot_date
                    then same_year_day - interval 1 year
                else same_year_day
            end as date
        ) as date,
        true as year_inferred,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _format as export_format,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        {{ to_count('total_viewers') }} as total_viewers,
        {{ to_count('new_viewers') }} as new_viewers,
        {{ to_count('returning_viewers') }} as returning_viewers,
        {{ to_count('followers') }} as followers,
        {{ to_count('followers_change') }} as followers_change
    from with_year
),

one_row_per_download as (
    {{ one_row_per_snapshot('typed', ['account', 'export_format', 'date']) }}
)

select * from one_row_per_download
