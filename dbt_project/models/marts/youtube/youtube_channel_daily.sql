-- One row per YouTube channel and day; the most recent download wins for each day.
with

latest_download as (
    select *
    from {{ ref('stg_youtube__channel_day_snapshots') }}
    qualify row_number() over (
        partition by account, date
        order by snapshot_date desc, ingested_at desc, source_file desc
    ) = 1
),

final as (
    select
        channel,
        account,
        date,
        snapshot_date,
        views,
        watch_time_hours,
        subscribers_net,
        subscribers_gained,
        subscribers_lost,
        likes,
        comments,
        shares,
        impressions
    from latest_download
)

select * from final
