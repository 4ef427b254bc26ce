-- One row per channel, account and day the account's data speaks for: a day of any daily export
-- (a daily mart row), or a day inside a per-post export of the account. What is not here was not
-- covered: a period's rates divide by these days, never by the calendar's.
with

daily_marts as (
    -- X's daily export states how many posts it published; the other daily exports do not.
    select
        channel,
        account,
        date,
        posts_published as stated_posts_published
    from {{ ref('twitter_account_daily') }}
    {%- for daily_mart in [
        'facebook_page_daily',
        'instagram_account_daily',
        'linkedin_page_daily',
        'youtube_channel_daily',
    ] %}
        union all
        select
            channel,
            account,
            date,
            cast(null as bigint) as stated_posts_published
        from {{ ref(daily_mart) }}
    {%- endfor %}
),

follower_days as (
    -- A day counts for follower rates only when it says how many followed (or the net change).
    select distinct
        channel,
        account,
        date
    from {{ ref('int_follower_days') }}
    where new_followers is not null or net_change is not null
),

-- The ledger keeps a file's snapshot day, not its window's start, and a file without a window
-- in its name has only its modification time: so a per-post export covers the days from its
-- first post to its last, what the file itself proves. (A window's quiet days at either end are
-- left out rather than guessed.)
post_export_spans as (
    select
        channel,
        account,
        source_file,
        min(cast(posted_at as date)) as first_day,
        max(cast(posted_at as date)) as last_day
    from {{ ref('post_metric_history') }}
    where posted_at is not null
    group by channel, account, source_file
),

post_export_days as (
    select distinct
        spans.channel,
        spans.account,
        cast(days.day as date) as date
    from post_export_spans as spans,
        {{ days_between_as_rows('spans.first_day', 'spans.last_day', 'days', 'day') }}
),

daily_days as (
    select
        channel,
        account,
        date,
        max(stated_posts_published) as stated_posts_published
    from daily_marts
    group by channel, account, date
),

all_days as (
    select
        channel,
        account,
        date
    from daily_days
    union
    select
        channel,
        account,
        date
    from post_export_days
),

final as (
    select
        all_days.channel,
        all_days.account,
        all_days.date,
        daily_days.date is not null as has_daily_export,
        follower_days.date is not null as has_follower_data,
        post_export_days.date is not null as has_post_export,
        daily_days.stated_posts_published
    from all_days
    left join daily_days
        on
            all_days.channel = daily_days.channel
            and all_days.account = daily_days.account
            and all_days.date = daily_days.date
    left join follower_days
        on
            all_days.channel = follower_days.channel
            and all_days.account = follower_days.account
            and all_days.date = follower_days.date
    left join post_export_days
        on
            all_days.channel = post_export_days.channel
            and all_days.account = post_export_days.account
            and all_days.date = post_export_days.date
)

select * from final
