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
    {#- One account-month as text, unambiguous whatever the values hold: each part is its length
        and itself, or n when missing. -#}
    {%- set parts = [] -%}
    {%- for column in ['channel', 'account', 'month'] -%}
        {%- set value = 'cast(' ~ column ~ ' as string)' -%}
        {%- do parts.append("coalesce(cast(length(" ~ value ~ ") as string) || ':' || " ~ value ~ ", 'n')") -%}
    {%- endfor -%}
    {%- set month_text = parts | join(" || '/' || ") -%}
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

    -- Groups published in the same account-months share their baseline, so the median of all
    -- posts is taken once per distinct set of account-months (a month set), not once per group:
    -- joining every group to its months' posts made groups x posts rows (168 hours of the week x
    -- a million posts of one account), the same numbers each time.
    group_month_sets as (
        select
            {{ groups }},
            -- a digest: the sets are long (one part per month) and are hashed and joined on
            md5({{ joined_text(month_text, "' '", month_text, distinct=true) }}) as month_set
        from group_months
        group by {{ groups }}
    ),

    month_set_months as (
        select distinct
            group_month_sets.month_set,
            group_months.channel,
            group_months.account,
            group_months.month
        from group_month_sets
        inner join group_months
            on
                {% for column in group_columns -%}
                {{ 'and ' if not loop.first }}group_month_sets.{{ column }} is not distinct from group_months.{{ column }}
                {% endfor %}
    ),

    month_set_baselines as (
        select
            month_set_months.month_set,
            {{ median_of('all_posts.engagement_rate') }} as baseline_engagement_rate
        from month_set_months
        inner join {{ posts }} as all_posts
            on
                month_set_months.channel = all_posts.channel
                and month_set_months.account = all_posts.account
                and month_set_months.month = all_posts.month
        group by month_set_months.month_set
    ),

    baselines as (
        select
            {% for column in group_columns %}group_month_sets.{{ column }}, {% endfor %}
            month_set_baselines.baseline_engagement_rate
        from group_month_sets
        inner join month_set_baselines on group_month_sets.month_set = month_set_baselines.month_set
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
