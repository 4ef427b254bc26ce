-- One row per channel, account and day: follower movements from each channel's daily mart, on
-- one vocabulary.
with

twitter as (
    select
        channel,
        account,
        date,
        new_followers,
        unfollows as lost_followers,
        new_followers - unfollows as net_change,
        cast(null as bigint) as followers
    from {{ ref('twitter_account_daily') }}
),

facebook_history as (
    -- FollowerHistory.csv: the running follower count and the day's difference from the day
    -- before (the net change), latest download per day.
    select
        account,
        date,
        followers,
        followers_change
    from {{ ref('stg_facebook__chart_days') }}
    where followers is not null
    {{ keep_first('account, date', newest_download_first()) }}
),

facebook as (
    select
        coalesce(page_daily.channel, 'facebook') as channel,
        coalesce(page_daily.account, facebook_history.account) as account,
        coalesce(page_daily.date, facebook_history.date) as date,
        page_daily.new_followers,
        cast(null as bigint) as lost_followers,
        facebook_history.followers_change as net_change,
        facebook_history.followers
    from {{ ref('facebook_page_daily') }} as page_daily
    full outer join facebook_history
        on page_daily.account = facebook_history.account and page_daily.date = facebook_history.date
),

instagram as (
    select
        channel,
        account,
        date,
        new_followers,
        cast(null as bigint) as lost_followers,
        cast(null as bigint) as net_change,
        cast(null as bigint) as followers
    from {{ ref('instagram_account_daily') }}
),

linkedin as (
    -- LinkedIn's followers export writes one number a day, new followers net of unfollows
    -- (negative on a day of net unfollows): it is the net change. As new followers it counts only
    -- when not negative; on a net-loss day how many followed is unknown.
    select
        channel,
        account,
        date,
        case when new_followers >= 0 then new_followers end as new_followers,
        cast(null as bigint) as lost_followers,
        new_followers as net_change,
        cast(null as bigint) as followers
    from {{ ref('linkedin_page_daily') }}
),

youtube as (
    select
        channel,
        account,
        date,
        subscribers_gained as new_followers,
        subscribers_lost as lost_followers,
        subscribers_net as net_change,
        cast(null as bigint) as followers
    from {{ ref('youtube_channel_daily') }}
),

unioned as (
    select * from twitter
    union all
    select * from facebook
    union all
    select * from instagram
    union all
    select * from linkedin
    union all
    select * from youtube
)

select * from unioned
