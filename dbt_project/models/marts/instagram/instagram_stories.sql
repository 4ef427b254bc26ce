-- One row per Instagram story: its latest metrics.
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

stories as (
    select *
    from {{
        only_keys_with_new_rows(ref('stg_instagram__media_snapshots'), ['account', 'post_id'])
    }}
    where is_story
),

latest as (
    {{ latest_snapshot('stories', ['account', 'post_id']) }}
),

final as (
    select
        {{ post_mart_identity("'story'") }},
        snapshot_date,
        first_seen_date,
        snapshot_count,
        reach,
        views,
        likes,
        shares,
        replies,
        link_clicks,
        navigation,
        profile_visits,
        sticker_taps,
        follows
    from latest
)

select * from final
