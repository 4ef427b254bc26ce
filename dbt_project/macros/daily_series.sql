{#- A channel's page × day rows from the Meta daily series: each metric's day from the most
    recent download that covered it, one column per metric. One select, for a CTE. -#}
{% macro meta_daily_series_days(channel, metrics) -%}
    select
        '{{ channel }}' as channel,
        latest_download.account,
        latest_download.date,
        max(latest_download.snapshot_date) as snapshot_date,
        {%- for metric in metrics %}
        cast(
            sum(latest_download.value) filter (where latest_download.metric = '{{ metric }}')
            as bigint
        ) as {{ metric }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from (
        select *
        from {{ ref('stg_meta__daily_series') }}
        where channel = '{{ channel }}' and metric is not null
        {{ keep_first('account, metric, date', newest_download_first()) }}
    ) as latest_download
    group by latest_download.account, latest_download.date
{%- endmacro %}

{#- A channel's page × day mart from the Meta daily series alone. -#}
{% macro meta_daily_mart(channel, metrics) -%}
with

series_days as (
    {{ meta_daily_series_days(channel, metrics) }}
)

select * from series_days
{%- endmacro %}
