"""What the report shows, read from the published copy (never the warehouse) as plain values.

Every query reads the marts by name (`marts.<mart>`); a mart that is not published yet gives an
empty section with the reason instead of failing the whole report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import duckdb

# The last day each account's data covers: its posts' publish days, its daily series' days and,
# where the marts carry it, channel_monthly's last covered day. Never a download's or a file's
# time: a file with no window of its own is dated by its mtime, the day it was copied.
LAST_DAYS = """
with last_days as (
    select channel, account, max(cast(posted_at_local as date)) as last_day from marts.all_posts group by all
    union all
    select channel, account, max(date) as last_day from marts.community_growth group by all
    {covered}
)

select
    channel,
    account,
    cast(coalesce(cast(? as date), date_trunc('month', max(last_day))) as date) as report_month
from last_days
where last_day is not null
group by all
order by channel, account
"""

CHANNEL_MONTHLY_LAST_DAYS = """
    union all
    select channel, account, max(last_day_covered) as last_day from marts.channel_monthly group by all
"""

# The columns channel_monthly gained to say how much of a month the data covers; a copy published
# before them still opens, its months taken as whole.
COVERAGE_COLUMNS = (
    "days_in_month",
    "days_covered",
    "first_day_covered",
    "last_day_covered",
    "is_partial",
    "minutes_per_new_follower",
    "new_followers_per_covered_day",
)

MONTH_KPIS = """
select
    posts_published,
    lifetime_audience_of_posts_published,
    lifetime_interactions_of_posts_published,
    lifetime_engagement_rate_of_posts_published,
    coalesce(new_followers, net_follower_change) as new_followers,
    new_followers is null and net_follower_change is not null as followers_are_net,
    {minutes} as minutes_per_new_follower,
    {days_covered} as days_covered
from marts.channel_monthly
where channel = ? and account = ? and month = ?
"""

# Days are counted per month so that a month the downloads only partly cover says so.
MONTHLY_GROWTH = """
select
    channel,
    account,
    cast(date_trunc('month', date) as date) as month,
    sum(new_followers) as new_followers,
    sum(net_change) as net_change,
    count(new_followers) as days_with_new_followers,
    count(net_change) as days_with_net_change
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

# Why the top posts are empty: the posts of those months, with and without a percentile.
POSTS_IN_REPORT_MONTHS = """
with report_months as (
    select * from (values {months}) as months (channel, account, report_month)
)

select count(*) as posts
from marts.all_posts as posts
inner join report_months
    on
        posts.channel = report_months.channel
        and posts.account = report_months.account
        and date_trunc('month', posts.posted_at_local) = cast(report_months.report_month as date)
"""

# label_performance holds one mean percentile per month and channel; weighting each by the posts
# behind it gives the mean over the year (percentiles are comparable across channels, rates are not).
LABELS_WINDOW = "month > cast(? as date) - interval 12 month and month <= cast(? as date)"

LABELS = """
select
    dimension,
    label,
    cast(sum(posts) as bigint) as posts,
    sum(mean_engagement_percentile * posts_with_percentile) / nullif(sum(posts_with_percentile), 0)
        as mean_percentile
from marts.label_performance
where {window}
group by all
having mean_percentile is not null
order by dimension, mean_percentile desc
"""

# Why a label section is empty although the mart has rows: what its 12 months hold.
LABELS_IN_WINDOW = """
select
    coalesce(sum(posts), 0) as posts,
    (select min(month) from marts.label_performance) as first_month,
    (select max(month) from marts.label_performance) as last_month
from marts.label_performance
where {window}
"""

BEST_TIME = """
select channel, account, weekday, local_hour, posts, median_engagement_rate, enough_posts
from marts.best_time_to_post
where local_hour is not null and median_engagement_rate is not null
order by channel, account, weekday, local_hour
"""

# Accounts in the mart whose posts have no hour (their exports give the day only).
BEST_TIME_WITHOUT_HOURS = """
select channel, account, sum(posts) as posts
from marts.best_time_to_post
group by all
having count(local_hour) filter (where median_engagement_rate is not null) = 0
order by channel, account
"""

# Name, kind, and which days a count spans: the month's covered days, or the days of the
# follower series (a Page's Follows.csv can start on the 20th of a month a posts export covers).
KPI_NAMES = (
    ("Posts published", "count", "month"),
    ("Audience (lifetime)", "count", "month"),
    ("Interactions (lifetime)", "count", "month"),
    ("Engagement rate", "rate", "month"),
    ("New followers", "count", "followers"),
)


@dataclass(frozen=True)
class Coverage:
    """How many days of a month the data covers."""

    days_covered: int
    days_in_month: int

    @property
    def is_partial(self) -> bool:
        return self.days_covered < self.days_in_month


