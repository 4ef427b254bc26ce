-- One row per Facebook Page, download, audience breakdown and value of Meta's audience
-- snapshots (docs/formats.md §2.5): the share as written (a percent or a fraction: the audience
-- mart puts each snapshot on one scale). The age and gender table gives each cell's share of the
-- whole audience; its rows come once per age range (men plus women) and once per gender cell.
-- `Top pages` (pages the audience also likes) is no audience of ours: left in raw.
with

source as (
    {{ one_copy_per_file_row(source('raw_facebook', 'audience')) }}
),

typed as (
    select
        'facebook' as channel,
        {{ account_of('_account') }} as account,
        _snapshot_date as snapshot_date,
        _format as export_format,
        trim(dimension_value) as written_value,
        {{ to_fraction('distribution') }} as stated_share,
        {{ to_fraction('men') }} as men,
        {{ to_fraction('women') }} as women,
        _source_file as source_file,
        _downloaded_at as downloaded_at,
        _ingested_at as ingested_at
    from source
    where _format <> 'facebook.audience_top_pages'
),

genders as (
    select 'Men' as gender
    union all
    select 'Women' as gender
),

one_value as (
    select
        channel,
        account,
        snapshot_date,
        export_format,
        cast(null as string) as dimension,
        written_value,
        cast(null as double) as amount,
        stated_share,
        false as is_total_row,
        source_file,
        downloaded_at,
        ingested_at
    from typed
    where export_format <> 'facebook.audience_age_gender'
),

age_ranges as (
    select
        channel,
        account,
        snapshot_date,
        export_format,
        'age' as dimension,
        written_value,
        cast(null as double) as amount,
        coalesce(men, 0) + coalesce(women, 0) as stated_share,
        false as is_total_row,
        source_file,
        downloaded_at,
        ingested_at
    from typed
    where export_format = 'facebook.audience_age_gender'
),

gender_cells as (
    select
        typed.channel,
        typed.account,
        typed.snapshot_date,
        typed.export_format,
        'gender' as dimension,
        cells.gender as written_value,
        cast(null as double) as amount,
        case cells.gender when 'Men' then typed.men else typed.women end as stated_share,
        false as is_total_row,
        typed.source_file,
        typed.downloaded_at,
        typed.ingested_at
    from typed
    cross join genders as cells
    where typed.export_format = 'facebook.audience_age_gender'
),

unioned as (
    select * from one_value
    union all
    select * from age_ranges
    union all
    select * from gender_cells
)

select * from unioned
