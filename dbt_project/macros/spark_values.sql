{#- Values written into Spark SQL.

    Seeds on Spark. dbt-spark's own loader passes every value as a query binding, which its
    session connection writes into the SQL as '<value>': a missing value becomes the text
    'None' and an apostrophe ends the text early. This writes each value as a Spark SQL
    literal instead: NULL for a missing one, a text with its quotes and backslashes escaped. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for value in row -%}
                    {%- set inferred = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(agate_table.column_names[loop.index0], inferred) -%}
                    cast({{ spark_literal(value) }} as {{ type }}){{ ", " if not loop.last }}
                {%- endfor -%}
                ){{ "," if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}{%- do statements.append(sql) -%}{%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ value | string | lower }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{#- A unit test's fixture value on Spark: a YAML list reaches this macro as a list, or as the
    text Python writes for one, `['a', 'b']`, which DuckDB reads as a list and Spark cannot
    parse; it is written as a Spark array instead. -#}
{% macro spark__safe_cast(field, type) -%}
    {%- if field is string -%}
        {%- set items = fromjson(field | replace("'", '"'), none)
            if field.startswith('[') and type.lower().startswith('array') else none -%}
    {%- else -%}
        {%- set items = field -%}
    {%- endif -%}
    {%- if items is iterable and items is not string and items is not mapping -%}
        cast(array(
            {%- for value in items -%}{{ spark_literal(value) }}{{ ", " if not loop.last }}{%- endfor -%}
        ) as {{ type }})
    {%- else -%}
        cast({{ field }} as {{ type }})
    {%- endif -%}
{%- endmacro %}
