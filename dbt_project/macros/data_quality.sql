{#- Plausibility checks: values the platforms really write but that look wrong (a rate above 1:
    LinkedIn counts clicks above impressions, an X post had 3 impressions and 4 engagements).
    They never block a build; marts.data_quality lists each one with the file and row it came
    from, so a person can look. -#}

{#- One row per row of `relation` whose `value` (a rate, a fraction) is above 1, in the shape of
    marts.data_quality. `channel`, `value` and the optional columns are SQL expressions on
    `relation`; `where` narrows the rows checked. -#}
{% macro rate_above_one(
    relation, check_name, channel, column_name, value,
    post_id='null', date='null', row_number='null', where='true'
) -%}
    select
        '{{ check_name }}' as check_name,
        {{ channel }} as channel,
        account,
        source_file,
        cast({{ row_number }} as bigint) as row_number,
        cast({{ post_id }} as string) as post_id,
        cast({{ date }} as date) as date,
        snapshot_date,
        '{{ column_name }}' as column_name,
        cast({{ value }} as double) as value
    from {{ relation }}
    where ({{ where }}) and {{ value }} > 1
{%- endmacro %}

{#- The blocking counterpart, for a value no platform can write (a YouTube impressions CTR above
    100 %: a click is counted on an impression), on a staging model. Returns the failing row's
    file (`source_file`, `ingested_at`: socialkpi/build/isolation.py quarantines that file and the rest
    of the night publishes), its row number and the column, which the quarantine reason shows. -#}
{% test no_value_above(model, column_name, ceiling) %}
    select
        source_file,
        ingested_at,
        row_number,
        {{ column_name }}
    from {{ model }}
    where {{ column_name }} > {{ ceiling }}
{% endtest %}
