{#- Comment rows summarised: what post_conversation and conversation_monthly share. -#}

{#- The `n` most frequent values of the list column `values` per `keys` (ties: alphabetical), as
    a list, most frequent first. Returns one row per `keys` that has any value. -#}
{% macro top_values(relation, keys, values, n) -%}
    with

    exploded as (
        select
            {{ keys | join(', ') }},
            {{ each_element_of(values) }} as value
        from {{ relation }}
    ),

    counted as (
        select
            {{ keys | join(', ') }},
            value,
            count(*) as occurrences
        from exploded
        group by {{ keys | join(', ') }}, value
    ),

    ranked as (
        select
            *,
            row_number() over (
                partition by {{ keys | join(', ') }} order by occurrences desc, value asc
            ) as value_rank
        from counted
    )

    select
        {{ keys | join(', ') }},
        {{ ordered_list('value', 'value_rank') }} as top_{{ values }}
    from ranked
    where value_rank <= {{ n }}
    group by {{ keys | join(', ') }}
{%- endmacro %}

{#- Counts of a group of comments (`comments` rows left-joined to `answered`, the top-level
    comments the account replied to): what post_conversation and conversation_monthly share. -#}
{% macro conversation_counts(comments, answered) -%}
    count(*) filter (where not {{ comments }}.author_is_account) as comments,
    count(*) filter (
        where not {{ comments }}.author_is_account and not {{ comments }}.is_reply
    ) as top_level_comments,
    count(*) filter (where not {{ comments }}.author_is_account and {{ comments }}.is_reply) as replies,
    count(*) filter (where {{ comments }}.author_is_account and {{ comments }}.is_reply) as account_replies,
    count(distinct {{ comments }}.author_pseudonym) filter (
        where not {{ comments }}.author_is_account
    ) as commenters,
    count(*) filter (
        where not {{ comments }}.author_is_account and {{ comments }}.sentiment = 'positive'
    ) as positive_comments,
    count(*) filter (
        where not {{ comments }}.author_is_account and {{ comments }}.sentiment = 'neutral'
    ) as neutral_comments,
    count(*) filter (
        where not {{ comments }}.author_is_account and {{ comments }}.sentiment = 'negative'
    ) as negative_comments,
    avg({{ comments }}.sentiment_score) filter (
        where not {{ comments }}.author_is_account
    ) as mean_sentiment_score,
    count(*) filter (
        where not {{ comments }}.author_is_account and not {{ comments }}.is_reply
        and {{ answered }}.comment_id is not null
    ) as answered_top_level_comments
{%- endmacro %}

{#- The shared columns computed from conversation_counts, with their types fixed. -#}
{% macro conversation_columns(counted) -%}
    cast({{ counted }}.comments as bigint) as comments,
    cast({{ counted }}.top_level_comments as bigint) as top_level_comments,
    cast({{ counted }}.replies as bigint) as replies,
    cast({{ counted }}.account_replies as bigint) as account_replies,
    cast({{ counted }}.commenters as bigint) as commenters,
    cast({{ counted }}.positive_comments as bigint) as positive_comments,
    cast({{ counted }}.neutral_comments as bigint) as neutral_comments,
    cast({{ counted }}.negative_comments as bigint) as negative_comments,
    {{ safe_ratio(counted ~ '.positive_comments', counted ~ '.positive_comments + '
        ~ counted ~ '.neutral_comments + ' ~ counted ~ '.negative_comments') }} as share_positive,
    {{ safe_ratio(counted ~ '.negative_comments', counted ~ '.positive_comments + '
        ~ counted ~ '.neutral_comments + ' ~ counted ~ '.negative_comments') }} as share_negative,
    {{ counted }}.mean_sentiment_score,
    {{ safe_ratio(counted ~ '.answered_top_level_comments', counted ~ '.top_level_comments') }}
        as reply_rate
{%- endmacro %}
