-- One row per LinkedIn Page, download, demographic sheet and value of the visitors' and the
-- followers' demographic sheets (docs/formats.md §4.6): the count the sheet states.
with

source as (
    {{ one_copy_per_file_row(source('raw_linkedin', 'audience')) }}
),

typed as (
    select
        'linkedin' as channel,
        {{ account_of('_account') }} as account,
        _snapshot_date as snapshot_date,
        _format as export_format,
        cast(null as string) as dimension,
        trim(dimension_value) as written_value,
        cast(
            coalesce({{ to_count('total_followers') }}, {{ to_count('total_views') }}) as double
        ) as amount,
        cast(null as double) as stated_share,
        false as is_total_row,
        _source_file as source_file,
        _downloaded_at as downloaded_at,
        _ingested_at as ingested_at
    from source
)

select * from typed
