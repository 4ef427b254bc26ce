-- One row per channel, account, snapshot, dimension, measure and value: who a channel reaches.
-- Countries become ISO 3166 alpha-2 codes whatever the export wrote (names in English, French or
-- German, or codes), genders and "Others" one word each: seeds/audience_value_names.csv. The
-- share is of the dimension's total in that snapshot: counts are divided by the table's Total
-- row where it has one (YouTube lists at most 500 values), else by their sum; stated shares,
-- percents or fractions as the export wrote them, end on one scale; what a list leaves out is the
-- value `(other)`, so a dimension's shares add up to 1.
with

exported as (
    select * from {{ ref('int_audience_rows') }}
    where not coalesce(is_total_row, false)
),

stated_totals as (
    select
        channel,
        account,
        snapshot_date,
        dimension,
        measure,
        sum(amount) as amount
    from {{ ref('int_audience_rows') }}
    where is_total_row
    group by channel, account, snapshot_date, dimension, measure
),

value_names as (
    select * from {{ ref('audience_value_names') }}
),

named as (
    select
        exported.channel,
        exported.account,
        exported.snapshot_date,
        exported.dimension,
        exported.measure,
        exported.amount,
        exported.stated_share,
        coalesce(value_names.value, exported.written_value) as value
    from exported
    left join value_names
        on
            lower(exported.written_value) = value_names.written
            and coalesce(value_names.dimension, exported.dimension) = exported.dimension
),

summed as (
    select
        channel,
        account,
        snapshot_date,
        dimension,
        measure,
        value,
        sum(amount) as amount,
        sum(stated_share) as stated_share
    from named
    group by channel, account, snapshot_date, dimension, measure, value
),

listed as (
    -- Shares written as percents add up to about 100, fractions to about 1 (Meta writes either
    -- in FollowerTopTerritories.csv, docs/formats.md §2.5): above 1.5, the snapshot is in percents.
    select
        channel,
        account,
        snapshot_date,
        dimension,
        measure,
        coalesce(sum(amount), 0) as amount_listed,
        coalesce(sum(stated_share), 0)
        / case when sum(stated_share) > 1.5 then 100.0 else 1.0 end as stated_total,
        case when sum(stated_share) > 1.5 then 100.0 else 1.0 end as scale
    from summed
    group by channel, account, snapshot_date, dimension, measure
),

totals as (
    -- A Total row smaller than the listed values would make shares above 1: the listed sum then.
    select
        listed.*,
        greatest(listed.amount_listed, coalesce(stated_totals.amount, 0)) as amount_total
    from listed
    left join stated_totals
        on
            listed.channel = stated_totals.channel
            and listed.account = stated_totals.account
            and listed.snapshot_date = stated_totals.snapshot_date
            and listed.dimension = stated_totals.dimension
            and listed.measure = stated_totals.measure
),

shared as (
    select
        summed.channel,
        summed.account,
        summed.snapshot_date,
        summed.dimension,
        summed.measure,
        summed.value,
        summed.amount,
        case
            when totals.amount_total > 0 then summed.amount / totals.amount_total
            -- Rounded percents can add up to a little over 100: then each is taken of their sum.
            else summed.stated_share / totals.scale / greatest(totals.stated_total, 1.0)
        end as share,
        totals.amount_total > 0 as share_from_counts
    from summed
    inner join totals
        on
            summed.channel = totals.channel
            and summed.account = totals.account
            and summed.snapshot_date = totals.snapshot_date
            and summed.dimension = totals.dimension
            and summed.measure = totals.measure
),

not_listed as (
    -- A top list states shares of the whole audience but not every value, and a Total row counts
    -- values the table does not list: the rest is `(other)`.
    select
        channel,
        account,
        snapshot_date,
        dimension,
        measure,
        '(other)' as value,
        case when amount_total > 0 then amount_total - amount_listed end as amount,
        case
            when amount_total > 0 then (amount_total - amount_listed) / amount_total
            else 1.0 - stated_total
        end as share,
        amount_total > 0 as share_from_counts
    from totals
    where
        (amount_total > 0 and amount_total > amount_listed)
        or (amount_total = 0 and stated_total < 1.0 - 0.000001)
),

combined as (
    select * from shared
    union all
    select * from not_listed
),

final as (
    select
        channel,
        account,
        snapshot_date,
        dimension,
        measure,
        value,
        cast(round(sum(amount)) as bigint) as amount,
        cast(round(sum(share), 10) as double) as share,
        bool_or(share_from_counts) as share_from_counts
    from combined
    group by channel, account, snapshot_date, dimension, measure, value
)

select * from final
