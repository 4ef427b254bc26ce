-- A YouTube table's Total row is never less than the sum of the rows it lists (views, watch
-- time, impressions), per export file. It is not equal in real exports: the real sample's Total
-- says 181,588 views for 442 videos summing to 153,235 (Studio counts views of content the table
-- does not list). Returns the files whose rows add up to more than their Total.
with

video_rows as (
    select * from {{ ref('stg_youtube__video_rows') }}
),

totals as (
    select
        source_file,
        views,
        watch_time_hours,
        impressions
    from video_rows
    where is_total_row
),

sums as (
    select
        source_file,
        sum(views) as views,
        sum(watch_time_hours) as watch_time_hours,
        sum(impressions) as impressions
    from video_rows
    where not is_total_row
    group by source_file
)

select totals.*
from totals
inner join sums on totals.source_file = sums.source_file
where
    sums.views > totals.views
    or sums.watch_time_hours > totals.watch_time_hours + 0.01
    or sums.impressions > totals.impressions
