-- One row per channel, account, weekday and local hour of posting: how many posts went out then
-- and how they did. Posts whose export gives only the date (LinkedIn, YouTube) count for their
-- weekday with local_hour NULL: their hour is not known, not midnight.
with

posts as (
    select
        channel,
        account,
        post_id,
        engagement_rate,
        engagement_percentile,
        cast({{ iso_weekday('posted_at_local') }} as integer) as weekday,
        case when posted_at_precision = 'minute' then cast(hour(posted_at_local) as integer) end
            as local_hour,
        cast(date_trunc('month', posted_at_local) as date) as month
    from {{ ref('all_posts') }}
    where posted_at_local is not null
),

lifted as (
    {%- set cell = ['channel', 'account', 'weekday', 'local_hour'] %}
    {{ lift_against_same_account_months('posts', 'posts', cell) }}
),

percentiles as (
    select
        channel,
        account,
        weekday,
        local_hour,
        avg(engagement_percentile) as mean_engagement_percentile
    from posts
    group by channel, account, weekday, local_hour
),

final as (
    select
        lifted.channel,
        lifted.account,
        lifted.weekday,
        {{ weekday_name("date '2024-01-07' + lifted.weekday") }} as weekday_name,
        lifted.local_hour,
        lifted.posts,
        lifted.posts >= {{ var('best_time_min_posts') }} as enough_posts,
        lifted.median_engagement_rate,
        percentiles.mean_engagement_percentile,
        lifted.baseline_engagement_rate,
        lifted.lift
    from lifted
    inner join percentiles
        on
            lifted.channel = percentiles.channel
            and lifted.account = percentiles.account
            and lifted.weekday = percentiles.weekday
            and lifted.local_hour is not distinct from percentiles.local_hour
)

select * from final
