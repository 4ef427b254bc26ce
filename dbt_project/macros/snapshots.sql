{#- The snapshot logic every channel shares, written once.

    Which download wins (the rule the docs state, models/marts/kpi_definitions.md "Which download
    wins"): the one whose window ends last (snapshot_date), then the one downloaded last
    (downloaded_at: the time the file name gives, else the file's modification time), then its
    content (file_sha256, then source_file: a fixed order, so any two builds agree). Never the
    time a file happened to be loaded: an older download found a night later must not replace
    newer numbers. -#}

{#- The download order as one value: a struct compares field by field, so the greater value is
    the newer download (the rule above, most significant field first). -#}
{% macro download_order() -%}
    {{ record_ordered_by(['snapshot_date', 'downloaded_at', 'file_sha256', 'source_file']) }}
{%- endmacro %}

{#- An ORDER BY term putting the newest download first (qualify row_number() ... = 1). -#}
{% macro newest_download_first() -%}
    {{ download_order() }} desc
{%- endmacro %}

{#- Rows of a raw export table, once each: a run killed between landing rows and writing the
    ledger may land a file twice, and rows of the same content hash and row number are one row
    (the copy landed last, as every load stamps its own later `_ingested_at`).
    Rows landed before downloads were timed have no `_downloaded_at` (the loader added the
    column to their table, pipelines/load.py ensure_raw_tables): their load time stands in for it.
    An anti-join on the row's narrow key, not a window over the whole row: at the agency scale
    (a million X rows of 50 text columns) the window ran out of memory under 500MB, the limit
    one dbt thread gets (pipelines/memory.py); the join holds four columns, passes under 250MB,
    and took 12 s where the window took 19 s under 1GB. -#}
{% macro one_copy_per_file_row(relation) -%}
    select {{ all_columns_replacing('_downloaded_at', 'coalesce(_downloaded_at, _ingested_at)') }}
    from {{ relation }} as landed
    where not exists (
        select 1
        from {{ relation }} as later
        where
            later._file_sha256 = landed._file_sha256
            and later._source_file = landed._source_file
            and later._row_number = landed._row_number
            and later._ingested_at > landed._ingested_at
    )
{%- endmacro %}

{#- One row per `keys` and snapshot date: the newest download of that snapshot. `preferred`, an
    expression ordered first, chooses among the rows of one download (LinkedIn's Total row).
    An incremental build reads only the rows loaded since the last build: the row the model
    already holds for a key and snapshot date competes with them, so an older download loaded
    later never replaces it (and every build agrees with a build from scratch). -#}
{% macro one_row_per_snapshot(relation, keys, preferred=none) -%}
    {%- set branches = [] -%}
    {%- set loaded %}
        (
            select
                *,
                false as _already_built
            from {{ relation }}
        )
    {%- endset -%}
    {%- do branches.append(loaded) -%}
    {%- if this is not none and is_incremental() -%}
        {%- set built %}
        (
            select
                built.*,
                true as _already_built
            from {{ this }} as built
            where exists (
                select 1
                from {{ relation }} as loaded
                where
                    {%- for key in keys %}
                    loaded.{{ key }} is not distinct from built.{{ key }} and
                    {%- endfor %}
                    loaded.snapshot_date = built.snapshot_date
            )
        )
        {%- endset -%}
        {%- do branches.append(built) -%}
    {%- endif %}
    select {{ all_columns_except(['_already_built']) }}
    from (
        {{ union_all_by_name(branches) }}
    ) as candidates
    {#- _already_built last: the same download read again (a re-read row) replaces what was built
        from it. #}
    {{ keep_first(
        keys | join(', ') ~ ', snapshot_date',
        (preferred ~ ', ' if preferred else '') ~ newest_download_first() ~ ', _already_built'
    ) }}
{%- endmacro %}

{#- The latest snapshot per `keys`, with the first snapshot date and the number of snapshots:
    platforms export lifetime numbers as of the download, so the newest download is right and
    earlier ones are history. -#}
{% macro latest_snapshot(relation, keys) -%}
    select
        *,
        min(snapshot_date) over (partition by {{ keys | join(', ') }}) as first_seen_date,
        count(*) over (partition by {{ keys | join(', ') }}) as snapshot_count
    from {{ relation }}
    {{ keep_first(keys | join(', '), newest_download_first()) }}
{%- endmacro %}

{#- The value of `column` from the newest download that carried it: for daily series where some
    downloads carry only some metrics (YouTube's Totals.csv has views only, its Table data.csv
    has watch time too). -#}
{% macro latest_known(column) -%}
    {{ value_of_max(column, download_order()) }}
{%- endmacro %}
