{#- Generic data tests written here because `dbt deps` cannot reach the package hub. What rows
    each one reads on an incremental build: macros/tested_rows.sql. -#}

{#- No two rows share the combination of `columns`. -#}
{% test unique_combination(model, columns) %}
    select {{ columns | join(', ') }}, count(*) as n_rows
    from {{ model }}
    group by {{ columns | join(', ') }}
    having count(*) > 1
{% endtest %}

{#- Every non-null value lies in [min_value, max_value]. -#}
{% test between(model, column_name, min_value, max_value) %}
    select {{ column_name }}
    from {{ model }}
    where {{ column_name }} < {{ min_value }} or {{ column_name }} > {{ max_value }}
{% endtest %}

{#- No count column of the model is negative, except the ones named in `allowed` (net changes,
    which platforms allow to go below zero: YouTube's net subscribers). Every integer column is a
    count in our marts, so new columns are covered without a yml change. -#}
{% test no_negative_counts(model, allowed=[]) %}
    {%- set counts = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(tested_relation()) -%}
            {%- if column.dtype | lower in ('bigint', 'integer', 'hugeint')
                and column.name not in allowed -%}
                {%- do counts.append(column.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}
    select *
    from {{ model }}
    where false
    {%- for name in counts %}
        or {{ name }} < 0
    {%- endfor %}
{% endtest %}
