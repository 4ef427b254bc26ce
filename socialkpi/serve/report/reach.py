"""What the "Who we reach" section reads from the published marts (issue 19): each account's top
countries and audience segments in its latest snapshot, and its follower count month by month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

TOP_COUNTRIES = 5
# Per account, the newest snapshot of its country shares, of the measure that says most about
# people (followers before viewers or views); its top countries, `(other)` left out.
COUNTRIES = """
with latest as (
    select channel, account, measure, snapshot_date
    from marts.audience
    where dimension = 'country'
    qualify row_number() over (
        partition by channel, account
        order by snapshot_date desc, measure = 'followers' desc, measure
    ) = 1
)
select a.channel, a.account, a.measure, a.snapshot_date, a.value, a.share, a.amount
from marts.audience as a
join latest using (channel, account, measure, snapshot_date)
where a.dimension = 'country' and a.value <> '(other)'
qualify row_number() over (partition by a.channel, a.account order by a.share desc, a.value) <= ?
order by a.channel, a.account, a.share desc, a.value
"""
# Per account and dimension, the newest snapshot's segment shares, of one measure (followers
# before page views or views, as for the countries).
SEGMENTS = """
with latest as (
    select channel, account, dimension, measure, snapshot_date
    from marts.audience_segments
    qualify row_number() over (
        partition by channel, account, dimension
        order by measure = 'followers' desc, snapshot_date desc, measure
    ) = 1
)
select s.channel, s.account, s.dimension, s.measure, s.snapshot_date, s.segment, s.share
from marts.audience_segments as s
join latest using (channel, account, dimension, measure, snapshot_date)
order by s.channel, s.account, s.dimension, s.segment = '(not covered)', s.share desc, s.segment
"""
# Per account and month, the count on the month's last day with one.
FOLLOWERS_BY_MONTH = """
select channel, account, cast(date_trunc('month', date) as date) as month,
       arg_max(followers, date) as followers, max(date) as day
from marts.followers
group by all
order by all
"""


@dataclass(frozen=True)
class CountryShare:
    channel: str
    account: str
    measure: str
    snapshot_date: date
    country: str
    share: float
    amount: int | None  # where the export states counts


@dataclass(frozen=True)
class SegmentShare:
    channel: str
    account: str
    dimension: str
    measure: str
    snapshot_date: date
    segment: str
    share: float


@dataclass(frozen=True)
class FollowerMonth:
    channel: str
    account: str
    month: date
    followers: int
    day: date


@dataclass
class Reach:
    countries: list[CountryShare] = field(default_factory=list)
    segments: list[SegmentShare] = field(default_factory=list)
    followers: list[FollowerMonth] = field(default_factory=list)
    missing: str | None = None  # why there is nothing to show, when the marts are not published


def read_reach(con: duckdb.DuckDBPyConnection) -> Reach:
    published = {
        name
        for (name,) in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'marts' "
            "and table_name in ('audience', 'audience_segments', 'followers')"
        ).fetchall()
    }
    if len(published) < 3:
        return Reach(missing="marts.audience is not in the published copy yet (run `socialkpi refresh`)")
    return Reach(
        countries=[CountryShare(*row) for row in con.execute(COUNTRIES, [TOP_COUNTRIES]).fetchall()],
        segments=[SegmentShare(*row) for row in con.execute(SEGMENTS).fetchall()],
        followers=[FollowerMonth(*row) for row in con.execute(FOLLOWERS_BY_MONTH).fetchall()],
    )
