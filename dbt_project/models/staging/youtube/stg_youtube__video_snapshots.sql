-- One row per video per snapshot date (Total rows left out).
with

video_rows as (
    select * from {{ ref('stg_youtube__video_rows') }}
    where not is_total_row
),

one_row_per_snapshot as (
    {{ one_row_per_snapshot('video_rows', ['account', 'video_id']) }}
)

select * from one_row_per_snapshot
