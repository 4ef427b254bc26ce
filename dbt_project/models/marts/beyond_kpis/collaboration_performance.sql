-- One row per channel and collaboration ('none' for the posts without one), over all history:
-- the README's "does a collaboration lift reach?" reads a few rows here instead of taking
-- medians over every post of all_posts (110 ms at agency scale, over its 100 ms budget).
with

posts as (
    select
        channel,
        audience,
        engagement_rate,
        engagement_percentile,
        coalesce(collaboration, 'none') as collaboration
    from {{ ref('all_posts') }}
),

final as (
    select
        channel,
        collaboration,
        count(*) as posts,
        median(audience) as median_audience,
        median(engagement_rate) as median_engagement_rate,
        avg(engagement_percentile) as mean_engagement_percentile,
        count(engagement_percentile) as posts_with_percentile
    from posts
    group by channel, collaboration
)

select * from final
