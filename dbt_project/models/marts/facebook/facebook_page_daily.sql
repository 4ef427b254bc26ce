-- One row per Facebook Page and day: the Meta Business Suite daily series, and the chart exports
-- Viewers.csv (viewers) and FollowerHistory.csv (followers).
with

series_days as (
    {{ meta_daily_series_days(
        'facebook',
        ['new_followers', 'reach', 'viewers', 'views', 'visits', 'interactions', 'link_clicks']
    ) }}
),

chart_days as (
    select
        account,
        date,
        max(snapshot_date) as snapshot_date,
        {{ latest_known('total_viewers') }} as viewers,
        {{ latest_known('followers') }} as followers
    from {{ ref('stg_facebook__chart_days') }}
    group by account, date
),

final as (
    select
        'facebook' as channel,
        coalesce(series_days.account, chart_days.account) as account,
        coalesce(series_days.date, chart_days.date) as date,
        greatest(series_days.snapshot_date, chart_days.snapshot_date) as snapshot_date,
        series_days.new_followers,
        series_days.reach,
        cast(coalesce(series_days.viewers, chart_days.viewers) as bigint) as viewers,
        series_days.views,
        series_days.visits,
        series_days.interactions,
        series_days.link_clicks,
        cast(chart_days.followers as bigint) as followers
    from series_days
    full outer join chart_days
        on series_days.account = chart_days.account and series_days.date = chart_days.date
)

select * from final
