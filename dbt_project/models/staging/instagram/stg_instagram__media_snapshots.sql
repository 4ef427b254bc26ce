-- One row per Instagram post or story per snapshot date.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account', 'post_id', 'snapshot_date'],
        meta={'arrival_column': 'ingested_at'},
    )
}}

with

source as (
    {{ one_copy_per_file_row(rows_loaded_since_last_build(source('raw_instagram', 'media'))) }}
),

named as (
    select
        *,
        {{ normalize_account('account_username') }} as named_account
    from source
),

-- The name a file gives its own account: the one most of its rows give (the first named on a
-- tie), as the loader decides it (pipelines.provenance.most_named_account).
file_names as (
    select
        _file_sha256,
        _source_file,
        named_account as file_named_account,
        count(*) as rows_naming_it,
        min(_row_number) as first_row_naming_it
    from named
    where named_account <> ''
    group by _file_sha256, _source_file, named_account
    {{ keep_first('_file_sha256, _source_file', 'rows_naming_it desc, first_row_naming_it') }}
),

-- A row is a collaboration when it names an account that is neither the file's own name nor,
-- through seeds/accounts.csv, the file's account (an Instagram collaboration post of another
-- account): kept once, under the file's account, with its author.
attributed as (
    select
        named.*,
        {{ account_of('named._account') }} as file_account,
        {{ account_of('named.named_account') }} as author_account,
        coalesce(
            named.named_account <> file_names.file_named_account
            and {{ account_of('named.named_account') }} <> {{ account_of('named._account') }},
            false
        ) as is_collaboration
    from named
    left join file_names
        on
            named._file_sha256 = file_names._file_sha256
            and named._source_file = file_names._source_file
),

typed as (
    select
        ---------- ids and lineage
        'instagram' as channel,
        file_account as account,
        case when is_collaboration then author_account else file_account end as author_account,
        is_collaboration,
        {{ normalized_id('post_id') }} as post_id,
        trim(account_id) as account_id,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _format as export_format,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        ---------- text
        {{ null_if_token('description') }} as text,
        {{ null_if_token('post_url') }} as post_url,
        {{ null_if_token('post_type') }} as post_type,
        coalesce(
            _format = 'instagram.stories'
            or {{ like_ignoring_case('post_type', "'%story%'") }},
            false
        ) as is_story,
        ---------- timestamps
        {{ local_export_time_to_utc('posted_at') }} as posted_at,
        ---------- counts
        {{ to_count('reach') }} as reach,
        -- Views replaced Impressions (and Plays for reels) in 2025.
        coalesce(
            {{ to_count('views') }}, {{ to_count('plays') }}, {{ to_count('impressions') }}
        ) as views,
        {{ to_count('likes') }} as likes,
        {{ to_count('comments') }} as comments,
        {{ to_count('shares') }} as shares,
        {{ to_count('saves') }} as saves,
        {{ to_count('follows') }} as follows,
        {{ to_count('replies') }} as replies,
        {{ to_count('link_clicks') }} as link_clicks,
        {{ to_count('navigation') }} as navigation,
        {{ to_count('profile_visits') }} as profile_visits,
        {{ to_count('sticker_taps') }} as sticker_taps,
        {{ to_count('duration_seconds') }} as duration_seconds
    from attributed
),

one_row_per_snapshot as (
    {{ one_row_per_snapshot('typed', ['account', 'post_id']) }}
)

select * from one_row_per_snapshot
