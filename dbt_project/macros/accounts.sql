{#- Accounts: one name per account, whatever spelling the files give (docs/design.md §3).

    The loader records a file's account as its folder names it (pipelines/provenance.py), or as
    the export names it when no folder does; raw keeps that. Staging maps every such name
    through seeds/accounts.csv (an account's own name and its `|`-separated aliases), so editing
    the seed re-maps every loaded file at the next build, with no reload. -#}

{#- The normalisation pipelines.provenance.normalize_account applies in Python, in SQL: lower
    case, accents dropped (without_accents(): every combining mark), runs of spaces, `_` and `-`
    as one `_`, none at either end. `PC Merchandise`, `pc-merchandise` -> `pc_merchandise`.
    tests/test_accounts_and_channels.py checks that the two agree. -#}
{% macro normalize_account(expression) -%}
    {%- set separators %}'[ \t\r\n\x{00a0}\x{202f}_-]+'{% endset -%}
    trim(
        both '_' from {{ replace_regex(
            'lower(' ~ without_accents(expression) ~ ')', separators, "'_'"
        ) }}
    )
{%- endmacro %}

{#- Every name of every account in seeds/accounts.csv: (name, account), both normalised. -#}
{% macro account_names() -%}
    select distinct
        {{ normalize_account('listed.account') }} as account,
        {{ normalize_account('names.name') }} as name
    from {{ ref('accounts') }} as listed,
        {{ value_and_parts_as_rows(
            'listed.account', "coalesce(listed.aliases, '')", "'|'", 'names', 'name'
        ) }}
    where {{ normalize_account('names.name') }} <> ''
{%- endmacro %}

{#- The account a name read from an export belongs to: the account seeds/accounts.csv lists it
    under (as its name or an alias), else the name itself, normalised. One correlated subquery,
    so that DuckDB normalises and looks up each distinct name once, not each row (3M rows of
    2,000 names: 3 s, where normalising every row took 16 s). -#}
{% macro account_of(expression) -%}
    (
        select coalesce(min(account_names.account), min(loaded.name))
        from (select {{ normalize_account(expression) }} as name) as loaded
        left join ({{ account_names() }}) as account_names
            on loaded.name = account_names.name
    )
{%- endmacro %}

{#- The Meta channel a folder on a file's path names (`facebook/cern/Views.csv` -> facebook): the
    nearest such folder above the file, or NULL. The words are the Facebook and Instagram ones of
    pipelines.provenance.PLATFORM_FOLDERS (kept in step by tests/test_accounts_and_channels.py). -#}
{% macro path_meta_channel(path) -%}
    {%- set folders = {
        'facebook': ['facebook', 'fb'],
        'instagram': ['instagram', 'ig', 'insta'],
    } -%}
    {%- set words = [] -%}
    {%- for names in folders.values() -%}
        {%- do words.extend(names) -%}
    {%- endfor -%}
    {%- set pattern %}'^(?:.*/)?({{ words | join("|") }})/(?:[^/]*/)*[^/]*$'{% endset -%}
    {%- set folder = first_match_group('lower(' ~ path ~ ')', pattern, 1) %}
    case
        {%- for channel, names in folders.items() %}
        when {{ folder }} in ('{{ names | join("', '") }}') then '{{ channel }}'
        {%- endfor %}
    end
{%- endmacro %}

{#- Seed test: a name (an account or an alias, normalised) belongs to one account only, or which
    account its files are would depend on the order of the rows. -#}
{% test one_account_per_name(model) %}
    with

    names as (
        select
            {{ normalize_account('listed.account') }} as account,
            {{ normalize_account('names.name') }} as name
        from {{ model }} as listed,
            {{ value_and_parts_as_rows(
                'listed.account', "coalesce(listed.aliases, '')", "'|'", 'names', 'name'
            ) }}
    )

    select
        name,
        {{ joined_text('account', "', '", distinct=true) }} as accounts,
        'give the name to one account only in seeds/accounts.csv' as advice
    from names
    where name <> ''
    group by name
    having count(distinct account) > 1
{% endtest %}

{#- stg_meta__daily_series: every Meta daily series row has a channel. A bare title (`Reach`)
    names no platform; when neither accounts.csv, nor a facebook/ or instagram/ folder above the
    file, nor the account's other exports say which one the account is, the rows cannot go to
    a mart. One row per file (source_file), with what a person can do about it. -#}
{% test meta_series_channel_is_known(model) %}
    select
        source_file,
        account,
        series_title,
        count(*) as days,
        'the series "' || series_title || '" does not say whether ' || account
        || ' is a Facebook Page or an Instagram account: add the account''s channel to'
        || ' seeds/accounts.csv (a row facebook,' || account || ' or instagram,' || account
        || '), or put the file in exports/facebook/' || account || '/ or exports/instagram/'
        || account || '/' as advice
    from {{ model }}
    where channel is null and metric is not null
    group by source_file, account, series_title
{% endtest %}
