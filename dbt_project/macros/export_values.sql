{#- Typing of raw export strings. Raw keeps what the platform wrote; these macros are the one
    place that knows how exports write numbers, rates, null tokens and dates. -#}

{#- The value, or null when it is one of the null tokens (`-`, empty, `N/A`, ...). -#}
{% macro null_if_token(column) -%}
    case
        when {{ is_one_of('trim(' ~ column ~ ')', var('null_tokens')) }} then null
        else trim({{ column }})
    end
{%- endmacro %}

{#- A number in any form the readers accept (pipelines/reader.py _NUMBER): "104.0", "1,234",
    "1 234,5", "13,4", "13,4 k", "1.3K". A comma followed by exactly three digits is a
    thousands separator in a count ("1,234" people) and a decimal comma in a fraction. -#}
{% macro export_number(column, kind) -%}
    {#- The patterns only match numbers, never a null token, so they can test the trimmed cell;
        only the last branch needs the null tokens (and the model stays small to bind). -#}
    {%- set v = 'trim(' ~ column ~ ')' -%}
    case
        when {{ matches_regex(v, "'^-?[0-9]+([.,][0-9]+)?[   ]?[kKmM]$'") }}
            then cast(
                replace({{ first_match(v, "'^-?[0-9]+([.,][0-9]+)?'") }}, ',', '.') as double
            ) * case when lower(right({{ v }}, 1)) = 'k' then 1000 else 1000000 end
        when {{ matches_regex(v, "'^-?[0-9]{1,3}([   ][0-9]{3})+(,[0-9]+)?$'") }}
            then cast(
                replace({{ replace_regex(v, "'[   ]'", "''") }}, ',', '.') as double
            )
        {%- if kind == 'count' %}
        when {{ matches_regex(v, "'^-?[0-9]{1,3}(,[0-9]{3})+([.][0-9]+)?$'") }}
            then cast(replace({{ v }}, ',', '') as double)
        {%- endif %}
        when {{ matches_regex(v, "'^-?[0-9]+,[0-9]+$'") }}
            then cast(replace({{ v }}, ',', '.') as double)
        else cast({{ null_if_token(column) }} as double)
    end
{%- endmacro %}

{#- A count, rounded to a whole number. -#}
{% macro to_count(column) -%}
    cast(round({{ export_number(column, 'count') }}) as bigint)
{%- endmacro %}

{#- A fraction or a decimal measure ("0.0384", "45.8772", "0,0384"). -#}
{% macro to_fraction(column) -%}
    {{ export_number(column, 'fraction') }}
{%- endmacro %}

{#- A UTC timestamp from any declared style: styles with an offset are converted to UTC,
    date-only styles become midnight of that day. -#}
{% macro to_utc_timestamp(column) -%}
    coalesce(
        {{ utc_wall_clock(
            try_parse_timestamp(null_if_token(column), var('timestamp_styles_with_zone'))
        ) }},
        {{ try_parse_timestamp(null_if_token(column), var('timestamp_styles_local')) }}
    )
{%- endmacro %}

{#- Numerator over denominator; null (never an error, never 0) when the denominator is zero or
    missing. -#}
{% macro safe_ratio(numerator, denominator) -%}
    cast({{ numerator }} as double) / nullif({{ denominator }}, 0)
{%- endmacro %}

{#- A timestamp Meta wrote in the Page's local time (no zone in the export), as UTC. -#}
{% macro local_export_time_to_utc(column) -%}
    {{ utc_of_wall_clock_in(to_utc_timestamp(column), var('local_timezone')) }}
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
    coalesce({{ is_one_of('trim(' ~ column ~ ')', var('total_row_labels')) }}, false)
{%- endmacro %}

{#- A UTC timestamp as wall-clock time in the team's time zone. -#}
{% macro to_local_time(utc_timestamp) -%}
    {{ wall_clock_in(utc_timestamp, var('local_timezone')) }}
{%- endmacro %}
