{#- Blocking checks on raw rows, file by file: what no platform writes. Their failing rows are raw
    rows that name their file (`_source_file`, `_ingested_at`), so a failure quarantines that
    file and the night publishes the rest (socialkpi/isolation.py). -#}

{#- An export file names each `key` once (X writes every tweet once per download): a file that
    gives one key two rows says two things about it, and staging would keep one at random. The
    same row landed twice by a killed load (same `_row_number`) is one row, not two. -#}
{% test one_row_per_key_in_each_file(model, key) %}
    with

    keyed as (
        select distinct
            _file_sha256,
            _source_file,
            _ingested_at,
            _row_number,
            {{ key }} as file_key
        from {{ model }}
        where {{ key }} is not null
    ),

    repeated as (
        select
            _file_sha256,
            file_key
        from keyed
        group by _file_sha256, file_key
        having count(distinct _row_number) > 1
    )

    select keyed.*
    from keyed
    inner join repeated
        on
            keyed._file_sha256 = repeated._file_sha256
            and keyed.file_key = repeated.file_key
{% endtest %}
