{#- Staging models are incremental tables: a build reads only the raw rows loaded since the
    model was last built, and a download that says something new about a key and snapshot date
    replaces what the model held for them (`delete+insert` on the model's unique key).

    Why this is exact: raw rows are never updated, and never deleted once a build has read them
    (the rows of a killed load are undone before any build, pipelines/recovery.py); every load
    stamps its rows with its own, later `_ingested_at`; and within a snapshot the newest download
    wins in every staging model whatever the order of the loads (one_row_per_snapshot lets the
    row a model holds compete with the new ones), as it does in a full rebuild. When the dbt project changes,
    socialkpi/build/runstate.py rebuilds every model in full (`dbt build --full-refresh`). -#}
{% macro rows_loaded_since_last_build(relation, ingested_at='_ingested_at') -%}
    {#- A unit test has no `this`: it always reads the whole (given) input. -#}
    {%- if this is not none and is_incremental() -%}
        (
            select *
            from {{ relation }}
            where {{ ingested_at }} > (
                select coalesce(max(ingested_at), {{ earliest_timestamp() }}) from {{ this }}
            )
        )
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}

{#- For an incremental model built from a table (not from raw): leave out the rows `this` already
    holds unchanged (same `keys`, and the same `compared` values), so a build redoes only the
    new or changed ones. -#}
{% macro where_new_or_changed(alias, keys, compared) -%}
    {%- if this is not none and is_incremental() %}
        where not exists (
            select 1
            from {{ this }} as done
            where
                {%- for key in keys %}
                done.{{ key }} = {{ alias }}.{{ key }} and
                {%- endfor %}
                {%- for column in compared %}
                done.{{ column }} is not distinct from {{ alias }}.{{ column }}
                {{- " and" if not loop.last }}
                {%- endfor %}
        )
    {%- endif %}
{%- endmacro %}

{#- For an incremental model derived from `source` row by row (keyed by `keys`): before a build,
    delete the rows whose source row changed or went (other `compared` values), so that
    where_new_or_changed selects that source row again, and a new version that yields no rows
    leaves none of the old ones behind. Runs as the model's pre-hook. -#}
{% macro delete_where_source_changed(source, keys, compared) -%}
    {%- if is_incremental() %}
        delete from {{ this }} as done
        where not exists (
            select 1
            from {{ source }} as latest
            where
                {%- for key in keys %}
                latest.{{ key }} = done.{{ key }} and
                {%- endfor %}
                {%- for column in compared %}
                latest.{{ column }} is not distinct from done.{{ column }}
                {{- " and" if not loop.last }}
                {%- endfor %}
        )
    {%- endif %}
{%- endmacro %}

{#- When the last build that passed started (socialkpi/build/runstate.py notes it in the run
    state, pipelines/run_state.py's table, as ISO 8601 text): rows ingested after it are the ones
    no passed build has read. Before the first build that passed, the earliest time (every row
    is new). -#}
{% macro last_passed_build_started() -%}
    (
        select coalesce(
            max({{ instant_of_iso_text("nullif(run_state.output, '')") }}),
            {{ earliest_timestamp() }}
        )
        from {{ source('raw_ledger', 'refresh_state') }} as run_state
        where run_state.step = 'build'
    )
{%- endmacro %}

{#- For a mart kept one row (or a few) per key of a staging table (a post, an account-day) and
    built incrementally (`delete+insert` on those keys): on an incremental build, every staging
    row of the keys that received a row since the last build that passed, and no other. The
    mart's rows of those keys are made again from all their snapshots, so the result is the build
    from scratch's: a mart row depends on its key's staging rows only (the models that use this say
    so), the staging rows of other keys are unchanged since they were built (staging replaces a
    row only with a newer-ingested one, incremental_staging.sql), and whenever rows leave raw or
    the dbt project changes, the next build is a full one (socialkpi/build/runstate.py). A build
    that failed after this ran is redone by the next: the keys are still newer than the last
    build that passed, and delete+insert is idempotent. A mart that joins several staging tables
    on the keys names the others in `also`: a key new in any of them is remade from all. -#}
{% macro only_keys_with_new_rows(relation, keys, also=[]) -%}
    {#- No run state (dbt run by hand on a warehouse socialkpi never built): every key. -#}
    {%- if this is not none and is_incremental()
        and load_relation(source('raw_ledger', 'refresh_state')) is not none -%}
        (
            select *
            from {{ relation }} as candidate
            where
            {%- for arrivals in [relation] + also %}
                {{ "or " if not loop.first }}exists (
                    select 1
                    from {{ arrivals }} as arrived
                    where
                        arrived.ingested_at > {{ last_passed_build_started() }}
                        {%- for key in keys %}
                        and arrived.{{ key }} = candidate.{{ key }}
                        {%- endfor %}
                )
            {%- endfor %}
        )
    {%- else -%}
        {{ relation }}
    {%- endif -%}
{%- endmacro %}
