-- One row per channel, account, snapshot, dimension, measure and audience segment of the talk
-- (scientific community, teachers and students, media, policy-makers, local community, ...): the
-- share of the audience its rules cover (seeds/audience_segment_rules.csv, owned by analysts),
-- and a row `(not covered)` with the share no rule covers. A value two segments name counts in
-- both, and once in what is covered. Only dimensions some rule names have rows. A radius rule
-- covers the cities of seeds/places.csv within its distance of the place it names.
with

audience as (
    select * from {{ ref('audience') }}
),

rules as (
    select * from {{ ref('audience_segment_rules') }}
),

places as (
    select * from {{ ref('places') }}
),

by_value as (
    select
        segment,
        dimension,
        lower(value) as value
    from rules
    where within_km is null
),

by_radius as (
    select
        rules.segment,
        rules.dimension,
        lower(near.place) as value
    from rules
    inner join places as centre on lower(rules.value) = lower(centre.place)
    cross join places as near
    where
        rules.within_km is not null
        and {{ km_between(
            'centre.latitude', 'centre.longitude', 'near.latitude', 'near.longitude'
        ) }} <= rules.within_km
),

matches as (
    select * from by_value
    union
    select * from by_radius
),

matched as (
    select
        audience.channel,
        audience.account,
        audience.snapshot_date,
        audience.dimension,
        audience.measure,
        audience.value,
        audience.share,
        matches.segment
    from audience
    inner join matches
        on
            audience.dimension = matches.dimension
            and lower(audience.value) = matches.value
),

segment_shares as (
    select
        channel,
        account,
        snapshot_date,
        dimension,
        measure,
        segment,
        sum(share) as share
    from matched
    group by channel, account, snapshot_date, dimension, measure, segment
),

covered_values as (
    select distinct
        channel,
        account,
        snapshot_date,
        dimension,
        measure,
        value,
        share
    from matched
),

covered as (
    select
        channel,
        account,
        snapshot_date,
        dimension,
        measure,
        sum(share) as share
    from covered_values
    group by channel, account, snapshot_date, dimension, measure
),

snapshots as (
    select distinct
        channel,
        account,
        snapshot_date,
        dimension,
        measure
    from audience
    where dimension in (select matches.dimension from matches)
),

not_covered as (
    select
        snapshots.channel,
        snapshots.account,
        snapshots.snapshot_date,
        snapshots.dimension,
        snapshots.measure,
        '(not covered)' as segment,
        1.0 - coalesce(covered.share, 0) as share
    from snapshots
    left join covered
        on
            snapshots.channel = covered.channel
            and snapshots.account = covered.account
            and snapshots.snapshot_date = covered.snapshot_date
            and snapshots.dimension = covered.dimension
            and snapshots.measure = covered.measure
),

every_segment as (
    select * from segment_shares
    union all
    select * from not_covered
),

final as (
    select
        channel,
        account,
        snapshot_date,
        dimension,
        measure,
        segment,
        cast(round(share, 10) as double) as share
    from every_segment
)

select * from final
