-- One row per channel, account and month: what was published that month (lifetime numbers of
-- those posts, as of their latest download), what happened that month (followers gained,
-- interactions counted between downloads), and how many of its days the data covers: totals are
-- sums over covered days, rates divide by covered days, and is_partial says when that is not all.
with

history as (
    select * from {{ ref('post_metric_history') }}
),

latest_per_post as (
    select *
    from history
    {{ keep_first('channel, account, post_id', 'snapshot_date desc') }}
),

published as (
    select
        channel,
        account,
        cast(date_trunc('month', posted_at) as date) as month,
        count(*) as posts_published,
        sum(audience) as lifetime_audience_of_posts_published,
        sum(interactions) as lifetime_interactions_of_posts_published
    from latest_per_post
    -- A post whose export gives no publish time (YouTube Studio leaves it empty for some
    -- videos) was published in no month we know: it is in the post marts, not counted here.
    where posted_at is not null
    group by channel, account, cast(date_trunc('month', posted_at) as date)
),

days_covered as (
    select * from {{ ref('int_days_covered') }}
),

-- The month's coverage, and the posts a daily export states (X's Create Post) on the days no
-- per-post export covers: there the daily count is all we know; where a per-post export covers
-- the day, its posts are counted one by one in `published` and the daily count would double them.
coverage as (
    select
        channel,
        account,
        cast(date_trunc('month', date) as date) as month,
        count(*) as days_covered,
        count(*) filter (where has_follower_data) as follower_days_covered,
        count(*) filter (
            where has_post_export or stated_posts_published is not null
        ) as post_days_covered,
        min(date) as first_day_covered,
        max(date) as last_day_covered,
        sum(stated_posts_published) filter (where not has_post_export) as daily_stated_posts
    from days_covered
    group by channel, account, cast(date_trunc('month', date) as date)
),

-- Activity in the month as far as downloads allow: what posts gained between a download in
-- this month and the download before it. A post's first download measured no gain: it makes no
-- month (a lone download dated by its file time would invent one with no data in it).
activity as (
    select
        channel,
        account,
        cast(date_trunc('month', snapshot_date) as date) as month,
        sum(interactions_gained) as interactions_gained_between_downloads
    from history
    where interactions_gained is not null
    group by channel, account, cast(date_trunc('month', snapshot_date) as date)
),

followers as (
    select
        channel,
        account,
        cast(date_trunc('month', date) as date) as month,
        sum(new_followers) as new_followers,
        sum(net_change) as net_follower_change,
        {{ value_of_max('followers', 'date') }} as followers_at_month_end
    from {{ ref('int_follower_days') }}
    group by channel, account, cast(date_trunc('month', date) as date)
),

months as (
    select
        channel,
        account,
        month
    from published
    union
    select
        channel,
        account,
        month
    from activity
    union
    select
        channel,
        account,
        month
    from followers
    union
    select
        channel,
        account,
        month
    from coverage
),

final as (
    select
        months.channel,
        months.account,
        months.month,
        -- No post known and no day a post source covers: how many were published is unknown
        -- (a month made only by a follower series or a later download), not zero.
        case
            when
                published.posts_published is null
                and coalesce(coverage.post_days_covered, 0) = 0
                then null
            else cast(
                coalesce(published.posts_published, 0)
                + coalesce(coverage.daily_stated_posts, 0) as bigint
            )
        end as posts_published,
        cast(published.lifetime_audience_of_posts_published as bigint)
            as lifetime_audience_of_posts_published,
        cast(published.lifetime_interactions_of_posts_published as bigint)
            as lifetime_interactions_of_posts_published,
        {{ safe_ratio(
            'published.lifetime_interactions_of_posts_published',
            'published.lifetime_audience_of_posts_published'
        ) }} as lifetime_engagement_rate_of_posts_published,
        cast(activity.interactions_gained_between_downloads as bigint)
            as interactions_gained_between_downloads,
        cast(followers.new_followers as bigint) as new_followers,
        cast(followers.net_follower_change as bigint) as net_follower_change,
        cast(followers.followers_at_month_end as bigint) as followers_at_month_end,
        cast(day(last_day(months.month)) as integer) as days_in_month,
        cast(coalesce(coverage.days_covered, 0) as integer) as days_covered,
        coverage.first_day_covered,
        coverage.last_day_covered,
        coalesce(coverage.days_covered, 0) < day(last_day(months.month)) as is_partial,
        cast(coalesce(coverage.follower_days_covered, 0) as integer) as follower_days_covered,
        cast(coalesce(coverage.post_days_covered, 0) as integer) as post_days_covered,
        {{ minutes_per_new_follower('followers.new_followers', 'coverage.follower_days_covered') }}
            as minutes_per_new_follower,
        {{ safe_ratio('followers.new_followers', 'coverage.follower_days_covered') }}
            as new_followers_per_covered_day
    from months
    left join published
        on
            months.channel = published.channel
            and months.account = published.account
            and months.month = published.month
    left join activity
        on
            months.channel = activity.channel
            and months.account = activity.account
            and months.month = activity.month
    left join followers
        on
            months.channel = followers.channel
            and months.account = followers.account
            and months.month = followers.month
    left join coverage
        on
            months.channel = coverage.channel
            and months.account = coverage.account
            and months.month = coverage.month
)

select * from final
