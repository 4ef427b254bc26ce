-- One row per label dimension, label, channel and month: how the posts with that label did
-- (median engagement rate, mean percentile) and their lift over the same accounts' usual.
with

posts as (
    select
        channel,
        account,
        post_id,
        engagement_rate,
        engagement_percentile,
        cast(date_trunc('month', posted_at_local) as date) as month
    from {{ ref('all_posts') }}
    where posted_at_local is not null
),

members as (
    select
        labels.dimension,
        labels.label,
        posts.*
    from {{ ref('int_post_labels') }} as labels
    inner join posts
        on
            labels.channel = posts.channel
            and labels.account = posts.account
            and labels.post_id = posts.post_id
),

lifted as (
    {%- set label_month = ['dimension', 'label', 'channel', 'month'] %}
    {{ lift_against_same_account_months('members', 'posts', label_month) }}
),

percentiles as (
    select
        dimension,
        label,
        channel,
        month,
        avg(engagement_percentile) as mean_engagement_percentile,
        count(engagement_percentile) as posts_with_percentile
    from members
    group by dimension, label, channel, month
),

final as (
    select
        lifted.dimension,
        lifted.label,
        lifted.channel,
        lifted.month,
        lifted.posts,
        lifted.median_engagement_rate,
        percentiles.mean_engagement_percentile,
        percentiles.posts_with_percentile,
        lifted.baseline_engagement_rate,
        lifted.lift
    from lifted
    inner join percentiles
        on
            lifted.dimension = percentiles.dimension
            and lifted.label = percentiles.label
            and lifted.channel = percentiles.channel
            and lifted.month = percentiles.month
)

select * from final
