{#- Typing of raw export strings. Raw keeps what the platform wrote; these macros are the one
    place that knows how exports write numbers, rates, null tokens and dates. -#}

{#- The value, or null when it is one of the null tokens (`-`, empty, `N/A`, ...). -#}
{% macro null_if_token(column) -%}
    case
        when trim({{ column }}) in (
            {%- for token in var('null_tokens') -%}
                '{{ token }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ) then null
        else trim({{ column }})
    end
{%- endmacro %}

{#- A count: "104.0" (X per-tweet files), "1,234" (thousands separators) -> 104, 1234. -#}
{% macro to_count(column) -%}
    cast(round(cast(replace({{ null_if_token(column) }}, ',', '') as double)) as bigint)
{%- endmacro %}

{#- A rate written as a fraction ("0.0384..."). -#}
{% macro to_fraction(column) -%}
    cast(replace({{ null_if_token(column) }}, ',', '') as double)
{%- endmacro %}

{#- A UTC timestamp from any declared style: styles with an offset are converted to UTC,
    date-only styles become midnight of that day. -#}
{% macro to_utc_timestamp(column) -%}
    coalesce(
        try_strptime({{ null_if_token(column) }}, [
            {%- for style in var('timestamp_styles_with_zone') -%}
                '{{ style }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ]) at time zone 'UTC',
        try_strptime({{ null_if_token(column) }}, [
            {%- for style in var('timestamp_styles_local') -%}
                '{{ style }}'{{ ", " if not loop.last }}
            {%- endfor -%}
        ])
    )
{%- endmacro %}

{#- Numerator over denominator; null (never an error, never 0) when the denominator is zero or
    missing. -#}
{% macro safe_ratio(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- A timestamp Meta wrote in the Page's local time (no zone in the export), as UTC. -#}
{% macro local_export_time_to_utc(column) -%}
    ({{ to_utc_timestamp(column) }} at time zone '{{ var("local_timezone") }}') at time zone 'UTC'
{%- endmacro %}

{#- A percent as the platform writes it ("3.51" meaning 3.51 %) as a fraction (0.0351). -#}
{% macro percent_to_fraction(column) -%}
    {{ to_fraction(column) }} / 100.0
{%- endmacro %}

{#- "H:MM:SS" as seconds. -#}
{% macro duration_to_seconds(column) -%}
    (
        cast(split_part({{ null_if_token(column) }}, ':', 1) as bigint) * 3600
        + cast(split_part({{ null_if_token(column) }}, ':', 2) as bigint) * 60
        + cast(split_part({{ null_if_token(column) }}, ':', 3) as bigint)
    )
{%- endmacro %}

{#- True for the totals row a platform puts among the data rows. -#}
{% macro is_total_row(column) -%}
    coalesce(trim({{ column }}) in (
        {%- for label in var('total_row_labels') -%}
            '{{ label }}'{{ ", " if not loop.last }}
        {%- endfor -%}
    ), false)
{%- endmacro %}

{#- A UTC timestamp as wall-clock time in the team's time zone. -#}
{% macro to_local_time(utc_timestamp) -%}
    ({{ utc_timestamp }} at time zone 'UTC') at time zone '{{ var("local_timezone") }}'
{%- endmacro %}
