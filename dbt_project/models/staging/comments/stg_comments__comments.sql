-- One row per comment of every platform, in one vocabulary; authors someone asked to be
-- forgotten are left out here too, in case a raw row came back.
with

youtube as (
    select * from {{ source('raw_comments', 'youtube') }}
),

facebook as (
    select * from {{ source('raw_comments', 'facebook') }}
),

instagram as (
    select * from {{ source('raw_comments', 'instagram') }}
),

forgotten as (
    select author_pseudonym from {{ source('raw_comments', 'forgotten_authors') }}
),

unioned as (
    -- the platforms' raw tables do not have the same columns: matched by name, missing ones NULL
    {{ union_all_by_name(['youtube', 'facebook', 'instagram']) }}
),

renamed as (
    select
        ---------- ids
        channel,
        {{ account_of('account') }} as account,
        post_id,
        comment_id,
        parent_comment_id,
        author_pseudonym,
        coalesce(author_is_account, false) as author_is_account,
        ---------- text (redacted before it was written) and what it says
        text_redacted,
        language,
        sentiment,
        sentiment_score,
        {{ json_text_list('terms') }} as terms,
        {{ json_text_list('hashtags') }} as hashtags,
        ---------- counts
        cast(like_count as bigint) as like_count,
        ---------- timestamps (UTC)
        {{ utc_wall_clock('published_at') }} as published_at,
        {{ utc_wall_clock('updated_at') }} as updated_at,
        {{ utc_wall_clock('fetched_at') }} as fetched_at,
        _dlt_load_id as load_id
    from unioned
),

one_row_per_comment as (
    select renamed.*
    from renamed
    left join forgotten on renamed.author_pseudonym = forgotten.author_pseudonym
    where forgotten.author_pseudonym is null
    {{ keep_first('renamed.channel, renamed.comment_id', 'renamed.load_id desc') }}
)

select * from one_row_per_comment
