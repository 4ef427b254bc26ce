-- One row per channel and post: its text as label rules see it (NFKC-folded, no accents, lower
-- case), its words between spaces, its hashtags and its mentions.
-- A table, not a view: labels, tags and their tests all read it; folding the text once per
-- build is cheaper than once per reader (measured on the cern scale demo, make bench).
{{ config(materialized='table') }}

with

posts as (
    select
        channel,
        account,
        post_id,
        format,
        text
    from {{ ref('int_posts__unioned') }}
),

folding as (
    {{ unicode_folding_strings() }}
),

folded as (
    select
        posts.channel,
        posts.account,
        posts.post_id,
        posts.format,
        {{ folded_text('posts.text') }} as folded_text
    from posts
    cross join folding
),

final as (
    select
        channel,
        account,
        post_id,
        format,
        folded_text,
        {{ padded_words('folded_text') }} as padded_words,
        {{ tags_in('folded_text', '#') }} as hashtags,
        {{ tags_in('folded_text', '@') }} as mentions
    from folded
)

select * from final
