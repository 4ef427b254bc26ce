{#- SQL that differs between engines, in one place. Models call these macros and never write the
    engine's own syntax, so a second engine (Spark SQL) means a `spark__` implementation of each
    macro here and no model edit. Each macro dispatches on the adapter; the `duckdb__`
    implementations write exactly the SQL the models wrote before. There is no `default__`: an
    engine without its implementation fails the build naming the macro, rather than running
    DuckDB syntax it may misread. tests/test_sql_is_engine_neutral.py keeps models free of the
    constructs these macros stand for.

    Kept in models because both DuckDB and Spark SQL (3.x) read them the same way: cast(),
    case, coalesce, nullif, greatest/least, date_trunc, year/month/day/hour, `interval 1 year`,
    aggregate `filter (where ...)`, contains(text, part), window functions, union all. -#}

{#- Keeps the first row of each partition in the given order: a trailing clause of a select. -#}
{% macro keep_first(partition_by, order_by) -%}
    {{ return(adapter.dispatch('keep_first', 'socialkpi')(partition_by, order_by)) }}
{%- endmacro %}

{% macro duckdb__keep_first(partition_by, order_by) -%}
    qualify row_number() over (
        partition by {{ partition_by }} order by {{ order_by }}
    ) = 1
{%- endmacro %}

{#- True when the text matches the regular expression anywhere (RE2 syntax). -#}
{% macro matches_regex(text, pattern) -%}
    {{ return(adapter.dispatch('matches_regex', 'socialkpi')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__matches_regex(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{#- The first part of the text the regular expression matches (the whole match), or ''. -#}
{% macro first_match(text, pattern) -%}
    {{ return(adapter.dispatch('first_match', 'socialkpi')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__first_match(text, pattern) -%}
    regexp_extract({{ text }}, {{ pattern }})
{%- endmacro %}

{#- SQL LIKE ignoring case. -#}
{% macro like_ignoring_case(text, pattern) -%}
    {{ return(adapter.dispatch('like_ignoring_case', 'socialkpi')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__like_ignoring_case(text, pattern) -%}
    {{ text }} ilike {{ pattern }}
{%- endmacro %}

{#- True when the list holds the value. -#}
{% macro has_element(list, value) -%}
    {{ return(adapter.dispatch('has_element', 'socialkpi')(list, value)) }}
{%- endmacro %}

{% macro duckdb__has_element(list, value) -%}
    list_contains({{ list }}, {{ value }})
{%- endmacro %}

{#- In a select list: one output row per element of the list (no row for an empty list). -#}
{% macro each_element_of(list) -%}
    {{ return(adapter.dispatch('each_element_of', 'socialkpi')(list)) }}
{%- endmacro %}

{% macro duckdb__each_element_of(list) -%}
    unnest({{ list }})
{%- endmacro %}

{#- A from-item with one row per day from first_day to last_day, both included, in column
    `column` of relation `alias`; it may refer to the tables listed before it. -#}
{% macro days_between_as_rows(first_day, last_day, alias, column) -%}
    {{ return(adapter.dispatch('days_between_as_rows', 'socialkpi')(first_day, last_day, alias, column)) }}
{%- endmacro %}

{% macro duckdb__days_between_as_rows(first_day, last_day, alias, column) -%}
    generate_series({{ first_day }}, {{ last_day }}, interval 1 day) as {{ alias }} ({{ column }})
{%- endmacro %}

{#- The number of days from `first_day` to `last_day` (0 for the same day). -#}
{% macro days_between(first_day, last_day) -%}
    {{ return(adapter.dispatch('days_between', 'socialkpi')(first_day, last_day)) }}
{%- endmacro %}

{% macro duckdb__days_between(first_day, last_day) -%}
    date_diff('day', {{ first_day }}, {{ last_day }})
{%- endmacro %}

{#- Aggregate: the value of `value` on the row where `order_by` is largest, among the rows where
    `value` is not null. -#}
{% macro value_of_max(value, order_by) -%}
    {{ return(adapter.dispatch('value_of_max', 'socialkpi')(value, order_by)) }}
{%- endmacro %}

{% macro duckdb__value_of_max(value, order_by) -%}
    arg_max({{ value }}, {{ order_by }}) filter (where {{ value }} is not null)
{%- endmacro %}

{#- Text to a timestamp with a strftime-style format; an error when the text does not fit. -#}
{% macro parse_timestamp(text, format) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'socialkpi')(text, format)) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(text, format) -%}
    strptime({{ text }}, {{ format }})
{%- endmacro %}

{#- A time zone aware timestamp as the UTC wall-clock time, without zone. -#}
{% macro utc_wall_clock(timestamp_with_zone) -%}
    {{ return(adapter.dispatch('utc_wall_clock', 'socialkpi')(timestamp_with_zone)) }}
{%- endmacro %}

{% macro duckdb__utc_wall_clock(timestamp_with_zone) -%}
    cast({{ timestamp_with_zone }} at time zone 'UTC' as timestamp)
{%- endmacro %}

{#- A time zone aware timestamp before every other: what "nothing built yet" compares with. -#}
{% macro earliest_timestamp() -%}
    {{ return(adapter.dispatch('earliest_timestamp', 'socialkpi')()) }}
{%- endmacro %}

{% macro duckdb__earliest_timestamp() -%}
    '-infinity'::timestamptz
{%- endmacro %}

{#- ISO day of the week: 1 for Monday to 7 for Sunday. -#}
{% macro iso_weekday(timestamp) -%}
    {{ return(adapter.dispatch('iso_weekday', 'socialkpi')(timestamp)) }}
{%- endmacro %}

{% macro duckdb__iso_weekday(timestamp) -%}
    isodow({{ timestamp }})
{%- endmacro %}

{#- The rows of every relation (CTE names), columns matched by name: a column some relation
    lacks is NULL in its rows. -#}
{% macro union_all_by_name(relations) -%}
    {{ return(adapter.dispatch('union_all_by_name', 'socialkpi')(relations)) }}
{%- endmacro %}

{% macro duckdb__union_all_by_name(relations) -%}
    {%- for relation in relations %}
    select * from {{ relation }}
    {%- if not loop.last %}
    union all by name
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- A UTC timestamp as the wall-clock time of the named time zone, without zone. -#}
{% macro wall_clock_in(utc_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('wall_clock_in', 'socialkpi')(utc_timestamp, time_zone)) }}
{%- endmacro %}

{% macro duckdb__wall_clock_in(utc_timestamp, time_zone) -%}
    ({{ utc_timestamp }} at time zone 'UTC') at time zone '{{ time_zone }}'
{%- endmacro %}

{#- One value of the columns that compares column by column, in the order given: the greater
    value is greater in the first column that differs. -#}
{% macro record_ordered_by(columns) -%}
    {{ return(adapter.dispatch('record_ordered_by', 'socialkpi')(columns)) }}
{%- endmacro %}

{% macro duckdb__record_ordered_by(columns) -%}
    {
        {%- for column in columns %}
        '{{ column }}': {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    }
{%- endmacro %}
