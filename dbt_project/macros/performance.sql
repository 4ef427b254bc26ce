{#- performance_band (docs: performance_band): where a post sits against the same account's
    posts of the previous 90 days. At or above the 75th percentile is 'above usual', at or below
    the 25th 'below usual', in between 'usual'; NULL when engagement_percentile is NULL (fewer
    than 10 earlier posts, or no rate). -#}
{% macro performance_band(percentile) -%}
    case
        when {{ percentile }} >= {{ var('performance_band_upper') }} then 'above usual'
        when {{ percentile }} <= {{ var('performance_band_lower') }} then 'below usual'
        when {{ percentile }} is not null then 'usual'
    end
{%- endmacro %}

{% macro median_of(expression) -%}
    percentile_cont(0.5) within group (order by {{ expression }})
{%- endmacro %}

{#- lift (docs: lift): a group's median engagement rate over the median of all posts of the same
    accounts in the same months (the months the group's posts were published in). `members` has
    one row per group and post: the group columns, channel, account, month, engagement_rate;
    `posts` has every post: channel, account, month, engagement_rate. Returns one row per group:
    posts, median_engagement_rate, baseline_engagement_rate, lift. -#}
{% macro lift_against_same_account_months(members, posts, group_columns) -%}
    {%- set groups = group_columns | join(', ') -%}
    {%- set month_keys = ['channel', 'account', 'month'] | reject('in', group_columns) | list -%}
    with

    group_rates as (
        select
            {{ groups }},
            count(*) as posts,
            {{ median_of('engagement_rate') }} as median_engagement_rate
        from {{ members }}
        group by {{ groups }}
    ),

    group_months as (
        select distinct {{ (group_columns + month_keys) | join(', ') }}
        from {{ members }}
    ),

    baselines as (
        select
            {% for column in group_columns %}group_months.{{ column }}, {% endfor %}
            {{ median_of('all_posts.engagement_rate') }} as baseline_engagement_rate
        from group_months
        inner join {{ posts }} as all_posts
            on
                group_months.channel = all_posts.channel
                and group_months.account = all_posts.account
                and group_months.month = all_posts.month
        group by {% for column in group_columns %}group_months.{{ column }}{{ ', ' if not loop.last }}{% endfor %}
    )

    select
        group_rates.*,
        baselines.baseline_engagement_rate,
        {{ safe_ratio('group_rates.median_engagement_rate', 'baselines.baseline_engagement_rate') }} as lift
    from group_rates
    left join baselines
        on
            {% for column in group_columns -%}
            {{ 'and ' if not loop.first }}group_rates.{{ column }} is not distinct from baselines.{{ column }}
            {% endfor %}
{%- endmacro %}

{#- hashtag_performance and mention_performance: one row per tag and channel. -#}
{% macro tag_performance(tag_kind) -%}
with

posts as (
    select
        channel,
        account,
        post_id,
        posted_at,
        engagement_rate,
        cast(date_trunc('month', posted_at_local) as date) as month
    from {{ ref('all_posts') }}
    where posted_at_local is not null
),

members as (
    select
        tags.tag as {{ tag_kind }},
        posts.*
    from {{ ref('int_post_tags') }} as tags
    inner join posts
        on
            tags.channel = posts.channel
            and tags.account = posts.account
            and tags.post_id = posts.post_id
    where tags.tag_kind = '{{ tag_kind }}'
),

lifted as (
    {{ lift_against_same_account_months('members', 'posts', [tag_kind, 'channel']) }}
),

usage as (
    select
        {{ tag_kind }},
        channel,
        count(distinct account) as accounts,
        cast(min(posted_at) as date) as first_used_on,
        cast(max(posted_at) as date) as last_used_on
    from members
    group by {{ tag_kind }}, channel
),

{%- if tag_kind == 'mention' %}

collaborators as (
    select
        lower(handle) as mention,
        max(kind) as collaborator_kind
    from {{ ref('collaborators') }}
    group by lower(handle)
),
{%- endif %}

final as (
    select
        lifted.{{ tag_kind }},
        lifted.channel,
        {%- if tag_kind == 'mention' %}
        collaborators.collaborator_kind,
        {%- endif %}
        lifted.posts,
        usage.accounts,
        usage.first_used_on,
        usage.last_used_on,
        lifted.median_engagement_rate,
        lifted.baseline_engagement_rate,
        lifted.lift
    from lifted
    inner join usage
        on lifted.{{ tag_kind }} = usage.{{ tag_kind }} and lifted.channel = usage.channel
    {%- if tag_kind == 'mention' %}
    left join collaborators
        on lifted.mention = collaborators.mention
    {%- endif %}
)

select * from final
{%- endmacro %}
