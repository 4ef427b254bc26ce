{#- Blocking checks on raw rows, file by file: what no platform writes. Their failing rows are raw
    rows that name their file (`_source_file`, `_ingested_at`), so a failure quarantines that
    file and the night publishes the rest (socialkpi/build/isolation.py). -#}

{#- A post or video id as staging keys it: trimmed, without zero-width characters (U+200B zero
    width space, U+200C/U+200D non-joiner/joiner, U+FEFF byte-order mark) that a copy and paste
    or a spreadsheet leaves in and that no platform id contains: `123`, ` 123`, `123 ` and
    `12<ZWJ>3` are one post. The file check below keys rows the same way. -#}
{% macro normalized_id(column) -%}
    trim(regexp_replace({{ column }}, '[\x{200B}\x{200C}\x{200D}\x{FEFF}]', '', 'g'))
{%- endmacro %}

{#- An export file (a CSV, a ZIP member, a sheet: one `_source_file`) names each `key` once: a
    file that gives one post two rows that disagree (an id with and without a trailing space,
    or with a zero-width joiner, and other numbers) says two things about it, and staging would
    keep one and drop the other silently. Reported, not dropped: the file is quarantined. Rows
    that agree on every value (`key_columns`, which spell the key, aside) say one thing and
    pass. The same row landed twice by a killed load (same `_row_number`) is one row. -#}
{#- `key_columns`: the columns that together name a row's post (the id first), each normalised. -#}
{% test one_row_per_key_in_each_file(model, key_columns) %}
    {%- set key -%}
        {%- for column in key_columns -%}
            coalesce({{ normalized_id(adapter.quote(column)) }}, ''){{ " || chr(31) || " if not loop.last }}
        {%- endfor -%}
    {%- endset -%}
    {%- set compared = [] -%}
    {%- if execute -%}
        {%- for column in adapter.get_columns_in_relation(model) -%}
            {%- if not column.name.startswith('_') and column.name not in key_columns -%}
                {%- do compared.append(adapter.quote(column.name)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif %}
    with

    keyed as (
        select distinct
            _file_sha256,
            _source_file,
            _ingested_at,
            _row_number,
            {{ key }} as file_key,
            {%- if compared %}
            row({{ compared | join(', ') }}) as file_values
            {%- else %}
            null as file_values
            {%- endif %}
        from {{ model }}
        where nullif({{ normalized_id(adapter.quote(key_columns[0])) }}, '') is not null
    ),

    conflicting as (
        select
            _file_sha256,
            _source_file,
            file_key
        from keyed
        group by _file_sha256, _source_file, file_key
        having count(distinct _row_number) > 1 and count(distinct file_values) > 1
    )

    select keyed.* exclude (file_values)
    from keyed
    inner join conflicting
        on
            keyed._file_sha256 = conflicting._file_sha256
            and keyed._source_file = conflicting._source_file
            and keyed.file_key = conflicting.file_key
{% endtest %}
