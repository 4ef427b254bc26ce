-- One row per channel and post: the channel marts' posts on one vocabulary, before labels and
-- percentiles. posted_at_precision says whether the export gave the time of day ('minute') or
-- only the date ('day': LinkedIn, YouTube, and tweets only seen in X Content exports).
-- is_collaboration: a post another account published with this one (Instagram
-- collaborations, instagram_posts); author_account is who published it.
with

twitter as (
    select
        {{ post_identity_columns() }},
        posted_at_precision,
        'impressions' as audience_metric,
        impressions as audience,
        engagements as interactions,
        engagement_rate,
        likes,
        replies as comments,
        retweets as shares,
        link_clicks,
        false as is_collaboration,
        account as author_account
    from {{ ref('twitter_posts') }}
),

facebook as (
    select
        {{ post_identity_columns() }},
        'minute' as posted_at_precision,
        'reach' as audience_metric,
        reach as audience,
        interactions,
        engagement_rate,
        reactions as likes,
        comments,
        shares,
        link_clicks,
        false as is_collaboration,
        account as author_account
    from {{ ref('facebook_posts') }}
),

instagram as (
    select
        {{ post_identity_columns() }},
        'minute' as posted_at_precision,
        'reach' as audience_metric,
        reach as audience,
        interactions,
        engagement_rate,
        likes,
        comments,
        shares,
        cast(null as bigint) as link_clicks,
        is_collaboration,
        author_account
    from {{ ref('instagram_posts') }}
),

linkedin as (
    select
        {{ post_identity_columns() }},
        'day' as posted_at_precision,
        'impressions' as audience_metric,
        impressions as audience,
        interactions,
        engagement_rate,
        likes,
        comments,
        shares,
        clicks as link_clicks,
        false as is_collaboration,
        account as author_account
    from {{ ref('linkedin_posts') }}
),

youtube as (
    select
        {{ post_identity_columns() }},
        'day' as posted_at_precision,
        'views' as audience_metric,
        views as audience,
        cast({{ channel_interactions('youtube') }} as bigint) as interactions,
        engagement_rate,
        likes,
        comments,
        shares,
        cast(null as bigint) as link_clicks,
        false as is_collaboration,
        account as author_account
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

final as (
    select * from unioned
)

select * from final
