-- One row per LinkedIn Page, day and download of the visitors export: page views and unique
-- visitors of all the Page's tabs (the `Total ... (total)` columns: desktop plus mobile).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account', 'date', 'snapshot_date'],
        meta={'arrival_column': 'ingested_at'},
    )
}}

with

visitors as (
    {{ one_copy_per_file_row(
        rows_loaded_since_last_build(source('raw_linkedin', 'visitors_daily'))
    ) }}
),

typed as (
    select
        'linkedin' as channel,
        {{ account_of('_account') }} as account,
        cast({{ to_utc_timestamp('date') }} as date) as date,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        {{ to_count('total_page_views_total') }} as page_views,
        {{ to_count('total_unique_visitors_total') }} as unique_visitors
    from visitors
),

one_row_per_download as (
    {{ one_row_per_snapshot('typed', ['account', 'date']) }}
)

select * from one_row_per_download
