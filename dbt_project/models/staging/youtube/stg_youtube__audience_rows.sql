-- One row per YouTube channel, download, audience table and value of Studio's audience tables
-- (docs/formats.md §5.5): the views the table states, or, where it gives only `Views (%)` (viewer
-- age and gender), that share as a fraction. A city is its name. The Total row is kept, flagged:
-- Studio lists at most 500 values, and the total is what the listed ones are a share of.
with

source as (
    {{ one_copy_per_file_row(source('raw_youtube', 'audience_breakdown')) }}
),

typed as (
    select
        'youtube' as channel,
        {{ account_of('_account') }} as account,
        _snapshot_date as snapshot_date,
        _format as export_format,
        cast(null as string) as dimension,
        coalesce({{ null_if_token('city_name') }}, trim(dimension_value)) as written_value,
        cast({{ to_count('views') }} as double) as amount,
        {{ percent_to_fraction('views_percent') }} as stated_share,
        -- The German UI writes its total label with soft hyphens (U+00AD): "Ge-samt".
        {{ is_total_row("replace(dimension_value, chr(173), '')") }} as is_total_row,
        _source_file as source_file,
        _downloaded_at as downloaded_at,
        _ingested_at as ingested_at
    from source
)

select * from typed
