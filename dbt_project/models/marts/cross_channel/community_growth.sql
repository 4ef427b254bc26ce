-- One row per channel, account and day: how the community grew.
with

daily as (
    select * from {{ ref('int_followers__daily') }}
),

final as (
    select
        channel,
        account,
        date,
        cast(new_followers as bigint) as new_followers,
        cast(lost_followers as bigint) as lost_followers,
        cast(coalesce(net_change, new_followers - lost_followers) as bigint) as net_change,
        cast(followers as bigint) as followers,
        {{ safe_ratio('1440', 'new_followers') }} as minutes_per_new_follower
    from daily
)

select * from final
