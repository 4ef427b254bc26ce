-- One row per Facebook post: its latest lifetime metrics.
with

latest as (
    {{ latest_snapshot(ref('stg_facebook__post_snapshots'), ['account', 'post_id']) }}
),

final as (
    select
        {{ post_mart_identity(post_format('post_type', 'text')) }},
        post_type,
        snapshot_date,
        first_seen_date,
        snapshot_count,
        reach,
        views,
        impressions,
        reactions,
        comments,
        shares,
        link_clicks,
        total_clicks,
        video_views_3s,
        cast({{ channel_interactions('facebook') }} as bigint) as interactions,
        {{ channel_engagement_rate('facebook') }} as engagement_rate
    from latest
)

select * from final
