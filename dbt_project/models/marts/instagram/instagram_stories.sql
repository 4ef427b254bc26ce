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
        channel,
        account,
        post_id,
        posted_at,
        {{ to_local_time('posted_at') }} as posted_at_local,
        post_url,
        text,
        'story' as format,
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
