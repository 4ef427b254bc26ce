-- One row per channel and post that has comments: how much people said, in what tone, about
-- what, and how often the account answered. Join to all_posts on (channel, post_id).
with

comments as (
    select * from {{ ref('comments') }}
),

by_people as (
    select * from comments
    where not author_is_account
),

answered as (
    -- Top-level comments the account replied to at least once.
    select distinct
        channel,
        parent_comment_id as comment_id
    from comments
    where author_is_account and is_reply
),

top_terms as (
    {{ top_values('by_people', ['channel', 'post_id'], 'terms', 5) }}
),

top_hashtags as (
    {{ top_values('by_people', ['channel', 'post_id'], 'hashtags', 5) }}
),

counted as (
    select
        comments.channel,
        comments.post_id,
        min(comments.account) as account,
        {{ conversation_counts('comments', 'answered') }},
        min(comments.published_at) as first_comment_at,
        max(comments.published_at) as last_comment_at
    from comments
    left join answered
        on
            comments.channel = answered.channel
            and comments.comment_id = answered.comment_id
    group by comments.channel, comments.post_id
),

final as (
    select
        counted.channel,
        counted.account,
        counted.post_id,
        {{ conversation_columns('counted') }},
        coalesce(top_terms.top_terms, {{ empty_text_list() }}) as top_terms,
        coalesce(top_hashtags.top_hashtags, {{ empty_text_list() }}) as top_hashtags,
        counted.first_comment_at,
        counted.last_comment_at
    from counted
    left join top_terms
        on counted.channel = top_terms.channel and counted.post_id = top_terms.post_id
    left join top_hashtags
        on counted.channel = top_hashtags.channel and counted.post_id = top_hashtags.post_id
)

select * from final
