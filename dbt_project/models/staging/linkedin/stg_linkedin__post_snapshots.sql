-- One row per LinkedIn post per snapshot date. A boosted post comes as Organic, Sponsored and
-- Total rows: the Total row is kept (else Organic, else Sponsored), so nothing counts twice.
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
    {{ one_copy_per_file_row(rows_loaded_since_last_build(source('raw_linkedin', 'posts'))) }}
),

typed as (
    select
        ---------- ids and lineage
        'linkedin' as channel,
        {{ account_of('_account') }} as account,
        {{ first_match('post_url', "'urn:li:[A-Za-z]+:[0-9]+'") }} as post_id,
        _snapshot_date as snapshot_date,
        _source_file as source_file,
        _ingested_at as ingested_at,
        _downloaded_at as downloaded_at,
        _file_sha256 as file_sha256,
        ---------- text
        {{ null_if_token('post_title') }} as text,
        {{ null_if_token('post_url') }} as post_url,
        {{ null_if_token('row_type') }} as row_type,
        {{ null_if_token('content_type') }} as content_type,
        {{ null_if_token('posted_by') }} as posted_by,
        ---------- timestamps (UTC days)
        {{ to_utc_timestamp('created_date') }} as posted_at,
        ---------- counts
        {{ to_count('impressions') }} as impressions,
        {{ to_count('views') }} as views,
        {{ to_count('clicks') }} as clicks,
        {{ to_count('likes') }} as likes,
        {{ to_count('comments') }} as comments,
        {{ to_count('reposts') }} as reposts,
        {{ to_count('follows') }} as follows,
        {{ to_fraction('engagement_rate') }} as export_engagement_rate
    from source
),

one_row_per_snapshot as (
    {{ one_row_per_snapshot(
        'typed',
        ['account', 'post_id'],
        preferred="case lower(row_type) when 'total' then 0 when 'organic' then 1 else 2 end",
    ) }}
)

select * from one_row_per_snapshot