@dataclass(frozen=True)
class Kpi:
    name: str
    kind: str  # "count" or "rate"
    current: float | None
    previous: float | None
    # The days each month's count spans; None where the published copy does not say (whole).
    current_days: Coverage | None = None
    previous_days: Coverage | None = None

    @property
    def per_covered_day(self) -> bool:
        """A count over part of a month is compared per covered day: 12 days of followers against
        a whole month would always look like a fall. Rates compare as they are."""
        spans = (self.current_days, self.previous_days)
        return self.kind == "count" and any(c is not None and c.is_partial for c in spans)


@dataclass(frozen=True)
class AccountMonth:
    channel: str
    account: str
    month: date
    previous_month: date
    kpis: list[Kpi]
    followers_are_net: bool = False
    minutes_per_new_follower: float | None = None  # over the days with follower data (marts' own)
    coverage: Coverage | None = None  # None: the published copy does not say (taken as whole)
    previous_coverage: Coverage | None = None

    @property
    def per_covered_day(self) -> bool:
        return any(kpi.per_covered_day for kpi in self.kpis)


@dataclass(frozen=True)
class Growth:
    channel: str
    account: str
    by_month: dict[date, int | None]
    net: bool  # True when the export only gives net change (YouTube subscribers)
    days: dict[date, int] = field(default_factory=dict)  # days with a value, per month

    def coverage(self, month: date) -> Coverage | None:
        days = self.days.get(month)
        return Coverage(days, days_in_month(month)) if days else None


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
    # What the marts hold where a section has too little to show, in words for the reader.
    shortfalls: dict[str, str] = field(default_factory=dict)
    # The accounts whose posts have no hour of day (LinkedIn, YouTube, X's Content export).
    days_only: list[tuple[str, str, int]] = field(default_factory=list)
    best_time_min_posts: int | None = None

    @property
    def last_month(self) -> date | None:
        return max((m.month for m in self.months), default=None)


def read_report_data(con: duckdb.DuckDBPyConnection, month: date | None = None) -> ReportData:
    """Everything the report shows. `month` forces the reported month for every account."""
    coverage_known = _has_columns(con, "channel_monthly", COVERAGE_COLUMNS)
    covered = CHANNEL_MONTHLY_LAST_DAYS if coverage_known else ""
    report_months = con.execute(LAST_DAYS.format(covered=covered), [month]).fetchall()
    growth = _growth(con)
    months = [
        _account_month(con, channel, account, when, coverage_known, growth)
        for channel, account, when in report_months
    ]
    data = ReportData(months=months, growth=growth, top_posts=[], labels=[], best_times={})
    data.top_posts = _top_posts(con, report_months)
    if not data.top_posts and report_months:
        data.shortfalls["top_posts"] = _top_posts_shortfall(con, report_months)
    data.labels = _optional(con, data, "label_performance", lambda: _labels(con, data))
    data.best_times = _optional(con, data, "best_time_to_post", lambda: _best_times(con, data)) or {}
    return data


def _account_month(
    con: duckdb.DuckDBPyConnection,
    channel: str,
    account: str,
    month: date,
    coverage_known: bool,
    growth: list[Growth],
) -> AccountMonth:
    previous = _month_before(month)
    query = MONTH_KPIS.format(
        days_covered="days_covered" if coverage_known else "null",
        minutes="minutes_per_new_follower" if coverage_known else "null",
    )
    current_row = con.execute(query, [channel, account, month]).fetchone()
    previous_row = con.execute(query, [channel, account, previous]).fetchone()
    empty = (None,) * (len(KPI_NAMES) + 3)
    current_row, previous_row = current_row or empty, previous_row or empty
    series = next((g for g in growth if (g.channel, g.account) == (channel, account)), None)
    coverage = _coverage(month, current_row[-1], coverage_known, series)
    previous_coverage = _coverage(previous, previous_row[-1], coverage_known, series)
    spans = {
        "month": (coverage, previous_coverage),
        "followers": (series.coverage(month), series.coverage(previous)) if series else (None, None),
    }
    kpis = [
        Kpi(name, kind, current_row[i], previous_row[i], *spans[span])
        for i, (name, kind, span) in enumerate(KPI_NAMES)
    ]
    return AccountMonth(
        channel,
        account,
        month,
        previous,
        kpis,
        bool(current_row[-3]),
        current_row[-2],
        coverage,
        previous_coverage,
    )


def _coverage(
    month: date, days_covered: int | None, coverage_known: bool, series: Growth | None
) -> Coverage | None:
    if coverage_known:
        return Coverage(days_covered, days_in_month(month)) if days_covered is not None else None
    # An older publish: the account's daily series, where it has one, says which days are covered.
    return series.coverage(month) if series else None


