-- One row per LinkedIn post: its latest lifetime metrics (Total row for boosted posts).
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
        only_keys_with_new_rows(ref('stg_linkedin__post_snapshots'), ['account', 'post_id']),
        ['account', 'post_id'],
    ) }}
),

final as (
    select
        {{ post_mart_identity(post_format('content_type', 'text')) }},
        snapshot_date,
        first_seen_date,
        snapshot_count,
        impressions,
        views,
        clicks,
        likes,
        comments,
        reposts as shares,
        follows,
        cast({{ channel_interactions('linkedin') }} as bigint) as interactions,
        {{ channel_engagement_rate('linkedin') }} as engagement_rate
    from latest
)

select * from final
