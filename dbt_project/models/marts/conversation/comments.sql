-- One row per channel and comment: pseudonymous, redacted, with language, sentiment and terms.
with

comments as (
    select * from {{ ref('stg_comments__comments') }}
),

final as (
    select
        channel,
        account,
        post_id,
        comment_id,
        parent_comment_id,
        parent_comment_id is not null as is_reply,
        author_pseudonym,
        author_is_account,
        published_at,
        cast({{ to_local_time('published_at') }} as timestamp) as published_at_local,
        cast(date_trunc('month', {{ to_local_time('published_at') }}) as date) as month,
        like_count,
        text_redacted,
        language,
        sentiment,
        sentiment_score,
        terms,
        hashtags
    from comments
)

select * from final
