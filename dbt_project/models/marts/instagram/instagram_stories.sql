-- One row per Instagram story: its latest metrics.
with

stories as (
    select * from {{ ref('stg_instagram__media_snapshots') }}
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
