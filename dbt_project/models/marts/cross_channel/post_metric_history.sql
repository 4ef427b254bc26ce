-- One row per channel, account, post and snapshot date: every download's lifetime numbers of
-- every post, on one vocabulary, so gains in a period can be computed and every number traced to
-- the file it came from.
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

twitter_snapshots as (
    {{ post_history_select('twitter', 'stg_twitter__tweet_snapshots', {
        'reach': 'null', 'views': 'null', 'comments': 'replies', 'shares': 'retweets'
    }) }}
),

facebook_snapshots as (
    {{ post_history_select('facebook', 'stg_facebook__post_snapshots', {'likes': 'reactions'}) }}
),

instagram_snapshots as (
    {{ post_history_select('instagram', 'stg_instagram__media_snapshots', {
        'impressions': 'null', 'link_clicks': 'null'
    }, where='not is_story') }}
),

linkedin_snapshots as (
    {{ post_history_select('linkedin', 'stg_linkedin__post_snapshots', {
        'reach': 'null', 'shares': 'reposts', 'link_clicks': 'clicks'
    }) }}
),

youtube_snapshots as (
    {{ post_history_select('youtube', 'stg_youtube__video_snapshots', {
        'post_id': 'video_id', 'posted_at': 'cast(published_date as timestamp)',
        'reach': 'null', 'link_clicks': 'null'
    }) }}
),

unioned as (
    select * from twitter_snapshots
    union all
    select * from facebook_snapshots
    union all
    select * from instagram_snapshots
    union all
    select * from linkedin_snapshots
    union all
    select * from youtube_snapshots
),

with_previous as (
    select
        *,
        -- What the post gained since the download before this one (NULL for its first).
        interactions - lag(interactions) over (
            partition by channel, account, post_id order by snapshot_date
        ) as interactions_gained,
        audience - lag(audience) over (
            partition by channel, account, post_id order by snapshot_date
        ) as audience_gained,
        lag(snapshot_date) over (
            partition by channel, account, post_id order by snapshot_date
        ) as previous_snapshot_date
    from unioned
)

select * from with_previous
