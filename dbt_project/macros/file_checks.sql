{#- Blocking checks on raw rows, file by file: what no platform writes. Their failing rows are raw
    rows that name their file (`_source_file`, `_ingested_at`), so a failure quarantines that
    file and the night publishes the rest (socialkpi/build/isolation.py). -#}

{#- A post or video id as staging keys it: trimmed, without zero-width characters (U+200B zero
    width space, U+200C/U+200D non-joiner/joiner, U+FEFF byte-order mark) that a copy and paste
    or a spreadsheet leaves in and that no platform id contains: `123`, ` 123`, `123 ` and
    `12<ZWJ>3` are one post. The file check below keys rows the same way. -#}
{% macro normalized_id(column) -%}
    {%- set zero_width %}'[\x{200B}\x{200C}\x{200D}\x{FEFF}]'{% endset -%}
    trim({{ replace_regex(column, zero_width, "''") }})
{%- endmacro %}

{#- An export file (a CSV, a ZIP member, a sheet: one `_source_file`) names each `key` once: a
    file that gives one post two rows that disagree (an id with and without a trailing space,
    or with a zero-width joiner, and other numbers) says two things about it, and staging would
    keep one and drop the other silently. Reported, not dropped: the file is quarantined. Rows
    that agree on every value (`key_columns`, which spell the key, aside) say one thing and
    pass. The same row landed twice by a killed load (same `_row_number`) is one row. -#}
{#- `key_columns`: the columns that together name a row's post (the id first), each normalised.

    Cost: comparing every value of every row (a record of some forty text columns, the post's
    text among them, made distinct) took about 1.4 s on 70,000 raw tweets. Almost no file names
    a key twice, so the rows are first grouped by file and key alone (`named_twice`), and only
    the rows of those keys are compared value by value. On an incremental build the test reads
    only the files loaded since the last build that passed (macros/tested_rows.sql). -#}
{% test one_row_per_key_in_each_file(model, key_columns) %}
    {%- set key -%}
        {%- for column in key_columns -%}
            coalesce({{ normalized_id(adapter.quote(column)) }}, ''){{ " || chr(31) || " if not loop.last }}
        {%- endfor -%}
    {%- endset -%}
    {%- set compared = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(tested_relation()) -%}
            {%- if not column.name.startswith('_') and column.name not in key_columns -%}
                {%- do compared.append('landed.' ~ adapter.quote(column.name)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}
    with

    keyed as (
        select
            _file_sha256,
            _source_file,
            _ingested_at,
            _row_number,
            {{ key }} as file_key
        from {{ model }}
        where nullif({{ normalized_id(adapter.quote(key_columns[0])) }}, '') is not null
    ),

    named_twice as (
        select
            _file_sha256,
            _source_file,
            file_key
        from keyed
        group by _file_sha256, _source_file, file_key
        having count(distinct _row_number) > 1
    ),

    compared as (
        select distinct
            keyed._file_sha256,
            keyed._source_file,
            keyed._ingested_at,
            keyed._row_number,
            keyed.file_key,
            {%- if compared %}
            {{ record_of(compared) }} as file_values
            {%- else %}
            null as file_values
            {%- endif %}
        from keyed
        inner join named_twice
            on
                keyed._file_sha256 = named_twice._file_sha256
                and keyed._source_file = named_twice._source_file
                and keyed.file_key = named_twice.file_key
        inner join (select * from {{ model }}) as landed
            on
                keyed._file_sha256 = landed._file_sha256
                and keyed._source_file = landed._source_file
                and keyed._ingested_at = landed._ingested_at
                and keyed._row_number = landed._row_number
    ),

    conflicting as (
        select
            _file_sha256,
            _source_file,
            file_key
        from compared
        group by _file_sha256, _source_file, file_key
        having count(distinct _row_number) > 1 and count(distinct file_values) > 1
    )

    select {{ all_columns_except(['file_values'], 'compared') }}
    from compared
    inner join conflicting
        on
            compared._file_sha256 = conflicting._file_sha256
            and compared._source_file = conflicting._source_file
            and compared.file_key = conflicting.file_key
{% endtest %}
