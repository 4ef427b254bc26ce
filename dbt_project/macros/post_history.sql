{#- One channel's post snapshots on the cross-channel vocabulary of post_metric_history.
    `columns` maps each shared measure to the channel's own staging column (or null). -#}
{% macro post_history_select(channel, model, columns, where='true') -%}
    select
        '{{ channel }}' as channel,
        account,
        {{ columns.get('post_id', 'post_id') }} as post_id,
        {{ columns.get('posted_at', 'posted_at') }} as posted_at,
        snapshot_date,
        source_file,
        {{ channel_audience_metric(channel) }} as audience_metric,
        cast({{ channel_audience(channel) }} as bigint) as audience,
        cast({{ channel_interactions(channel) }} as bigint) as interactions,
        {{ channel_engagement_rate(channel) }} as engagement_rate,
        {%- for name in ['impressions', 'reach', 'views', 'likes', 'comments', 'shares', 'link_clicks'] %}
        cast({{ columns.get(name, name) }} as bigint) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref(model) }}
    where {{ where }}
{%- endmacro %}

{#- The columns every post mart shares, as all_posts takes them from each. -#}
{% macro post_identity_columns() -%}
    channel,
    account,
    post_id,
    posted_at,
    posted_at_local,
    post_url,
    text,
    format,
    snapshot_date
{%- endmacro %}
