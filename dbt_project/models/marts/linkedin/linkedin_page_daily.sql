-- One row per LinkedIn Page and day: each metric group's day from its most recent download.
with

latest_download as (
    select *
    from {{ ref('stg_linkedin__page_day_snapshots') }}
    qualify row_number() over (
        partition by account, metric_group, date
        order by snapshot_date desc, ingested_at desc, source_file desc
    ) = 1
),

final as (
    select
        'linkedin' as channel,
        account,
        date,
        max(snapshot_date) as snapshot_date,
        cast(max(impressions) as bigint) as impressions,
        cast(max(clicks) as bigint) as clicks,
        cast(max(reactions) as bigint) as reactions,
        cast(max(comments) as bigint) as comments,
        cast(max(reposts) as bigint) as reposts,
        cast(max(new_followers) as bigint) as new_followers
    from latest_download
    group by account, date
)

select * from final
