{#- Which rows a data test reads (docs/design.md §8 "A night costs what is new").

    Every generic test reads the relation it tests through dbt's `get_where_subquery`,
    overridden here. On an incremental build (no `--full-refresh`) a test of a relation that
    declares `meta: {arrival_column: <column>}` reads:

    - only the rows that arrived since the last build that passed (their arrival column later
      than when that build started), when its property holds row by row (`row_by_row` in
      rows_under_test below);
    - the rows sharing a key with those rows, when it is the uniqueness of that key (`keyed`):
      the new rows with every older row they could collide with;
    - every row otherwise: relationships whose parent may change, reconciliations, shares that
      sum to one (singular tests never come here and always read everything).

    A `--full-refresh` (the first build, a changed dbt project, the rebuild after a quarantine),
    a relation without an arrival column (marts rebuilt whole, seeds, views) and a warehouse
    with no build that passed yet: every test reads every row. socialkpi rebuilds in full when
    the dbt project changed; run by hand, `dbt build` after a change to a check needs
    `--full-refresh` too (as it does for the incremental models themselves).

    Why this is exact. A relation declares its arrival column only when a row of it never
    changes once written: what changes about a post or a day arrives as a new row, stamped
    later (never null). Raw export tables are appended to and never updated, every row of a
    file carries the one `_ingested_at` of its load, and a load never runs during a build, so a
    row loaded after the last passing build started has a later `_ingested_at` than that
    start. Staging models built with rows_loaded_since_last_build (macros/incremental_staging.sql)
    keep the raw row's `ingested_at`; a key and snapshot date that a new download replaces is
    deleted and inserted again (`delete+insert`), as new rows with the new `ingested_at`, and
    the row a model keeps when an older download arrives late is the row it held, unchanged.
    A row that goes (a file quarantined or unloaded: the next build is a full one anyway,
    socialkpi/build/runstate.py forget_passed_build) breaks none of the properties below. A
    build that failed since moves nothing: the rows it wrote are newer than the last passing
    build and are read again. So every older row was in the relation, with the same values, when the last passing
    build tested it (by induction, on the rows new then), and:
    - a row-by-row property (not null, accepted values, a value in a range, no negative count)
      still holds for every older row;
    - one row per key in each file (macros/file_checks.sql) is a property of one file's rows,
      and a file's rows all arrive together: the new files are the only ones to check;
    - uniqueness of a key can fail only for a key some new row has: the older rows were unique
      among themselves, and rows only went since.

    stg_meta__daily_series declares no arrival column: it reads again the rows of series whose
    channel was not known yet, and a row can gain its channel without a new `ingested_at`.

    The start of the last passing build is read from the run state when the test runs, never
    passed as a dbt var: a var that changes every night would make dbt parse again. -#}

{% macro get_where_subquery(relation) -%}
    {%- set rows = rows_under_test(relation) -%}
    {%- set where = config.get('where', '') -%}
    {#- dbt's own `where` config still narrows what the test reads. -#}
    {%- if where -%}
        {%- set rows -%}
            (select * from {{ rows }} where {{ where }}) as dbt_subquery
        {%- endset -%}
    {%- endif -%}
    {{ return(rows) }}
{%- endmacro %}

{#- The relation, or a subquery of the rows of it the running test must read (see above). -#}
{% macro rows_under_test(relation) -%}
    {#- Tests whose property holds row by row; tests of the uniqueness of a key, with the
        argument that lists the key's columns. -#}
    {%- set row_by_row = [
        'not_null', 'accepted_values', 'between', 'no_negative_counts', 'no_value_above',
        'one_row_per_key_in_each_file',
    ] -%}
    {%- set keyed = {'unique': 'column_name', 'unique_combination': 'columns'} -%}
    {%- set tested = tested_node() -%}
    {%- set arrival = (tested.config.meta or {}).get('arrival_column') if tested else none -%}
    {%- set kind = model.test_metadata.name if model.test_metadata else none -%}
    {%- if not execute or flags.FULL_REFRESH or not arrival
        or relation.identifier != (tested.alias or tested.identifier) -%}
        {{ return(relation) }}
    {%- elif kind not in row_by_row and kind not in keyed
        or load_relation(source('raw_ledger', 'refresh_state')) is none -%}
        {#- Not a row-by-row or key check; or no run state (dbt run by hand on a warehouse
            socialkpi never built). -#}
        {{ return(relation) }}
    {%- elif kind in row_by_row -%}
        {%- set rows -%}
            (
                select * from {{ relation }}
                where {{ arrived_since_last_passed_build(arrival) }}
            ) as rows_arrived_since_last_build
        {%- endset -%}
        {{ return(rows) }}
    {%- elif kind in keyed -%}
        {%- set key = model.test_metadata.kwargs[keyed[kind]] -%}
        {%- set key = [key] if key is string else key -%}
        {#- A join on the new rows' keys, not `exists`: DuckDB then hashes the few new keys
            instead of every key of the table. -#}
        {%- set rows -%}
            (
                select tested.*
                from {{ relation }} as tested
                inner join (
                    select distinct {{ key | join(', ') }}
                    from {{ relation }} as arrived
                    where {{ arrived_since_last_passed_build('arrived.' ~ arrival) }}
                ) as new_keys
                    on
                        {%- for column in key %}
                        {{ 'and ' if not loop.first }}new_keys.{{ column }} is not distinct from tested.{{ column }}
                        {%- endfor %}
            ) as rows_sharing_a_key_with_new_rows
        {%- endset -%}
        {{ return(rows) }}
    {%- endif -%}
{%- endmacro %}

{#- A condition on a row: it arrived (`arrival`, a column) after the last build that passed
    started (macros/incremental_staging.sql). No passing build yet: every row. A plain
    comparison with the subquery, so that DuckDB filters while it scans (with `or ... is null`
    it read every column of every row first, six times slower); an arrival column is never
    null: every landed row is stamped (pipelines/reader.py). -#}
{% macro arrived_since_last_passed_build(arrival) -%}
    {{ arrival }} > {{ last_passed_build_started() }}
{%- endmacro %}

{#- The node (a model or a source, as the graph holds it) the running generic test tests:
    the one its yml attaches it to, or the source it reads. -#}
{% macro tested_node() -%}
    {%- set sources = [] -%}
    {%- for node_id in model.depends_on.nodes if node_id.startswith('source.') -%}
        {%- do sources.append(graph.sources[node_id]) -%}
    {%- endfor -%}
    {%- if model.attached_node -%}
        {{ return(graph.nodes.get(model.attached_node)) }}
    {%- endif -%}
    {{ return(sources[0] if sources | length == 1 else none) }}
{%- endmacro %}

{#- The tested relation itself, for a test that needs its columns: what the test reads may be a
    subquery of it (rows_under_test), which has no columns to ask the warehouse for. -#}
{% macro tested_relation() -%}
    {%- set node = tested_node() -%}
    {{ return(api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.alias or node.identifier
    )) }}
{%- endmacro %}
