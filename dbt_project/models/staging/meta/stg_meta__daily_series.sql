-- One row per account, series (its title, and the platform its folders name), day and download.
-- The channel: the title's, else the account's (accounts.csv, its folders, its other exports).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['account', 'series_title', 'folder_channel', 'date', 'snapshot_date'],
    )
}}

with

to_build as (
    select
        *,
        {{ account_of('_account') }} as mapped_account
    from {{ source('raw_meta', 'daily_series') }}
    {%- if this is not none and is_incremental() %}
        where
            _ingested_at > (
                select coalesce(max(built.ingested_at), {{ earliest_timestamp() }})
                from {{ this }} as built
            )
            -- A series no channel was found for yet is looked at again: an export loaded
            -- since (the account's posts, a titled series) may decide it now.
            or _account in (
                select unresolved.loaded_account
                from {{ this }} as unresolved
                where unresolved.channel is null
            )
    {%- endif %}
),

source as (
    {{ one_copy_per_file_row('to_build') }}
),

titles as (
    select * from {{ ref('meta_daily_series_titles') }}
),

typed as (
    select
        titles.channel as title_channel,
        titles.metric,
        source.mapped_account as account,
        source._account as loaded_account,
        source.series_title,
        coalesce({{ path_meta_channel('source._source_file') }}, '') as folder_channel,
        cast({{ to_utc_timestamp('source.date') }} as date) as date,
        {{ to_count('source.value') }} as value,
        source._snapshot_date as snapshot_date,
        source._source_file as source_file,
        source._ingested_at as ingested_at,
        source._downloaded_at as downloaded_at,
        source._file_sha256 as file_sha256
    from source
    left join titles
        on lower(trim(source.series_title)) = lower(trim(titles.series_title))
),

-- accounts.csv: the account's Meta channel, when its rows list exactly one of the two.
listed_channels as (
    select
        {{ normalize_account('listed.account') }} as account,
        min(lower(listed.channel)) as channel
    from {{ ref('accounts') }} as listed
    where lower(listed.channel) in ('facebook', 'instagram')
    group by {{ normalize_account('listed.account') }}
    having count(distinct lower(listed.channel)) = 1
),

-- The channels of the account's other Meta exports: posts, chart exports, titled series.
exported as (
    select distinct
        account,
        'facebook' as channel
    from {{ ref('stg_facebook__post_snapshots') }}
    union
    select distinct
        account,
        'facebook' as channel
    from {{ ref('stg_facebook__chart_days') }}
    union
    select distinct
        account,
        'instagram' as channel
    from {{ ref('stg_instagram__media_snapshots') }}
    union
    select distinct
        account,
        title_channel as channel
    from typed
    where title_channel is not null
    {%- if this is not none and is_incremental() %}
        union
        select distinct
            account,
            title_channel as channel
        from {{ this }}
        where title_channel is not null
    {%- endif %}
),

exported_channels as (
    select
        account,
        min(channel) as channel
    from exported
    group by account
    having count(distinct channel) = 1
),

with_channel as (
    select
        typed.*,
        coalesce(
            typed.title_channel,
            listed_channels.channel,
            nullif(typed.folder_channel, ''),
            exported_channels.channel
        ) as channel,
        case
            when typed.title_channel is not null then 'title'
            when listed_channels.channel is not null then 'accounts.csv'
            when typed.folder_channel <> '' then 'folder'
            when exported_channels.channel is not null then 'other exports'
        end as channel_from
    from typed
    left join listed_channels on typed.account = listed_channels.account
    left join exported_channels on typed.account = exported_channels.account
),

one_row_per_download as (
    {{ one_row_per_snapshot(
        'with_channel', ['account', 'series_title', 'folder_channel', 'date']
    ) }}
)

select * from one_row_per_download
