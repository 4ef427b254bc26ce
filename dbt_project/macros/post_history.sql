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
    from {{ only_keys_with_new_rows(ref(model), ['account', columns.get('post_id', 'post_id')]) }} as snapshot
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

{#- The identity block every channel's post mart starts with: who posted what, when (also in the
    local time zone), where, and its format (an SQL expression). -#}
{% macro post_mart_identity(format) -%}
    channel,
    account,
    post_id,
    posted_at,
    {{ to_local_time('posted_at') }} as posted_at_local,
    post_url,
    text,
    {{ format }} as format
{%- endmacro %}

{#- One channel's posts on the cross-channel vocabulary of int_posts, before labels and
    percentiles. What differs between channels is the data below (each one's own column or SQL
    for a shared measure, where it is not the shared name), not the select. -#}
{% macro cross_channel_posts(channel) -%}
    {%- set own = {
        'twitter': {
            'model': 'twitter_posts', 'posted_at_precision': 'posted_at_precision',
            'interactions': 'engagements', 'comments': 'replies', 'shares': 'retweets',
        },
        'facebook': {'model': 'facebook_posts', 'likes': 'reactions'},
        'instagram': {
            'model': 'instagram_posts', 'link_clicks': 'cast(null as bigint)',
            'is_collaboration': 'is_collaboration', 'author_account': 'author_account',
        },
        'linkedin': {
            'model': 'linkedin_posts', 'posted_at_precision': "'day'", 'link_clicks': 'clicks',
        },
        'youtube': {
            'model': 'youtube_videos', 'posted_at_precision': "'day'",
            'interactions': 'cast(' ~ channel_interactions('youtube') ~ ' as bigint)',
            'link_clicks': 'cast(null as bigint)',
        },
    }[channel] -%}
    {%- set shared = [
        ('posted_at_precision', "'minute'"),
        ('audience_metric', channel_audience_metric(channel)),
        ('audience', channel_audience(channel) | trim),
        ('interactions', 'interactions'),
        ('engagement_rate', 'engagement_rate'),
        ('likes', 'likes'),
        ('comments', 'comments'),
        ('shares', 'shares'),
        ('link_clicks', 'link_clicks'),
        ('is_collaboration', 'false'),
        ('author_account', 'account'),
    ] -%}
    select
        {{ post_identity_columns() }},
        {%- for name, default in shared %}
        {%- set expression = own.get(name, default) %}
        {{ expression if expression == name else expression ~ ' as ' ~ name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ ref(own.model) }}
{%- endmacro %}

{#- The posts of every channel, one select per channel, unioned. -#}
{% macro posts_of_every_channel(channels) -%}
    {%- for channel in channels %}
    {{ cross_channel_posts(channel) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}
