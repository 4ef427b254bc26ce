{#- The lake's raw tables, named in the engine's catalogue before a build on Spark, through dbt's
    own connection: the same call registers them in this process's Spark (method session) or on a
    cluster's Thrift or HTTP server. socialkpi runs it as
    `dbt run-operation register_lake_tables --args '{tables: [...]}'` (socialkpi/build/spark.py);
    each table is {schema, name, location, columns}: a folder of Parquet files dlt landed (no
    columns: Spark reads them from the files), or, for a table no file has filled yet, its
    declared columns as [name, Spark type] pairs, so that dbt's sources always exist. On DuckDB
    the raw tables are the warehouse file's own: nothing to register. -#}
{% macro register_lake_tables(tables) %}
    {{ return(adapter.dispatch('register_lake_tables')(tables)) }}
{% endmacro %}

{% macro default__register_lake_tables(tables) %}
    {{ exceptions.raise_compiler_error(
        'register_lake_tables: only the Spark engine reads its raw tables from a lake'
    ) }}
{% endmacro %}

{% macro spark__register_lake_tables(tables) %}
    {#- each statement is a round trip to the server (seconds on a cluster): a database once -#}
    {%- for schema in tables | map(attribute='schema') | unique -%}
        {%- do run_query('create database if not exists ' ~ schema) -%}
    {%- endfor -%}
    {%- for table in tables -%}
        {%- set relation = table.schema ~ '.' ~ table.name -%}
        {%- set location = "location '" ~ table.location | replace("'", "\\'") ~ "'" -%}
        {%- do run_query('drop table if exists ' ~ relation) -%}
        {%- if table.columns -%}
            {%- set typed = [] -%}
            {%- for column, kind in table.columns -%}
                {%- do typed.append('`' ~ column ~ '` ' ~ kind) -%}
            {%- endfor -%}
            {%- do run_query(
                'create table ' ~ relation ~ ' (' ~ typed | join(', ') ~ ') using parquet ' ~ location
            ) -%}
        {%- else -%}
            {%- do run_query(
                'create table ' ~ relation ~ " using parquet options (mergeSchema 'true') " ~ location
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ log('registered ' ~ tables | length ~ ' lake tables', info=true) }}
{% endmacro %}
