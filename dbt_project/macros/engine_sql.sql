{#- SQL that differs between engines, in one place. Models and the shared macros call these
    macros and never write the engine's own syntax, so a second engine (Spark SQL) means a
    `spark__` implementation of each macro here and no edit elsewhere. Each macro dispatches on
    the adapter; the `duckdb__` implementations write exactly the SQL the models and shared
    macros wrote before. There is no `default__` (one exception, engagement_percentiles, whose
    `default__` is portable SQL): an engine without its implementation fails the build naming
    the macro, rather than running DuckDB syntax it may misread.
    tests/test_sql_is_engine_neutral.py keeps models and the other macro files free of the
    constructs these macros stand for. Regular expressions are RE2 syntax, as DuckDB reads them.

    Kept in models because both DuckDB and Spark SQL (3.x) read them the same way: cast(),
    case, coalesce, nullif, greatest/least, date_trunc, year/month/day/hour, `interval 1 year`,
    aggregate `filter (where ...)`, contains(text, part), `trim(both '_' from text)` (standard
    SQL; Spark versions disagree on the argument order of the two-argument trim), window
    functions, union all. -#}

{#- Keeps the first row of each partition in the given order: a trailing clause of a select. -#}
{% macro keep_first(partition_by, order_by) -%}
    {{ return(adapter.dispatch('keep_first', 'socialkpi')(partition_by, order_by)) }}
{%- endmacro %}

{% macro duckdb__keep_first(partition_by, order_by) -%}
    qualify row_number() over (
        partition by {{ partition_by }} order by {{ order_by }}
    ) = 1
{%- endmacro %}

{#- True when the text matches the regular expression anywhere (RE2 syntax). -#}
{% macro matches_regex(text, pattern) -%}
    {{ return(adapter.dispatch('matches_regex', 'socialkpi')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__matches_regex(text, pattern) -%}
    regexp_matches({{ text }}, {{ pattern }})
{%- endmacro %}

{#- The first part of the text the regular expression matches (the whole match), or ''. -#}
{% macro first_match(text, pattern) -%}
    {{ return(adapter.dispatch('first_match', 'socialkpi')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__first_match(text, pattern) -%}
    regexp_extract({{ text }}, {{ pattern }})
{%- endmacro %}

{#- SQL LIKE ignoring case. -#}
{% macro like_ignoring_case(text, pattern) -%}
    {{ return(adapter.dispatch('like_ignoring_case', 'socialkpi')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__like_ignoring_case(text, pattern) -%}
    {{ text }} ilike {{ pattern }}
{%- endmacro %}

{#- True when the list holds the value. -#}
{% macro has_element(list, value) -%}
    {{ return(adapter.dispatch('has_element', 'socialkpi')(list, value)) }}
{%- endmacro %}

{% macro duckdb__has_element(list, value) -%}
    list_contains({{ list }}, {{ value }})
{%- endmacro %}

{#- In a select list: one output row per element of the list (no row for an empty list). -#}
{% macro each_element_of(list) -%}
    {{ return(adapter.dispatch('each_element_of', 'socialkpi')(list)) }}
{%- endmacro %}

{% macro duckdb__each_element_of(list) -%}
    unnest({{ list }})
{%- endmacro %}

{#- A from-item with one row per day from first_day to last_day, both included, in column
    `column` of relation `alias`; it may refer to the tables listed before it. -#}
{% macro days_between_as_rows(first_day, last_day, alias, column) -%}
    {{ return(adapter.dispatch('days_between_as_rows', 'socialkpi')(first_day, last_day, alias, column)) }}
{%- endmacro %}

{% macro duckdb__days_between_as_rows(first_day, last_day, alias, column) -%}
    generate_series({{ first_day }}, {{ last_day }}, interval 1 day) as {{ alias }} ({{ column }})
{%- endmacro %}

{#- The number of days from `first_day` to `last_day` (0 for the same day). -#}
{% macro days_between(first_day, last_day) -%}
    {{ return(adapter.dispatch('days_between', 'socialkpi')(first_day, last_day)) }}
{%- endmacro %}

{% macro duckdb__days_between(first_day, last_day) -%}
    date_diff('day', {{ first_day }}, {{ last_day }})
{%- endmacro %}

{#- Aggregate: the value of `value` on the row where `order_by` is largest, among the rows where
    `value` is not null. -#}
{% macro value_of_max(value, order_by) -%}
    {{ return(adapter.dispatch('value_of_max', 'socialkpi')(value, order_by)) }}
{%- endmacro %}

{% macro duckdb__value_of_max(value, order_by) -%}
    arg_max({{ value }}, {{ order_by }}) filter (where {{ value }} is not null)
{%- endmacro %}

{#- Text to a timestamp with a strftime-style format; an error when the text does not fit. -#}
{% macro parse_timestamp(text, format) -%}
    {{ return(adapter.dispatch('parse_timestamp', 'socialkpi')(text, format)) }}
{%- endmacro %}

{% macro duckdb__parse_timestamp(text, format) -%}
    strptime({{ text }}, {{ format }})
{%- endmacro %}

{#- A time zone aware timestamp as the UTC wall-clock time, without zone. -#}
{% macro utc_wall_clock(timestamp_with_zone) -%}
    {{ return(adapter.dispatch('utc_wall_clock', 'socialkpi')(timestamp_with_zone)) }}
{%- endmacro %}

{% macro duckdb__utc_wall_clock(timestamp_with_zone) -%}
    cast({{ timestamp_with_zone }} at time zone 'UTC' as timestamp)
{%- endmacro %}

{#- A time zone aware timestamp before every other: what "nothing built yet" compares with. -#}
{% macro earliest_timestamp() -%}
    {{ return(adapter.dispatch('earliest_timestamp', 'socialkpi')()) }}
{%- endmacro %}

{% macro duckdb__earliest_timestamp() -%}
    '-infinity'::timestamptz
{%- endmacro %}

{#- ISO day of the week: 1 for Monday to 7 for Sunday. -#}
{% macro iso_weekday(timestamp) -%}
    {{ return(adapter.dispatch('iso_weekday', 'socialkpi')(timestamp)) }}
{%- endmacro %}

{% macro duckdb__iso_weekday(timestamp) -%}
    isodow({{ timestamp }})
{%- endmacro %}

{#- The rows of every relation (CTE names, or subqueries in parentheses), columns matched by
    name: a column some relation lacks is NULL in its rows. -#}
{% macro union_all_by_name(relations) -%}
    {{ return(adapter.dispatch('union_all_by_name', 'socialkpi')(relations)) }}
{%- endmacro %}

{% macro duckdb__union_all_by_name(relations) -%}
    {%- for relation in relations %}
    select * from {{ relation }}
    {%- if not loop.last %}
    union all by name
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- A UTC timestamp as the wall-clock time of the named time zone, without zone. -#}
{% macro wall_clock_in(utc_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('wall_clock_in', 'socialkpi')(utc_timestamp, time_zone)) }}
{%- endmacro %}

{% macro duckdb__wall_clock_in(utc_timestamp, time_zone) -%}
    ({{ utc_timestamp }} at time zone 'UTC') at time zone '{{ time_zone }}'
{%- endmacro %}

{#- One value of the columns that compares column by column, in the order given: the greater
    value is greater in the first column that differs. -#}
{% macro record_ordered_by(columns) -%}
    {{ return(adapter.dispatch('record_ordered_by', 'socialkpi')(columns)) }}
{%- endmacro %}

{% macro duckdb__record_ordered_by(columns) -%}
    {
        {%- for column in columns %}
        '{{ column }}': {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    }
{%- endmacro %}

{#- Every match of the regular expression in the text replaced by `replacement`. -#}
{% macro replace_regex(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('replace_regex', 'socialkpi')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__replace_regex(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{#- Capture group number `group` of the first match of the regular expression, or ''. -#}
{% macro first_match_group(text, pattern, group) -%}
    {{ return(adapter.dispatch('first_match_group', 'socialkpi')(text, pattern, group)) }}
{%- endmacro %}

{% macro duckdb__first_match_group(text, pattern, group) -%}
    regexp_extract({{ text }}, {{ pattern }}, {{ group }})
{%- endmacro %}

{#- A list: capture group number `group` of every match of the regular expression, in order. -#}
{% macro all_match_groups(text, pattern, group) -%}
    {{ return(adapter.dispatch('all_match_groups', 'socialkpi')(text, pattern, group)) }}
{%- endmacro %}

{% macro duckdb__all_match_groups(text, pattern, group) -%}
    regexp_extract_all({{ text }}, {{ pattern }}, {{ group }})
{%- endmacro %}

{#- The text without accents: every combining mark dropped (`é` -> `e`). -#}
{% macro without_accents(text) -%}
    {{ return(adapter.dispatch('without_accents', 'socialkpi')(text)) }}
{%- endmacro %}

{% macro duckdb__without_accents(text) -%}
    strip_accents({{ text }})
{%- endmacro %}

{#- Text to a timestamp with the first of `formats` (a list of strftime-style formats) that
    fits, or NULL when none does. Formats with an offset (%z) give a time zone aware timestamp. -#}
{% macro try_parse_timestamp(text, formats) -%}
    {{ return(adapter.dispatch('try_parse_timestamp', 'socialkpi')(text, formats)) }}
{%- endmacro %}

{% macro duckdb__try_parse_timestamp(text, formats) -%}
    try_strptime({{ text }}, [
        {%- for format in formats -%}
            '{{ format }}'{{ ", " if not loop.last }}
        {%- endfor -%}
    ])
{%- endmacro %}

{#- A wall-clock time of the named time zone (a timestamp without zone) as the UTC wall-clock
    time, without zone: the inverse of wall_clock_in. -#}
{% macro utc_of_wall_clock_in(local_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('utc_of_wall_clock_in', 'socialkpi')(local_timestamp, time_zone)) }}
{%- endmacro %}

{% macro duckdb__utc_of_wall_clock_in(local_timestamp, time_zone) -%}
    ({{ local_timestamp }} at time zone '{{ time_zone }}') at time zone 'UTC'
{%- endmacro %}

{#- True when the value equals one of `texts` (a list of strings, written as text literals);
    NULL when the value is NULL. -#}
{% macro is_one_of(value, texts) -%}
    {{ return(adapter.dispatch('is_one_of', 'socialkpi')(value, texts)) }}
{%- endmacro %}

{#- list_contains, not IN: DuckDB's IN-clause optimizer costs seconds per model when a model
    repeats this test a few hundred times (measured: 4.2 s -> 0.1 s on stg_instagram). -#}
{% macro duckdb__is_one_of(value, texts) -%}
    list_contains([
        {%- for text in texts -%}
            '{{ text }}'{{ ", " if not loop.last }}
        {%- endfor -%}
    ], {{ value }})
{%- endmacro %}

{#- A from-item with one row for `value` and one for each part of `text` between `separator`s
    (a text literal), in column `column` of relation `alias`; it may refer to the tables listed
    before it. -#}
{% macro value_and_parts_as_rows(value, text, separator, alias, column) -%}
    {{ return(adapter.dispatch('value_and_parts_as_rows', 'socialkpi')(
        value, text, separator, alias, column
    )) }}
{%- endmacro %}

{% macro duckdb__value_and_parts_as_rows(value, text, separator, alias, column) -%}
    unnest(
        list_concat([{{ value }}], string_split({{ text }}, {{ separator }}))
    ) as {{ alias }} ({{ column }})
{%- endmacro %}

{#- A JSON array of strings, as dlt writes it, as a list of text (empty, never NULL). -#}
{% macro json_text_list(column) -%}
    {{ return(adapter.dispatch('json_text_list', 'socialkpi')(column)) }}
{%- endmacro %}

{% macro duckdb__json_text_list(column) -%}
    coalesce(cast(from_json({{ column }}, '["varchar"]') as varchar []), [])
{%- endmacro %}

{#- The character of a Unicode code point (any, not only the first 256). -#}
{% macro character_of(code_point) -%}
    {{ return(adapter.dispatch('character_of', 'socialkpi')(code_point)) }}
{%- endmacro %}

{% macro duckdb__character_of(code_point) -%}
    chr({{ code_point }})
{%- endmacro %}

{#- The English name of the day of the week of a date: Monday ... Sunday. -#}
{% macro weekday_name(date) -%}
    {{ return(adapter.dispatch('weekday_name', 'socialkpi')(date)) }}
{%- endmacro %}

{% macro duckdb__weekday_name(date) -%}
    dayname({{ date }})
{%- endmacro %}

{#- A list of texts with no element (what a post without comments has as its top terms). -#}
{% macro empty_text_list() -%}
    {{ return(adapter.dispatch('empty_text_list', 'socialkpi')()) }}
{%- endmacro %}

{% macro duckdb__empty_text_list() -%}
    cast([] as varchar [])
{%- endmacro %}

{#- Aggregate: the values as a list, in the given order. -#}
{% macro ordered_list(value, order_by) -%}
    {{ return(adapter.dispatch('ordered_list', 'socialkpi')(value, order_by)) }}
{%- endmacro %}

{% macro duckdb__ordered_list(value, order_by) -%}
    list({{ value }} order by {{ order_by }})
{%- endmacro %}

{#- Aggregate: the values joined into one text with `separator` (an SQL expression) between
    them; in the given order (none: any order); each distinct value once when `distinct`. -#}
{% macro joined_text(value, separator, order_by=none, distinct=false) -%}
    {{ return(adapter.dispatch('joined_text', 'socialkpi')(value, separator, order_by, distinct)) }}
{%- endmacro %}

{% macro duckdb__joined_text(value, separator, order_by, distinct) -%}
    string_agg(
        {{- 'distinct ' if distinct }}{{ value }}, {{ separator }}
        {{- ' order by ' ~ order_by if order_by -}}
    )
{%- endmacro %}

{#- The whole row of the relation named `alias` as a JSON object of its columns, by name. -#}
{% macro row_as_json(alias) -%}
    {{ return(adapter.dispatch('row_as_json', 'socialkpi')(alias)) }}
{%- endmacro %}

{% macro duckdb__row_as_json(alias) -%}
    to_json({{ alias }})
{%- endmacro %}

{#- One value holding the values (SQL expressions): two are equal when every value is equal,
    NULLs included, as distinct counts compare rows. -#}
{% macro record_of(values) -%}
    {{ return(adapter.dispatch('record_of', 'socialkpi')(values)) }}
{%- endmacro %}

{% macro duckdb__record_of(values) -%}
    row({{ values | join(', ') }})
{%- endmacro %}

{#- In a select list: every column (of relation `relation` when given) except `columns`. -#}
{% macro all_columns_except(columns, relation=none) -%}
    {{ return(adapter.dispatch('all_columns_except', 'socialkpi')(columns, relation)) }}
{%- endmacro %}

{% macro duckdb__all_columns_except(columns, relation) -%}
    {{ relation ~ '.' if relation }}* exclude ({{ columns | join(', ') }})
{%- endmacro %}

{#- In a select list: every column, `column` replaced in its place by the value of
    `expression`. -#}
{% macro all_columns_replacing(column, expression) -%}
    {{ return(adapter.dispatch('all_columns_replacing', 'socialkpi')(column, expression)) }}
{%- endmacro %}

{% macro duckdb__all_columns_replacing(column, expression) -%}
    * replace ({{ expression }} as {{ column }})
{%- endmacro %}

{#- engagement_percentile (docs/design.md §5), one row per post of `posts` (a relation or CTE name
    with channel, account, post_id, posted_at, engagement_rate): posts_in_previous_90_days, the
    same account's posts on the same channel with a rate published in the 90 days before this
    post (from posted_at - 90 days, included, to posted_at, excluded: a post of the same instant
    is not earlier), and engagement_percentile, the share of them with a lower engagement_rate
    (a tie is not lower); NULL when fewer than 10 such posts, or when the post has no rate.
    "Better than 90% of your other posts" is 0.90. A post without posted_at has no earlier posts
    and is no other post's earlier post.

    The one engine macro with a `default__`: the self-join below is the definition in portable
    SQL, but it joins each post to every post of its 90 days (one X account with a million
    posts did not finish in 26 minutes), so an engine with a framed rank answers it in
    O(n log n) with its own implementation. tests/test_engagement_percentile.py holds the two to
    the same numbers. -#}
{% macro engagement_percentiles(posts) -%}
    {{ return(adapter.dispatch('engagement_percentiles', 'socialkpi')(posts)) }}
{%- endmacro %}

{% macro default__engagement_percentiles(posts) -%}
    select
        post.channel,
        post.account,
        post.post_id,
        count(earlier.post_id) as posts_in_previous_90_days,
        case
            when post.engagement_rate is not null and count(earlier.post_id) >= 10
                then
                    count(earlier.post_id) filter (
                        where earlier.engagement_rate < post.engagement_rate
                    ) / count(earlier.post_id)
        end as engagement_percentile
    from {{ posts }} as post
    left join {{ posts }} as earlier
        on
            post.channel = earlier.channel
            and post.account = earlier.account
            and earlier.posted_at < post.posted_at
            and earlier.posted_at >= post.posted_at - interval 90 day
            and earlier.engagement_rate is not null
    group by post.channel, post.account, post.post_id, post.engagement_rate
{%- endmacro %}

{#- One sorted pass per account: the frame `previous_90_days` holds the posts from posted_at - 90
    days (RANGE ... PRECEDING includes the bound) to the post's own instant, its same-instant
    posts included. rank(order by rate) over the frame is 1 + the posts of the frame with a lower
    rate (nulls sort last, so a post without a rate is never lower); taking away the same
    rank among the post's same-instant posts leaves the strictly earlier ones, and the same for
    the count of rates. (`exclude group` would say it directly, but DuckDB refuses it for rank.)
    Framed rank with an ordering argument is DuckDB's (merge sort tree, O(n log n)). -#}
{% macro duckdb__engagement_percentiles(posts) -%}
    select
        channel,
        account,
        post_id,
        posts_in_previous_90_days,
        case
            when engagement_rate is not null and posts_in_previous_90_days >= 10
                then lower_in_previous_90_days / posts_in_previous_90_days
        end as engagement_percentile
    from (
        select
            channel,
            account,
            post_id,
            engagement_rate,
            count(engagement_rate) over previous_90_days
            - count(engagement_rate) over same_instant as posts_in_previous_90_days,
            rank(order by engagement_rate asc nulls last) over previous_90_days
            - rank() over (same_instant order by engagement_rate asc nulls last)
                as lower_in_previous_90_days
        from {{ posts }}
        window
            previous_90_days as (
                partition by channel, account
                order by posted_at
                range between interval 90 day preceding and current row
            ),
            same_instant as (partition by channel, account, posted_at)
    ) as ranked
{%- endmacro %}

{#- The instant an ISO 8601 text with its UTC offset names (`2026-12-01T20:30:00.1+00:00`), as a
    timestamp with time zone (what Python's datetime.isoformat() writes). -#}
{% macro instant_of_iso_text(text) -%}
    {{ return(adapter.dispatch('instant_of_iso_text', 'socialkpi')(text)) }}
{%- endmacro %}

{% macro duckdb__instant_of_iso_text(text) -%}
    cast({{ text }} as timestamptz)
{%- endmacro %}

{#- ---------------------------------------------------------------------------------------------
    Spark SQL (4.x): the same macros on Spark. The profile sets the session time zone to UTC
    (profiles.yml), so Spark's TIMESTAMP, an instant shown in the session's zone, holds both
    what DuckDB keeps as `timestamptz` and what it keeps as a UTC wall-clock `timestamp`.
    Regular expressions are Java's, which reads the RE2 patterns the models write the same way
    (classes, `\x{...}`, `(?i)`); a replacement is text without group references. Where Spark
    reads the DuckDB SQL unchanged, the spark__ macro calls the duckdb__ one and says so. -#}

{% macro spark__keep_first(partition_by, order_by) -%}
    {{ socialkpi.duckdb__keep_first(partition_by, order_by) }}  {#- QUALIFY: both -#}
{%- endmacro %}

{#- A pattern's SQL with each backslash doubled: Spark reads `\` in a text literal as an escape
    (and drops it before an unknown letter, so '\x{200B}' would reach the regex as 'x{200B}');
    DuckDB keeps it, and the models write patterns as the regex engine reads them. -#}
{% macro spark_regex(pattern) -%}
    {{ pattern | replace('\\', '\\\\') }}
{%- endmacro %}

{% macro spark__matches_regex(text, pattern) -%}
    regexp_like({{ text }}, {{ spark_regex(pattern) }})
{%- endmacro %}

{% macro spark__first_match(text, pattern) -%}
    regexp_extract({{ text }}, {{ spark_regex(pattern) }}, 0)
{%- endmacro %}

{% macro spark__like_ignoring_case(text, pattern) -%}
    {{ socialkpi.duckdb__like_ignoring_case(text, pattern) }}  {#- ILIKE: both -#}
{%- endmacro %}

{% macro spark__has_element(list, value) -%}
    array_contains({{ list }}, {{ value }})
{%- endmacro %}

{% macro spark__each_element_of(list) -%}
    explode({{ list }})
{%- endmacro %}

{% macro spark__days_between_as_rows(first_day, last_day, alias, column) -%}
    lateral explode(
        sequence({{ first_day }}, {{ last_day }}, interval 1 day)
    ) as {{ alias }} ({{ column }})
{%- endmacro %}

{% macro spark__days_between(first_day, last_day) -%}
    datediff({{ last_day }}, {{ first_day }})
{%- endmacro %}

{% macro spark__value_of_max(value, order_by) -%}
    max_by({{ value }}, {{ order_by }}) filter (where {{ value }} is not null)
{%- endmacro %}

{#- A strftime-style format (the declarations' and the vars') as a Spark datetime pattern.
    One-letter fields read one or two digits, as strftime's do; `%a` (a weekday name) has no
    Spark parsing pattern, so spark_parse_text drops it from the text before parsing. -#}
{% macro spark_datetime_pattern(format) -%}
    {%- set fields = {
        '%Y': 'yyyy', '%m': 'M', '%d': 'd', '%H': 'H', '%I': 'h', '%M': 'm', '%S': 's',
        '%p': 'a', '%b': 'MMM', '%B': 'MMMM', '%y': 'yy', '%z': 'Z', '%a': ''
    } -%}
    {%- set parts = [] -%}
    {%- set rest = namespace(text=format | replace('%a, ', '%a') | replace('%a ', '%a')) -%}
    {%- for piece in rest.text.split('%') -%}
        {%- if loop.first -%}
            {%- do parts.append(piece) -%}
        {%- else -%}
            {%- set field = '%' ~ piece[:1] -%}
            {%- if field not in fields -%}
                {{ exceptions.raise_compiler_error('no Spark pattern for ' ~ field ~ ' in ' ~ format) }}
            {%- endif -%}
            {%- do parts.append(fields[field]) -%}
            {%- set literal = piece[1:] -%}
            {%- do parts.append("''" ~ literal ~ "''" if literal | select('in', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ') | list else literal) -%}
        {%- endif -%}
    {%- endfor -%}
    '{{ parts | join('') }}'
{%- endmacro %}

{% macro spark_parse_text(text, format) -%}
    {%- if format.startswith('%a') -%}
        regexp_replace({{ text }}, '^[A-Za-z]+,? ', '')
    {%- else -%}
        {{ text }}
    {%- endif -%}
{%- endmacro %}

{#- `format` is an SQL text literal here, a list of formats in try_parse_timestamp. -#}
{% macro spark__parse_timestamp(text, format) -%}
    {%- set format = format | trim -%}
    {%- if not (format.startswith("'") and format.endswith("'")) -%}
        {{ exceptions.raise_compiler_error('parse_timestamp on Spark takes a format literal: ' ~ format) }}
    {%- endif -%}
    to_timestamp(
        {{ spark_parse_text(text, format[1:-1]) }}, {{ spark_datetime_pattern(format[1:-1]) }}
    )
{%- endmacro %}

{% macro spark__utc_wall_clock(timestamp_with_zone) -%}
    {{ timestamp_with_zone }}
{%- endmacro %}

{% macro spark__earliest_timestamp() -%}
    timestamp '0001-01-01 00:00:00'
{%- endmacro %}

{% macro spark__iso_weekday(timestamp) -%}
    (weekday({{ timestamp }}) + 1)
{%- endmacro %}

{#- Spark SQL has no UNION BY NAME: the relations must have the same columns in the same order,
    as the models' typed branches and the lake's raw tables (created with their declared
    columns, pipelines/lake.py) do. -#}
{% macro spark__union_all_by_name(relations) -%}
    {%- for relation in relations %}
    select * from {{ relation }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{% macro spark__wall_clock_in(utc_timestamp, time_zone) -%}
    from_utc_timestamp({{ utc_timestamp }}, '{{ time_zone }}')
{%- endmacro %}

{% macro spark__record_ordered_by(columns) -%}
    named_struct(
        {%- for column in columns %}
        '{{ column }}', {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{% macro spark__replace_regex(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ spark_regex(pattern) }}, {{ replacement }})
{%- endmacro %}

{% macro spark__first_match_group(text, pattern, group) -%}
    regexp_extract({{ text }}, {{ spark_regex(pattern) }}, {{ group }})
{%- endmacro %}

{% macro spark__all_match_groups(text, pattern, group) -%}
    regexp_extract_all({{ text }}, {{ spark_regex(pattern) }}, {{ group }})
{%- endmacro %}

{#- Spark has no Unicode normalisation: every precomposed character is translated to its base
    (the generated accented_characters()), and combining marks written apart are dropped. -#}
{% macro spark__without_accents(text) -%}
    regexp_replace(
        translate({{ text }}, {{ accented_characters() }}, {{ unaccented_characters() }}),
        '\\p{M}',
        ''
    )
{%- endmacro %}

{% macro spark__try_parse_timestamp(text, formats) -%}
    coalesce(
        {%- for format in formats %}
        try_to_timestamp({{ spark_parse_text(text, format) }}, {{ spark_datetime_pattern(format) }})
        {{- "," if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}

{% macro spark__utc_of_wall_clock_in(local_timestamp, time_zone) -%}
    to_utc_timestamp({{ local_timestamp }}, '{{ time_zone }}')
{%- endmacro %}

{% macro spark__is_one_of(value, texts) -%}
    {{ value }} in (
        {%- for text in texts -%}
            '{{ text }}'{{ ", " if not loop.last }}
        {%- endfor -%}
    )
{%- endmacro %}

{#- split() reads its separator as a regular expression: \Q...\E makes it the text itself. -#}
{% macro spark__value_and_parts_as_rows(value, text, separator, alias, column) -%}
    lateral explode(
        concat(array({{ value }}), split({{ text }}, concat('\\Q', {{ separator }}, '\\E')))
    ) as {{ alias }} ({{ column }})
{%- endmacro %}

{#- Spark's chr() wraps at 256: the code point as UTF-32 bytes, decoded. -#}
{% macro spark__character_of(code_point) -%}
    decode(unhex(lpad(hex({{ code_point }}), 8, '0')), 'UTF-32')
{%- endmacro %}

{#- Spark's dayname() abbreviates (Mon); the pattern EEEE spells it out. -#}
{% macro spark__weekday_name(date) -%}
    date_format({{ date }}, 'EEEE')
{%- endmacro %}

{% macro spark__empty_text_list() -%}
    cast(array() as array<string>)
{%- endmacro %}

{% macro spark__json_text_list(column) -%}
    coalesce(from_json({{ column }}, 'array<string>'), cast(array() as array<string>))
{%- endmacro %}

{#- `order_by` is one expression, ascending: the list is sorted on it, nulls first. -#}
{% macro spark__ordered_list(value, order_by) -%}
    {%- if ',' in order_by or ' ' in order_by | trim -%}
        {{ exceptions.raise_compiler_error('ordered_list on Spark orders by one expression: ' ~ order_by) }}
    {%- endif -%}
    transform(
        array_sort(collect_list(named_struct('key', {{ order_by }}, 'value', {{ value }}))),
        element -> element.value
    )
{%- endmacro %}

{% macro spark__joined_text(value, separator, order_by, distinct) -%}
    string_agg(
        {{- 'distinct ' if distinct }}{{ value }}, {{ separator }})
        {{- ' within group (order by ' ~ order_by ~ ')' if order_by -}}
{%- endmacro %}

{% macro spark__row_as_json(alias) -%}
    to_json(struct({{ alias }}.*), map('ignoreNullFields', 'false'))
{%- endmacro %}

{% macro spark__record_of(values) -%}
    struct({{ values | join(', ') }})
{%- endmacro %}

{% macro spark__all_columns_except(columns, relation) -%}
    {{ relation ~ '.' if relation }}* except ({{ columns | join(', ') }})
{%- endmacro %}

{#- Spark has no `* replace`: the replaced column comes last. -#}
{% macro spark__all_columns_replacing(column, expression) -%}
    * except ({{ column }}), {{ expression }} as {{ column }}
{%- endmacro %}

{% macro spark__instant_of_iso_text(text) -%}
    cast({{ text }} as timestamp)
{%- endmacro %}
