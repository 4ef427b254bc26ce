-- One row per channel and post: its text as label rules see it (NFKC-folded, no accents, lower
-- case), its words between spaces, its hashtags and its mentions.
-- Incremental, not a view: labels, tags and their tests all read it, and folding is costly, so a
-- build folds only the posts that are new or whose text or format changed since the last build
-- (a post's text rarely changes between downloads; measured on the cern scale demo, make bench).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['channel', 'account', 'post_id'],
    )
}}

with

posts as (
    select
        channel,
        account,
        post_id,
        format,
        text
    from {{ ref('int_posts') }} as post
    {{ where_new_or_changed('post', ['channel', 'account', 'post_id'], ['format', 'text']) }}
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
        posts.text,
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
        text,
        folded_text,
        {{ padded_words('folded_text') }} as padded_words,
        {{ tags_in('folded_text', '#') }} as hashtags,
        {{ tags_in('folded_text', '@') }} as mentions,
        -- when this version of the post was folded: int_post_labels relabels what is newer
        current_timestamp as folded_at
    from folded
)

select * from final
