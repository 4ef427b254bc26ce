-- One row per channel, account and day with a follower count: the count an export states that day
-- (Meta's FollowerHistory.csv, docs/formats.md §2.3), else the last stated count carried forward
-- with the net change of every day since, only while each of those days' net change is known.
-- A day after a gap in the net changes has no row until an export states a count again: a count
-- is never invented.
with

days as (
    select
        channel,
        account,
        date,
        net_change,
        followers
    from {{ ref('int_follower_days') }}
),

anchored as (
    select
        channel,
        account,
        date,
        net_change,
        followers,
        max(case when followers is not null then date end) over (
            partition by channel, account
            order by date
            rows between unbounded preceding and current row
        ) as counted_from
    from days
),

since_count as (
    select
        channel,
        account,
        date,
        followers,
        counted_from,
        sum(case when date > counted_from then net_change end) over (
            partition by channel, account, counted_from
            order by date
            rows between unbounded preceding and current row
        ) as net_since,
        count(case when date > counted_from and net_change is not null then 1 end) over (
            partition by channel, account, counted_from
            order by date
            rows between unbounded preceding and current row
        ) as known_days
    from anchored
    where counted_from is not null
),

with_count as (
    select
        since_count.*,
        stated.followers as stated_followers
    from since_count
    inner join days as stated
        on
            since_count.channel = stated.channel
            and since_count.account = stated.account
            and since_count.counted_from = stated.date
),

final as (
    select
        channel,
        account,
        date,
        cast(coalesce(followers, stated_followers + net_since) as bigint) as followers,
        followers is not null as is_stated,
        counted_from
    from with_count
    where
        followers is not null
        or known_days = {{ days_between('counted_from', 'date') }}
)

select * from final
