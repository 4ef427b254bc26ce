{#- A channel's page × day mart from the Meta daily series: each metric's day from the most
    recent download that covered it, one column per metric. -#}
{% macro meta_daily_mart(channel, metrics) -%}
with

series as (
    select * from {{ ref('stg_meta__daily_series') }}
    where channel = '{{ channel }}'
),

latest_download as (
    select *
    from series
    qualify row_number() over (
        partition by account, metric, date
        order by snapshot_date desc, ingested_at desc, source_file desc
    ) = 1
),

pivoted as (
    select
        '{{ channel }}' as channel,
        account,
        date,
        max(snapshot_date) as snapshot_date,
        {%- for metric in metrics %}
        cast(sum(value) filter (where metric = '{{ metric }}') as bigint) as {{ metric }}
        {{- "," if not loop.last }}
        {%- endfor %}
    from latest_download
    group by account, date
)

select * from pivoted
{%- endmacro %}
