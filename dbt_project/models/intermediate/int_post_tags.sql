-- One row per channel, post, tag kind and tag: every hashtag and mention of a post, folded
-- (so #CERNfacts and #𝐂𝐄𝐑𝐍𝐟𝐚𝐜𝐭𝐬 are one tag), each counted once per post.
-- A table, not a view: two marts and a test read it.
{{ config(materialized='table') }}

with

posts as (
    select * from {{ ref('int_post_text') }}
),

hashtags as (
    select distinct
        channel,
        account,
        post_id,
        'hashtag' as tag_kind,
        {{ each_element_of('hashtags') }} as tag
    from posts
),

mentions as (
    select distinct
        channel,
        account,
        post_id,
        'mention' as tag_kind,
        {{ each_element_of('mentions') }} as tag
    from posts
),

final as (
    select * from hashtags
    union all
    select * from mentions
)

select * from final
