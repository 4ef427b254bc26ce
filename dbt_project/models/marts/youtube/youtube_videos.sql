-- One row per YouTube video: its latest lifetime metrics.
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
        only_keys_with_new_rows(ref('stg_youtube__video_snapshots'), ['account', 'video_id']),
        ['account', 'video_id'],
    ) }}
),

final as (
    select
        channel,
        account,
        video_id as post_id,
        cast(published_date as timestamp) as posted_at,
        cast(published_date as timestamp) as posted_at_local,
        'https://www.youtube.com/watch?v=' || video_id as post_url,
        video_title as text,
        {{ post_format(youtube_video_type('duration_seconds', 'video_title'), 'video_title') }}
            as format,
        snapshot_date,
        first_seen_date,
        snapshot_count,
        duration_seconds,
        views,
        likes,
        comments,
        shares,
        watch_time_hours,
        subscribers_net,
        impressions,
        impressions_ctr,
        average_view_duration_seconds,
        -- NULL, not 0, when the export carried none of likes, comments and shares.
        {{ channel_engagement_rate('youtube') }} as engagement_rate
    from latest
)

select * from final
