"""The "Who we reach" section (issue 19): followers per channel over time, each account's top
countries and the audiences of the talk its segments cover."""

from __future__ import annotations

from datetime import date
from html import escape

from socialkpi.serve.report.charts import PALETTE, BarRow, Series, bar_rows, line_chart
from socialkpi.serve.report.page import account_label, fmt_count, fmt_percent, month_label, section
from socialkpi.serve.report.reach import FollowerMonth, Reach

TITLE = "Who we reach"
MONTHS_SHOWN = 13  # this month and the same month a year before


def render_reach(reach: Reach) -> str:
    lede = (
        "Followers per channel where an export states the count; each account's top countries and "
        "the audiences of its latest audience download (seeds/audience_segment_rules.csv says "
        "which values make each audience)."
    )
    if reach.missing:
        return section(TITLE, lede, "", False, reach.missing)
    body = _followers(reach) + _countries(reach) + _segments(reach)
    shortfall = "No audience or follower-count export is loaded yet (docs/formats.md §2.3, §2.5, §4.6, §5.5)."
    return section(TITLE, lede, body, bool(body), shortfall)


def _followers(reach: Reach) -> str:
    if not reach.followers:
        return ""
    accounts = sorted({(f.channel, f.account) for f in reach.followers})
    last = max(f.month for f in reach.followers)
    months = [_add_months(last, -i) for i in range(MONTHS_SHOWN - 1, -1, -1)]
    by_month = {(f.channel, f.account, f.month): f for f in reach.followers}
    series = [
        Series(
            account_label(channel, account),
            [_count(by_month.get((channel, account, m))) for m in months],
            PALETTE[i % len(PALETTE)],
        )
        for i, (channel, account) in enumerate(accounts)
    ]
    shown = [s for s in series if any(v is not None for v in s.values)]
    headlines = "".join(_headline(reach.followers, channel, account) for channel, account in accounts)
    chart = line_chart(
        "reach-followers",
        "Followers at the end of each month",
        [month_label(m, short=True) for m in months],
        shown,
        fmt_count,
    )
    return f"<h3>Followers</h3>{headlines}{chart if shown else ''}"


def _headline(followers: list[FollowerMonth], channel: str, account: str) -> str:
    """The account's latest count, and its count a year before where one is known."""
    own = sorted((f for f in followers if (f.channel, f.account) == (channel, account)), key=lambda f: f.day)
    now = own[-1]
    before = next((f for f in own if f.month == _add_months(now.month, -12)), None)
    if before:
        change = (now.followers - before.followers) / before.followers
        then = f", {before.followers:,} on {before.day:%d %b %Y} ({change:+.1%})"
    else:
        then = ", no count a year before"
    return (
        f'<p class="headline"><b>{escape(account_label(channel, account))}</b>: '
        f"<b>{now.followers:,}</b> followers on {now.day:%d %b %Y}{escape(then)}.</p>"
    )


def _countries(reach: Reach) -> str:
    charts = []
    accounts = list(dict.fromkeys((c.channel, c.account) for c in reach.countries))
    for i, (channel, account) in enumerate(accounts):
        rows = [c for c in reach.countries if (c.channel, c.account) == (channel, account)]
        first = rows[0]
        bars = [
            BarRow(c.country, c.share, _amount(c.amount, c.measure), color=PALETTE[i % len(PALETTE)])
            for c in rows
        ]
        name = account_label(channel, account)
        charts.append(
            f"<h3>Top countries, {escape(name)}</h3>"
            f'<p class="note">Share of {escape(first.measure.replace("_", " "))} on '
            f"{first.snapshot_date:%d %b %Y}.</p>"
            + bar_rows(f"reach-countries-{channel}-{account}", f"Top countries, {name}", bars, fmt_percent)
        )
    return "".join(charts)


def _segments(reach: Reach) -> str:
    if not reach.segments:
        return ""
    bars = [
        BarRow(
            s.segment,
            s.share,
            f"{account_label(s.channel, s.account)} · {s.dimension.replace('_', ' ')} · "
            f"{s.measure.replace('_', ' ')}, {s.snapshot_date:%d %b %Y}",
            color="#9aa5b1" if s.segment == "(not covered)" else PALETTE[2],
        )
        for s in reach.segments
    ]
    return "<h3>Audiences of the talk</h3>" + bar_rows(
        "reach-segments", "Share of each audience, latest download", bars, fmt_percent
    )


def _amount(amount: int | None, measure: str) -> str:
    return "" if amount is None else f"{amount:,} {measure.replace('_', ' ')}"


def _count(month: FollowerMonth | None) -> float | None:
    return None if month is None else float(month.followers)


def _add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
