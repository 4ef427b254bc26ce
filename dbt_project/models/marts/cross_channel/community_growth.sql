-- One row per channel, account and covered day: how the community grew. A day exists here only
-- when an export said something about followers that day; a day no file covers has no row (not a
-- row of zeros), so counting rows over a window counts the days the data covers.
with

daily as (
    select * from {{ ref('int_follower_days') }}
),

covered as (
    select *
    from daily
    where
        new_followers is not null
        or lost_followers is not null
        or net_change is not null
        or followers is not null
),

final as (
    select
        channel,
        account,
        date,
        cast(date_trunc('month', date) as date) as month,
        cast(new_followers as bigint) as new_followers,
        cast(lost_followers as bigint) as lost_followers,
        cast(coalesce(net_change, new_followers - lost_followers) as bigint) as net_change,
        cast(followers as bigint) as followers,
        {{ minutes_per_new_follower('new_followers') }} as minutes_per_new_follower
    from covered
)

select * from final
