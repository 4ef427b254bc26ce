-- One row per plausibility check, source file and row it flagged: values that are real (the
-- platform wrote them) but unusual. These checks warn, never block (socialkpi/build/isolation.py
-- quarantines only files whose rows fail a blocking check).
with

post_engagement_rates as (
    {{ rate_above_one(
        ref('post_metric_history'), 'engagement_rate_above_1', 'channel', 'engagement_rate',
        'engagement_rate', post_id='post_id'
    ) }}
),

x_export_engagement_rates as (
    {{ rate_above_one(
        ref('stg_twitter__tweet_snapshots'), 'export_engagement_rate_above_1', "'twitter'",
        'export_engagement_rate', 'export_engagement_rate', post_id='post_id'
    ) }}
),

linkedin_export_engagement_rates as (
    {{ rate_above_one(
        ref('stg_linkedin__post_snapshots'), 'export_engagement_rate_above_1', "'linkedin'",
        'export_engagement_rate', 'export_engagement_rate', post_id='post_id'
    ) }}
),

x_day_engagement_rates as (
    {{ rate_above_one(
        ref('stg_twitter__account_day_snapshots'), 'day_engagement_rate_above_1', "'twitter'",
        'engagement_rate', safe_ratio('engagements', 'impressions'), date='date'
    ) }}
),

linkedin_day_engagement_rates as (
    {{ rate_above_one(
        ref('stg_linkedin__page_day_snapshots'), 'day_engagement_rate_above_1', "'linkedin'",
        'engagement_rate',
        safe_ratio(
            'coalesce(clicks, 0) + coalesce(reactions, 0) + coalesce(comments, 0)'
            ~ ' + coalesce(reposts, 0)',
            'impressions'
        ),
        date='date', where="metric_group = 'impressions'"
    ) }}
),

flagged as (
    select * from post_engagement_rates
    union all
    select * from x_export_engagement_rates
    union all
    select * from linkedin_export_engagement_rates
    union all
    select * from x_day_engagement_rates
    union all
    select * from linkedin_day_engagement_rates
),

final as (
    select
        *,
        now() as detected_at
    from flagged
)

select * from final
