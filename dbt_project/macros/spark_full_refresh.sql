{#- On Spark the lake's tables are Parquet files, which cannot delete rows, so every Spark build
    is a full refresh (socialkpi/build/dbt_runner.py): an incremental model is built whole and
    its strategy never runs. dbt-spark checks the strategy before it looks at the refresh and
    refuses `delete+insert`; this lets a full refresh through, and refuses what Parquet cannot
    do with a message that says why. -#}
{% macro dbt_spark_validate_get_incremental_strategy(raw_strategy, file_format) %}
    {%- if raw_strategy == 'delete+insert' and should_full_refresh() -%}
        {{ return('append') }}
    {%- elif raw_strategy not in ['append', 'insert_overwrite'] -%}
        {{ exceptions.raise_compiler_error(
            'incremental strategy ' ~ raw_strategy ~ ' on Spark: the lake keeps ' ~ file_format
            ~ ' files, so a Spark build is a full refresh (run it with --full-refresh)'
        ) }}
    {%- endif -%}
    {{ return(raw_strategy) }}
{% endmacro %}

{#- A contract's not_null constraints on Spark: a Parquet table cannot hold them (dbt-spark sets
    them on Delta tables only), so the built table is checked instead, one query per model, and
    the build fails naming the columns that hold a NULL. -#}
{% macro spark__persist_constraints(relation, model) %}
    {%- if not config.get('contract').enforced -%}{{ return(none) }}{%- endif -%}
    {%- set not_null = [] -%}
    {%- for name, column in model.columns.items() -%}
        {%- if column.constraints | selectattr('type', 'equalto', 'not_null') | list -%}
            {%- do not_null.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not not_null -%}{{ return(none) }}{%- endif -%}
    {%- set counted -%}
        select
        {%- for name in not_null %}
            count_if({{ name }} is null) as {{ name }}{{ "," if not loop.last }}
        {%- endfor %}
        from {{ relation }}
    {%- endset -%}
    {%- set row = run_query(counted).rows[0] -%}
    {%- set broken = [] -%}
    {%- for name in not_null -%}
        {%- if row[loop.index0] > 0 -%}{%- do broken.append(name ~ ' (' ~ row[loop.index0] ~ ' rows)') -%}{%- endif -%}
    {%- endfor -%}
    {%- if broken -%}
        {{ exceptions.raise_compiler_error(
            'contract of ' ~ relation ~ ': NULL in not_null column(s) ' ~ broken | join(', ')
        ) }}
    {%- endif -%}
{% endmacro %}
