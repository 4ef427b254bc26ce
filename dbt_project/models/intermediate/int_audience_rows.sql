-- One row per channel, account, snapshot, dimension, measure and value as the export wrote it, with
-- the dimension and the measure of each shape (seeds/audience_exports.csv, kept with the
-- declarations: docs/formats.md §2.5, §4.6, §5.5). Each dimension and measure of a snapshot comes
-- from one file: two downloads, or two exports stating the same breakdown (Meta's
-- FollowerTopTerritories.csv and Audience.csv's top countries), are never added together. The
-- newest file wins; on one day, the single-table `facebook.follower_*` download before
-- Audience.csv's blocks, as it states its `Others` row (shape names in reverse order).
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

described as (
    select
        unioned.channel,
        unioned.account,
        unioned.snapshot_date,
        coalesce(unioned.dimension, exports.dimension) as dimension,
        exports.measure,
        unioned.export_format,
        unioned.source_file,
        unioned.downloaded_at,
        unioned.ingested_at,
        unioned.written_value,
        unioned.amount,
        unioned.stated_share,
        unioned.is_total_row
    from unioned
    inner join exports on unioned.export_format = exports.export_format
    where unioned.written_value is not null and unioned.written_value <> ''
),

files as (
    select distinct
        channel,
        account,
        snapshot_date,
        dimension,
        measure,
        export_format,
        source_file,
        downloaded_at,
        ingested_at
    from described
),

chosen_file as (
    select
        channel,
        account,
        snapshot_date,
        dimension,
        measure,
        export_format,
        source_file
    from files
    {{ keep_first(
        'channel, account, snapshot_date, dimension, measure',
        'downloaded_at desc, ingested_at desc, export_format desc, source_file desc'
    ) }}
),

final as (
    select
        described.channel,
        described.account,
        described.snapshot_date,
        described.dimension,
        described.measure,
        described.written_value,
        described.amount,
        described.stated_share,
        described.is_total_row
    from described
    inner join chosen_file
        on
            described.channel = chosen_file.channel
            and described.account = chosen_file.account
            and described.snapshot_date = chosen_file.snapshot_date
            and described.dimension = chosen_file.dimension
            and described.measure = chosen_file.measure
            and described.export_format = chosen_file.export_format
            and described.source_file = chosen_file.source_file
)

select * from final