def _growth(con: duckdb.DuckDBPyConnection) -> list[Growth]:
    series: dict[tuple[str, str], dict[date, tuple]] = {}
    for channel, account, month, *values in con.execute(MONTHLY_GROWTH).fetchall():
        series.setdefault((channel, account), {})[month] = tuple(values)
    growth = []
    for (channel, account), months in series.items():
        net = all(new is None for new, *_ in months.values())
        values = {month: (net_change if net else new) for month, (new, net_change, _, _) in months.items()}
        days = {
            month: (net_days if net else new_days) for month, (_, _, new_days, net_days) in months.items()
        }
        growth.append(Growth(channel, account, values, net, days))
    return growth


def _top_posts(con: duckdb.DuckDBPyConnection, report_months: list[tuple], limit: int = 10) -> list[TopPost]:
    if not report_months:
        return []
    values = ", ".join("(?, ?, ?)" for _ in report_months)
    parameters = [value for row in report_months for value in row]
    rows = con.execute(TOP_POSTS.format(months=values), [*parameters, limit]).fetchall()
    return [TopPost(*row) for row in rows]


def _top_posts_shortfall(con: duckdb.DuckDBPyConnection, report_months: list[tuple]) -> str:
    values = ", ".join("(?, ?, ?)" for _ in report_months)
    parameters = [value for row in report_months for value in row]
    (posts,) = con.execute(POSTS_IN_REPORT_MONTHS.format(months=values), parameters).fetchone()
    if posts == 0:
        return (
            "No post was published in the accounts' last months: a posts export covering them would fill it."
        )
    return (
        f"{posts} posts in the accounts' last months, none with an engagement percentile: a post gets "
        "one when its export gives its interactions and the account has earlier posts in the 90 days "
        "before it."
    )


def _labels(con: duckdb.DuckDBPyConnection, data: ReportData) -> list[LabelScore]:
    last_month = data.last_month
    if last_month is None:
        return []
    window = [last_month, last_month]
    labels = [LabelScore(*row) for row in con.execute(LABELS.format(window=LABELS_WINDOW), window).fetchall()]
    if not labels:
        data.shortfalls["label_performance"] = _labels_shortfall(con, last_month)
    return labels


def _labels_shortfall(con: duckdb.DuckDBPyConnection, last_month: date) -> str:
    window = [last_month, last_month]
    posts, first, last = con.execute(LABELS_IN_WINDOW.format(window=LABELS_WINDOW), window).fetchone()
    span = f"the 12 months to {last_month:%B %Y}"
    if first is None:
        return "No post has a label yet: labels come from the posts' text, so a posts export is needed."
    if posts == 0:
        return (
            f"No labelled post was published in {span} (labelled posts run from {first:%B %Y} to "
            f"{last:%B %Y}): a posts export covering these months would fill it."
        )
    return (
        f"{posts} labelled posts in {span}, none with an engagement percentile: a post gets one when "
        "its export gives its interactions and the account has earlier posts in the 90 days before "
        "it. YouTube Studio's content table gives no interactions; a posts export with them would "
        "fill this section."
    )


def _best_times(con: duckdb.DuckDBPyConnection, data: ReportData) -> dict[tuple[str, str], list[HourCell]]:
    cells: dict[tuple[str, str], list[HourCell]] = {}
    for channel, account, *cell in con.execute(BEST_TIME).fetchall():
        cells.setdefault((channel, account), []).append(HourCell(*cell))
    data.days_only = [tuple(row) for row in con.execute(BEST_TIME_WITHOUT_HOURS).fetchall()]
    data.best_time_min_posts = best_time_min_posts()
    return cells


def best_time_min_posts() -> int | None:
    """The dbt project's `best_time_min_posts`: under it a weekday and hour is drawn faint. None
    where the dbt project is not beside the package (the report then gives no number)."""
    try:
        import yaml

        from pipelines.settings import DBT_PROJECT_DIR

        project = yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))
        return int(project["vars"]["best_time_min_posts"])
    except (OSError, KeyError, TypeError, ValueError, ImportError):
        return None


def _has_columns(con: duckdb.DuckDBPyConnection, mart: str, columns: tuple[str, ...]) -> bool:
    found = con.execute(
        "select count(*) from duckdb_columns() where schema_name = 'marts' and table_name = ? "
        "and list_contains(?, column_name)",
        [mart, list(columns)],
    ).fetchone()[0]
    return found == len(columns)


def _optional(con: duckdb.DuckDBPyConnection, data: ReportData, mart: str, read):
    """Marts added after the report was first written may be missing from an older publish."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'marts' and table_name = ?", [mart]
    ).fetchone()[0]
    if not exists:
        data.missing[mart] = f"marts.{mart} is not in the published copy yet (run `socialkpi refresh`)"
        return []
    return read()


def days_in_month(month: date) -> int:
    return (_month_after(month) - month).days


def _month_after(month: date) -> date:
    return date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)


def _month_before(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)
