{#- The KPI definitions of docs/design.md §5, written once: every mart that shows a channel's
    engagement rate (the channel's post mart, post_metric_history, all_posts) builds it from
    these. Columns are the staging names of that channel. -#}

{#- What the channel counts as interactions: the numerator of its engagement rate. -#}
{% macro channel_interactions(channel) -%}
    {%- set parts = {
        'twitter': ['engagements'],
        'facebook': ['reactions', 'comments', 'shares'],
        'instagram': ['likes', 'comments', 'shares', 'saves'],
        'linkedin': ['clicks', 'likes', 'comments', 'reposts', 'follows'],
        'youtube': ['likes', 'comments', 'shares'],
    }[channel] -%}
    case
        when coalesce({{ parts | join(', ') }}) is not null
            then
                {%- for part in parts %} coalesce({{ part }}, 0){{ " +" if not loop.last }}{% endfor %}
    end
{%- endmacro %}

{#- The denominator of the channel's engagement rate, and what it measures. -#}
{% macro channel_audience(channel) -%}
    {{ {'twitter': 'impressions', 'facebook': 'reach', 'instagram': 'reach',
        'linkedin': 'impressions', 'youtube': 'views'}[channel] }}
{%- endmacro %}

{% macro channel_audience_metric(channel) -%}
    '{{ channel_audience(channel) | trim }}'
{%- endmacro %}

{#- engagement_rate = interactions / audience; NULL when the audience is zero or missing, or
    the export carried none of the interactions. -#}
{% macro channel_engagement_rate(channel) -%}
    {{ safe_ratio(channel_interactions(channel), channel_audience(channel)) }}
{%- endmacro %}

{#- minutes_per_new_follower = the minutes of the covered days / new followers: how often, on
    average, someone new followed. Over one day unless days_covered (an SQL expression) says how
    many. -#}
{% macro minutes_per_new_follower(new_followers, days_covered=none) -%}
    {{ safe_ratio((days_covered ~ ' * 1440') if days_covered else '1440', new_followers) }}
{%- endmacro %}
