"""What the report shows, read from the published copy (never the warehouse) as plain values.

Every query reads the marts by name (`marts.<mart>`); a mart that is not published yet gives an
empty section with the reason instead of failing the whole report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

# Complete months only: a month is reported once the account's data reaches its last day, so a
# download in the middle of a month is never compared with a whole previous month.
REPORT_MONTHS = """
with last_days as (
    select channel, account, max(date) as last_day from marts.community_growth group by all
    union all
    select channel, account, max(snapshot_date) as last_day from marts.all_posts group by all
),

per_account as (
    select channel, account, max(last_day) as last_day from last_days group by all
)

select
    channel,
    account,
    cast(case
        when cast(? as date) is not null then cast(? as date)
        when last_day = last_day(last_day) then date_trunc('month', last_day)
        else date_trunc('month', last_day) - interval 1 month
    end as date) as report_month
from per_account
order by channel, account
"""

MONTH_KPIS = """
select
    posts_published,
    lifetime_audience_of_posts_published,
    lifetime_interactions_of_posts_published,
    lifetime_engagement_rate_of_posts_published,
    coalesce(new_followers, net_follower_change) as new_followers,
    new_followers is null and net_follower_change is not null as followers_are_net
from marts.channel_monthly
where channel = ? and account = ? and month = ?
"""

MONTHLY_GROWTH = """
select
    channel,
    account,
    cast(date_trunc('month', date) as date) as month,
    sum(new_followers) as new_followers,
    sum(net_change) as net_change
from marts.community_growth
group by all
order by channel, account, month
"""

TOP_POSTS = """
with report_months as (
    select * from (values {months}) as months (channel, account, report_month)
)

select
    posts.channel,
    posts.account,
    posts.posted_at_local,
    posts.post_url,
    posts.text,
    posts.format,
    posts.engagement_rate,
    posts.engagement_percentile,
    posts.posts_in_previous_90_days
from marts.all_posts as posts
inner join report_months
    on
        posts.channel = report_months.channel
        and posts.account = report_months.account
        and date_trunc('month', posts.posted_at_local) = cast(report_months.report_month as date)
where posts.engagement_percentile is not null
order by posts.engagement_percentile desc, posts.engagement_rate desc
limit ?
"""

# label_performance holds one mean percentile per month and channel; weighting each by the posts
# behind it gives the mean over the year (percentiles are comparable across channels, rates are not).
LABELS = """
select
    dimension,
    label,
    cast(sum(posts) as bigint) as posts,
    sum(mean_engagement_percentile * posts_with_percentile) / nullif(sum(posts_with_percentile), 0)
        as mean_percentile
