-- One row per Facebook post: its latest lifetime metrics.
-- Built incrementally: a night remakes only the posts that received a download
-- (macro only_keys_with_new_rows).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['channel', 'account', 'post_id'],
        on_schema_change='fail',
    )
}}
with

latest as (
    {{ latest_snapshot(
        only_keys_with_new_rows(ref('stg_facebook__post_snapshots'), ['account', 'post_id']),
        ['account', 'post_id'],
    ) }}
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
