-- One row per channel and post: every channel's posts on one vocabulary, each with how it did
-- against the same account's usual (engagement_percentile).
with

twitter as (
    select
        {{ post_identity_columns() }},
        'impressions' as audience_metric,
        impressions as audience,
        engagements as interactions,
        engagement_rate,
        likes,
        replies as comments,
        retweets as shares,
        link_clicks
    from {{ ref('twitter_posts') }}
),

facebook as (
    select
        {{ post_identity_columns() }},
        'reach' as audience_metric,
        reach as audience,
        interactions,
        engagement_rate,
        reactions as likes,
        comments,
        shares,
        link_clicks
    from {{ ref('facebook_posts') }}
),

instagram as (
    select
        {{ post_identity_columns() }},
        'reach' as audience_metric,
        reach as audience,
        interactions,
        engagement_rate,
        likes,
        comments,
        shares,
        cast(null as bigint) as link_clicks
    from {{ ref('instagram_posts') }}
),

linkedin as (
    select
        {{ post_identity_columns() }},
        'impressions' as audience_metric,
        impressions as audience,
        interactions,
        engagement_rate,
        likes,
        comments,
        shares,
        clicks as link_clicks
    from {{ ref('linkedin_posts') }}
),

youtube as (
    select
        {{ post_identity_columns() }},
        'views' as audience_metric,
        views as audience,
        cast({{ channel_interactions('youtube') }} as bigint) as interactions,
        engagement_rate,
        likes,
        comments,
        shares,
        cast(null as bigint) as link_clicks
    from {{ ref('youtube_videos') }}
),

unioned as (
    select * from twitter
    union all
    select * from facebook
    union all
    select * from instagram
    union all
    select * from linkedin
    union all
    select * from youtube
),

percentiles as (
    {{ engagement_percentiles('unioned') }}
),

final as (
    select
        unioned.*,
        percentiles.engagement_percentile,
        percentiles.posts_in_previous_90_days
    from unioned
    inner join percentiles
        on
            unioned.channel = percentiles.channel
            and unioned.account = percentiles.account
            and unioned.post_id = percentiles.post_id
)

select * from final
