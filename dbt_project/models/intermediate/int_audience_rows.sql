-- One row per channel, account, snapshot, dimension, measure and value as the export wrote it, from
-- the newest download of each export shape and snapshot (two downloads of one day's snapshot are
-- never added together), with the dimension and the measure the shape gives
-- (seeds/audience_exports.csv, owned with the declarations: docs/formats.md §2.5, §4.6, §5.5).
with

unioned as (
    select * from {{ ref('stg_facebook__audience_rows') }}
    union all
    select * from {{ ref('stg_linkedin__audience_rows') }}
    union all
    select * from {{ ref('stg_youtube__audience_rows') }}
),

exports as (
    select * from {{ ref('audience_exports') }}
),

files as (
    select distinct
        channel,
        account,
        snapshot_date,
        export_format,
        source_file,
        downloaded_at,
        ingested_at
    from unioned
),

newest_file as (
    select
        channel,
        account,
        snapshot_date,
        export_format,
        source_file
    from files
    {{ keep_first(
        'channel, account, snapshot_date, export_format',
        'downloaded_at desc, ingested_at desc, source_file desc'
    ) }}
),

kept as (
    select unioned.*
    from unioned
    inner join newest_file
        on
            unioned.channel = newest_file.channel
            and unioned.account = newest_file.account
            and unioned.snapshot_date = newest_file.snapshot_date
            and unioned.export_format = newest_file.export_format
            and unioned.source_file = newest_file.source_file
),

final as (
    select
        kept.channel,
        kept.account,
        kept.snapshot_date,
        coalesce(kept.dimension, exports.dimension) as dimension,
        exports.measure,
        kept.written_value,
        kept.amount,
        kept.stated_share
    from kept
    inner join exports on kept.export_format = exports.export_format
    where kept.written_value is not null and kept.written_value <> ''
)

select * from final
