-- In marts.audience, the shares of each dimension and measure in a snapshot add up to 1: counts
-- and stated shares (percents or fractions) end on one scale, and what a top list leaves out is
-- its `(other)` value. Returns the groups that do not add up.
with

audience as (
    select * from {{ ref('audience') }}
)

select
    channel,
    account,
    snapshot_date,
    dimension,
    measure,
    sum(share) as shares
from audience
group by channel, account, snapshot_date, dimension, measure
having abs(sum(share) - 1.0) > 0.000001
