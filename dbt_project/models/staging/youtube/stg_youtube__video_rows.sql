-- Every row of the content-dimension tables, typed, the Total rows included and flagged: one
-- row per export file and row.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        meta={'arrival_column': 'ingested_at'},
    )
}}

with

source as (
    {{ one_copy_per_file_row(rows_loaded_since_last_build(source('raw_youtube', 'videos'))) }}
),

typed as (
    select
        ---------- ids and lineage
        'youtube' as channel,
        {{ account_of('_account') }} as account,
        -- Studio writes ids that start with "-" with a leading space (a spreadsheet guard).
        {{ normalized_id('video_id') }} as video_id,
        -- The German UI writes its total label with soft hyphens (U+00AD): "Ge-samt".
        {{ is_total_row("replace(video_id, chr(173), '')") }} as is_total_row,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _row_number as row_number,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        ---------- text and time
        {{ null_if_token('video_title') }} as video_title,
        cast({{ to_utc_timestamp('published') }} as date) as published_date,
        ---------- measures
        {{ to_count('duration_seconds') }} as duration_seconds,
        {{ to_count('views') }} as views,
        {{ to_fraction('watch_time_hours') }} as watch_time_hours,
        {{ to_count('subscribers_net') }} as subscribers_net,
        {{ to_count('subscribers_gained') }} as subscribers_gained,
        {{ to_count('subscribers_lost') }} as subscribers_lost,
        {{ to_count('impressions') }} as impressions,
        {{ percent_to_fraction('impressions_ctr_percent') }} as impressions_ctr,
        {{ to_count('likes') }} as likes,
        {{ to_count('comments') }} as comments,
        {{ to_count('shares') }} as shares,
        {{ duration_to_seconds('average_view_duration') }} as average_view_duration_seconds
    from source
)

select * from typed
