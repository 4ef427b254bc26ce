-- One row per channel, account and month (local time) with comments: the conversation around
-- the account that month, whatever post it was under.
with

comments as (
    select * from {{ ref('comments') }}
),

by_people as (
    select * from comments
    where not author_is_account
),

answered as (
    select distinct
        channel,
        parent_comment_id as comment_id
    from comments
    where author_is_account and is_reply
),

top_terms as (
    {{ top_values('by_people', ['channel', 'account', 'month'], 'terms', 10) }}
),

top_hashtags as (
    {{ top_values('by_people', ['channel', 'account', 'month'], 'hashtags', 10) }}
),

counted as (
    select
        comments.channel,
        comments.account,
        comments.month,
        {{ conversation_counts('comments', 'answered') }},
        count(distinct comments.post_id) filter (where not comments.author_is_account)
            as posts_commented
    from comments
    left join answered
        on
            comments.channel = answered.channel
            and comments.comment_id = answered.comment_id
    group by comments.channel, comments.account, comments.month
),

final as (
    select
        counted.channel,
        counted.account,
        counted.month,
        cast(counted.posts_commented as bigint) as posts_commented,
        {{ conversation_columns('counted') }},
        coalesce(top_terms.top_terms, {{ empty_text_list() }}) as top_terms,
        coalesce(top_hashtags.top_hashtags, {{ empty_text_list() }}) as top_hashtags
    from counted
    left join top_terms
        on
            counted.channel = top_terms.channel
            and counted.account = top_terms.account
            and counted.month = top_terms.month
    left join top_hashtags
        on
            counted.channel = top_hashtags.channel
            and counted.account = top_hashtags.account
            and counted.month = top_hashtags.month
)

select * from final
