-- One row per Instagram post (stories are in instagram_stories): its latest lifetime metrics.
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

media as (
    select *
    from {{
        only_keys_with_new_rows(ref('stg_instagram__media_snapshots'), ['account', 'post_id'])
    }}
    where not is_story
),

latest as (
    {{ latest_snapshot('media', ['account', 'post_id']) }}
),

final as (
    select
        {{ post_mart_identity(post_format('post_type', 'text')) }},
        post_type,
        is_collaboration,
        author_account,
        snapshot_date,
        first_seen_date,
        snapshot_count,
        reach,
        views,
        likes,
        comments,
        shares,
        saves,
        follows,
        cast({{ channel_interactions('instagram') }} as bigint) as interactions,
        {{ channel_engagement_rate('instagram') }} as engagement_rate
    from latest
)

select * from final
