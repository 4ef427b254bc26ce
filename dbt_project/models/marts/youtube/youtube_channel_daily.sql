-- One row per YouTube channel and day. Each metric comes from the most recent download that
-- carried it: a later Totals.csv (views only) revises views without erasing watch time.
-- Built incrementally: a night remakes only the days that received a download
-- (macro only_keys_with_new_rows).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['channel', 'account', 'date'],
        on_schema_change='fail',
    )
}}
with

day_snapshots as (
    select *
    from {{
        only_keys_with_new_rows(ref('stg_youtube__channel_day_snapshots'), ['account', 'date'])
    }}
),

final as (
    select
        'youtube' as channel,
        account,
        date,
        max(snapshot_date) as snapshot_date,
        {{ latest_known('views') }} as views,
        {{ latest_known('watch_time_hours') }} as watch_time_hours,
        {{ latest_known('subscribers_net') }} as subscribers_net,
        {{ latest_known('subscribers_gained') }} as subscribers_gained,
        {{ latest_known('subscribers_lost') }} as subscribers_lost,
        {{ latest_known('likes') }} as likes,
        {{ latest_known('comments') }} as comments,
        {{ latest_known('shares') }} as shares,
        {{ latest_known('impressions') }} as impressions
    from day_snapshots
    group by account, date
)

select * from final
