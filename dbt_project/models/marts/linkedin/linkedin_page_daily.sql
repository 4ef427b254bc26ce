-- One row per LinkedIn Page and day: each export's day (content metrics, new followers, visitors)
-- from the most recent download that covered it, side by side.
-- Built incrementally: a night remakes only the days that received a download of either
-- export (macro only_keys_with_new_rows).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['channel', 'account', 'date'],
        on_schema_change='fail',
    )
}}
with

latest_page_download as (
    select *
    from {{ only_keys_with_new_rows(
        ref('stg_linkedin__page_day_snapshots'), ['account', 'date'],
        also=[ref('stg_linkedin__visitor_day_snapshots')],
    ) }}
    {{ keep_first('account, metric_group, date', newest_download_first()) }}
),

page_days as (
    select
        account,
        date,
        max(snapshot_date) as snapshot_date,
        max(impressions) as impressions,
        max(clicks) as clicks,
        max(reactions) as reactions,
        max(comments) as comments,
        max(reposts) as reposts,
        max(new_followers) as new_followers
    from latest_page_download
    group by account, date
),

visitor_days as (
    select *
    from {{ only_keys_with_new_rows(
        ref('stg_linkedin__visitor_day_snapshots'), ['account', 'date'],
        also=[ref('stg_linkedin__page_day_snapshots')],
    ) }}
    {{ keep_first('account, date', newest_download_first()) }}
),

final as (
    select
        'linkedin' as channel,
        coalesce(page_days.account, visitor_days.account) as account,
        coalesce(page_days.date, visitor_days.date) as date,
        -- The latest of the downloads the row's numbers come from (either side may be missing).
        greatest(
            coalesce(page_days.snapshot_date, visitor_days.snapshot_date),
            coalesce(visitor_days.snapshot_date, page_days.snapshot_date)
        ) as snapshot_date,
        cast(page_days.impressions as bigint) as impressions,
        cast(page_days.clicks as bigint) as clicks,
        cast(page_days.reactions as bigint) as reactions,
        cast(page_days.comments as bigint) as comments,
        cast(page_days.reposts as bigint) as reposts,
        cast(page_days.new_followers as bigint) as new_followers,
        cast(visitor_days.page_views as bigint) as page_views,
        cast(visitor_days.unique_visitors as bigint) as unique_visitors
    from page_days
    full outer join visitor_days
        on page_days.account = visitor_days.account and page_days.date = visitor_days.date
)

select * from final