from marts.label_performance
where month > cast(? as date) - interval 12 month and month <= cast(? as date)
group by all
having mean_percentile is not null
order by dimension, mean_percentile desc
"""

BEST_TIME = """
select channel, account, weekday, local_hour, posts, median_engagement_rate, enough_posts
from marts.best_time_to_post
where local_hour is not null and median_engagement_rate is not null
order by channel, account, weekday, local_hour
"""

KPI_NAMES = (
    ("Posts published", "count"),
    ("Audience (lifetime)", "count"),
    ("Interactions (lifetime)", "count"),
    ("Engagement rate", "rate"),
    ("New followers", "count"),
)


@dataclass(frozen=True)
class Kpi:
    name: str
    kind: str  # "count" or "rate"
    current: float | None
    previous: float | None


@dataclass(frozen=True)
class AccountMonth:
    channel: str
    account: str
    month: date
    previous_month: date
    kpis: list[Kpi]
    followers_are_net: bool = False


@dataclass(frozen=True)
class Growth:
    channel: str
    account: str
    by_month: dict[date, int | None]
    net: bool  # True when the export only gives net change (YouTube subscribers)


@dataclass(frozen=True)
class TopPost:
    channel: str
    account: str
    posted_at_local: object
    url: str | None
    text: str | None
    format: str | None
    engagement_rate: float | None
    percentile: float
    compared_with: int


@dataclass(frozen=True)
class LabelScore:
    dimension: str
    label: str
    posts: int
    mean_percentile: float


@dataclass(frozen=True)
class HourCell:
    weekday: int  # 1 = Monday
    hour: int
    posts: int
    median_engagement_rate: float
    enough_posts: bool  # under the mart's minimum a median says little: drawn faint


@dataclass
class ReportData:
    months: list[AccountMonth]
    growth: list[Growth]
    top_posts: list[TopPost]
    labels: list[LabelScore]
    best_times: dict[tuple[str, str], list[HourCell]]
    missing: dict[str, str] = field(default_factory=dict)  # section -> why it is empty

    @property
    def last_month(self) -> date | None:
        return max((m.month for m in self.months), default=None)


def read_report_data(con: duckdb.DuckDBPyConnection, month: date | None = None) -> ReportData:
    """Everything the report shows. `month` forces the reported month for every account."""
    report_months = con.execute(REPORT_MONTHS, [month, month]).fetchall()
    months = [_account_month(con, channel, account, when) for channel, account, when in report_months]
    data = ReportData(months=months, growth=_growth(con), top_posts=[], labels=[], best_times={})
    data.top_posts = _top_posts(con, report_months)
    data.labels = _optional(con, data, "label_performance", lambda: _labels(con, data.last_month))
    data.best_times = _optional(con, data, "best_time_to_post", lambda: _best_times(con)) or {}
    return data


def _account_month(con: duckdb.DuckDBPyConnection, channel: str, account: str, month: date) -> AccountMonth:
    previous = _month_before(month)
    current_row = con.execute(MONTH_KPIS, [channel, account, month]).fetchone()
    previous_row = con.execute(MONTH_KPIS, [channel, account, previous]).fetchone()
    empty = (None,) * (len(KPI_NAMES) + 1)
    current_row, previous_row = current_row or empty, previous_row or empty
    kpis = [Kpi(name, kind, current_row[i], previous_row[i]) for i, (name, kind) in enumerate(KPI_NAMES)]
    return AccountMonth(channel, account, month, previous, kpis, bool(current_row[-1]))


def _growth(con: duckdb.DuckDBPyConnection) -> list[Growth]:
    series: dict[tuple[str, str], dict[date, tuple]] = {}
    for channel, account, month, new_followers, net_change in con.execute(MONTHLY_GROWTH).fetchall():
        series.setdefault((channel, account), {})[month] = (new_followers, net_change)
    growth = []
    for (channel, account), months in series.items():
        net = all(new is None for new, _ in months.values())
        values = {month: (net_change if net else new) for month, (new, net_change) in months.items()}
        growth.append(Growth(channel, account, values, net))
    return growth


def _top_posts(con: duckdb.DuckDBPyConnection, report_months: list[tuple], limit: int = 10) -> list[TopPost]:
    if not report_months:
        return []
    values = ", ".join("(?, ?, ?)" for _ in report_months)
    parameters = [value for row in report_months for value in row]
    rows = con.execute(TOP_POSTS.format(months=values), [*parameters, limit]).fetchall()
    return [TopPost(*row) for row in rows]


def _labels(con: duckdb.DuckDBPyConnection, last_month: date | None) -> list[LabelScore]:
    if last_month is None:
        return []
    return [LabelScore(*row) for row in con.execute(LABELS, [last_month, last_month]).fetchall()]


def _best_times(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[HourCell]]:
    cells: dict[tuple[str, str], list[HourCell]] = {}
    for channel, account, *cell in con.execute(BEST_TIME).fetchall():
        cells.setdefault((channel, account), []).append(HourCell(*cell))
    return cells


def _optional(con: duckdb.DuckDBPyConnection, data: ReportData, mart: str, read):
    """Marts added after the report was first written may be missing from an older publish."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = ?", [mart]
    ).fetchone()[0]
    if not exists:
        data.missing[mart] = f"marts.{mart} is not in the published copy yet (run `socialkpi refresh`)"
        return []
    return read()


def _month_before(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)
