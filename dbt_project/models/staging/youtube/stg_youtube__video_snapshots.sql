-- One row per video per snapshot date (Total rows left out).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account', 'video_id', 'snapshot_date'],
        meta={'arrival_column': 'ingested_at'},
    )
}}

with

video_rows as (
    select * from {{ rows_loaded_since_last_build(ref('stg_youtube__video_rows'), 'ingested_at') }}
    where not is_total_row
),

one_row_per_snapshot as (
    {{ one_row_per_snapshot('video_rows', ['account', 'video_id']) }}
)

select * from one_row_per_snapshot
