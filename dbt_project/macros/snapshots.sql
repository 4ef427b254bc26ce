{#- The snapshot logic every channel shares, written once. -#}

{#- Rows of a raw export table, once each: a run killed between landing rows and writing the
    ledger may land a file twice, and rows of the same content hash and row number are one row. -#}
{% macro one_copy_per_file_row(relation) -%}
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by _file_sha256, _source_file, _row_number order by _ingested_at desc
    ) = 1
{%- endmacro %}

{#- One row per `keys` and snapshot date: two downloads with the same snapshot date say the same
    thing, keep the one loaded last. -#}
{% macro one_row_per_snapshot(relation, keys) -%}
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by {{ keys | join(', ') }}, snapshot_date
        order by ingested_at desc, source_file desc
    ) = 1
{%- endmacro %}

{#- The latest snapshot per `keys`, with the first snapshot date and the number of snapshots:
    platforms export lifetime numbers as of the download, so the latest download is right and
    earlier ones are history. -#}
{% macro latest_snapshot(relation, keys) -%}
    select
        *,
        min(snapshot_date) over (partition by {{ keys | join(', ') }}) as first_seen_date,
        count(*) over (partition by {{ keys | join(', ') }}) as snapshot_count
    from {{ relation }}
    qualify row_number() over (
        partition by {{ keys | join(', ') }}
        order by snapshot_date desc, ingested_at desc, source_file desc
    ) = 1
{%- endmacro %}

{#- The value of `column` from the most recent download that carried it (later snapshot, then
    later load): for daily series where some downloads carry only some metrics (YouTube's
    Totals.csv has views only, its Table data.csv has watch time too). -#}
{% macro latest_known(column) -%}
    arg_max({{ column }}, {'snapshot_date': snapshot_date, 'ingested_at': ingested_at})
        filter (where {{ column }} is not null)
{%- endmacro %}
