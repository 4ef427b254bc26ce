"""The report page: one HTML file with its styles and charts inline, so it opens from an e-mail
attachment or a shared drive with no network."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from html import escape

from socialkpi.serve.report.charts import PALETTE, BarRow, Series, bar_rows, grouped_bars, heatmap, line_chart
from socialkpi.serve.report.data import (
    AccountMonth,
    Coverage,
    Growth,
    HourCell,
    Kpi,
    ReportData,
    days_in_month,
)

CHANNELS = {
    "twitter": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "linkedin": "LinkedIn",
    "youtube": "YouTube",
}
STYLE = """
body{font-family:system-ui,sans-serif;color:#1f2933;margin:0;background:#f5f7fa}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:19px;margin:0 0 4px} h3{font-size:15px;margin:12px 0 4px}
.lede{color:#52606d;margin:0 0 16px}
section{background:#fff;border-radius:10px;padding:18px 20px;margin:18px 0;box-shadow:0 1px 3px #0001}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:12px;margin:12px 0}
.card{border:1px solid #e4e7eb;border-radius:8px;padding:10px 12px}
.card h3{margin:0 0 6px} .card .when{color:#7b8794;font-size:12px;margin-bottom:6px}
.kpi{display:flex;justify-content:space-between;font-size:13px;padding:2px 0}
.kpi b{font-variant-numeric:tabular-nums} .up{color:#0b7a4b} .down{color:#b42318} .flat{color:#7b8794}
.headline{font-size:15px;margin:4px 0} .empty{color:#7b8794;font-style:italic}
.heatmaps{display:grid;grid-template-columns:repeat(auto-fill,minmax(480px,1fr));gap:8px 20px}
.note{color:#52606d;font-size:12px;margin:4px 0}
footer{color:#7b8794;font-size:12px;text-align:center;margin:24px 0}
"""


def render_page(data: ReportData, source: str, generated_at: datetime, more: Sequence[str] = ()) -> str:
    """The page; `more` are sections rendered in their own modules (report/reach_page.py)."""
    sections = [_months(data), _growth(data), _top_posts(data), _labels(data), _best_times(data), *more]
    title = "Social media report"
    if data.last_month:
        title += f", to {month_label(data.last_month)}"
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{STYLE}</style></head>'
        f"<body><main><h1>{escape(title)}</h1>"
        f'<p class="lede">Each account\'s last month with data against the month before, from the published '
        f"marts; a month the downloads cover only in part says how many of its days they cover. "
        f"Generated {generated_at:%d %b %Y %H:%M}.</p>{''.join(sections)}"
        f"<footer>socialkpi report, from {escape(source)}</footer></main></body></html>"
    )


def _months(data: ReportData) -> str:
    cards = "".join(_card(month) for month in data.months)
    groups = [account_label(m.channel, m.account) for m in data.months]
    rates = [next(k for k in m.kpis if k.kind == "rate") for m in data.months]
    chart = grouped_bars(
        "engagement-rate",
        "Engagement rate, the month before and the last month with data",
        groups,
        [
            Series("Month before", [k.previous for k in rates], "#9aa5b1"),
            Series("Last month with data", [k.current for k in rates], PALETTE[0]),
        ],
        fmt_rate,
    )
    return _section(
        "The last month against the one before",
        "Posts published in the month with their lifetime audience and interactions; followers gained in it.",
        f'<div class="cards">{cards}</div><h3>Engagement rate</h3>{chart}',
        bool(data.months),
    )


def _card(month: AccountMonth) -> str:
    rows = "".join(_kpi_row(kpi, month) for kpi in month.kpis)
    when = (
        f"{month_label(month.month)}{_days(month.coverage)} vs "
        f"{month_label(month.previous_month)}{_days(month.previous_coverage)}"
    )
    note = (
        '<div class="note">Changes in counts are per covered day; rates are compared as they are.</div>'
        if month.per_covered_day
        else ""
    )
    return (
        f'<div class="card"><h3>{escape(account_label(month.channel, month.account))}</h3>'
        f'<div class="when">{escape(when)}</div>{note}{rows}</div>'
    )


def _days(coverage: Coverage | None) -> str:
    """ " (12 of 30 days)" for a month the data covers in part, nothing for a whole one."""
    if coverage is None or not coverage.is_partial:
        return ""
    return f" ({coverage.days_covered} of {coverage.days_in_month} days)"


def _kpi_row(kpi: Kpi, month: AccountMonth) -> str:
    name = "Net new followers" if kpi.name == "New followers" and month.followers_are_net else kpi.name
    value = fmt_rate(kpi.current) if kpi.kind == "rate" else fmt_count(kpi.current)
    return f'<div class="kpi"><span>{escape(name)}</span><b>{escape(value)} {_delta(kpi, month)}</b></div>'


def _per_day(value: float, coverage: Coverage | None, month: date) -> float:
    return value / (coverage.days_covered if coverage else days_in_month(month))


def _delta(kpi: Kpi, month: AccountMonth) -> str:
    if kpi.current is None or kpi.previous is None or (kpi.kind == "count" and kpi.previous == 0):
        return '<span class="flat">–</span>'
    against = f"against {fmt_number(kpi)} in {month_label(month.previous_month)}"
    if kpi.kind == "rate":
        change = kpi.current - kpi.previous
        text = f"{abs(change) * 100:.2f} pt"
    else:
        current, previous = kpi.current, kpi.previous
        if kpi.per_covered_day:
            current = _per_day(current, kpi.current_days, month.month)
            previous = _per_day(previous, kpi.previous_days, month.previous_month)
            against += f"; per covered day {fmt_decimal(current)} against {fmt_decimal(previous)}"
        change = (current - previous) / abs(previous)
        text = f"{abs(change) * 100:.0f}%"
    css, arrow = ("up", "▲") if change > 0 else ("down", "▼") if change < 0 else ("flat", "±")
    return f'<span class="{css}" title="{escape(against)}">{arrow}{escape(text)}</span>'


def _growth(data: ReportData) -> str:
    last = data.last_month
    if last is None or not data.growth:
        return _section("Community growth", "", "", False)
    months = [_add_months(last, -i) for i in range(11, -1, -1)]
    shown = [g for g in data.growth if any(g.by_month.get(m) is not None for m in months)]
    colors = _account_colors(data)
    series = [
        Series(
            account_label(g.channel, g.account) + (" (net)" if g.net else ""),
            [g.by_month.get(m) for m in months],
            colors[(g.channel, g.account)],
        )
        for g in shown
    ]

    def partial(n: int, i: int) -> str | None:
        coverage = shown[n].coverage(months[i])
        return (
            f"{coverage.days_covered} of {coverage.days_in_month} days covered"
            if coverage and coverage.is_partial
            else None
        )

    headlines = "".join(
        _follower_headline(g, m)
        for g in data.growth
        for m in data.months
        if (m.channel, m.account) == (g.channel, g.account)
    )
    outside = [
        f"{account_label(g.channel, g.account)} (to {month_label(max(g.by_month))})"
        for g in data.growth
        if g not in shown
    ]
    note = (
        f'<p class="note">Before these 12 months, not drawn: {escape(", ".join(outside))}.</p>'
        if outside
        else ""
    )
    chart = line_chart(
        "community-growth",
        "New followers per month",
        [month_label(m, short=True) for m in months],
        series,
        fmt_count,
        hollow=partial,
    )
    return _section(
        "Community growth",
        f"New followers per month in the 12 months to {month_label(last)} (YouTube gives only the net "
        "change); a hollow dot is a month the downloads cover only in part.",
        headlines + (chart if series else "") + note,
        True,
    )


def _follower_headline(growth: Growth, month: AccountMonth) -> str:
    """ "A new follower every 1.1 hours": over the days the follower series covers, not the month's
    length (a download starting on the 20th would otherwise triple the interval)."""
    gained = growth.by_month.get(month.month)
    coverage = growth.coverage(month.month)
    if growth.net or not gained or gained <= 0 or coverage is None:
        return ""
    minutes = month.minutes_per_new_follower or coverage.days_covered * 24 * 60 / gained
    span = (
        f"in {coverage.days_covered} of {coverage.days_in_month} days of {month_label(month.month)}"
        if coverage.is_partial
        else f"in {month_label(month.month)}"
    )
    count = (
        f"{fmt_count(gained)} in those days" if coverage.is_partial else f"{fmt_count(gained)} in the month"
    )
    return (
        f'<p class="headline"><b>{escape(account_label(growth.channel, growth.account))}</b>: a new follower '
        f"every <b>{escape(fmt_minutes(minutes))}</b> {escape(span)} ({escape(count)}).</p>"
    )


def _top_posts(data: ReportData) -> str:
    colors = _account_colors(data)
    rows = [
        BarRow(
            label=post.text or "(no text)",
            value=post.percentile,
            # The engagement first: where a long account name needs the line shortened, the
            # format goes, not the number.
            detail=f"{fmt_rate(post.engagement_rate)} engagement · "
            f"{account_label(post.channel, post.account)} · {post.posted_at_local:%d %b %Y} · "
            f"{post.format or 'post'}",
            href=post.url,
            color=colors.get((post.channel, post.account), PALETTE[0]),
        )
        for post in data.top_posts
    ]
    chart = bar_rows("top-posts", "Top posts by engagement percentile", rows, fmt_percent, reference=0.5)
    return _section(
        "Top posts",
        "Posts of each account's last month with data: the share of the account's posts of the previous "
        "90 days that each beat on engagement rate.",
        chart,
        bool(rows),
        data.shortfalls.get("top_posts"),
    )


def _labels(data: ReportData) -> str:
    if "label_performance" in data.missing:
        return _section("What kinds of posts work", data.missing["label_performance"], "", False)
    charts = []
    for i, dimension in enumerate(dict.fromkeys(score.dimension for score in data.labels)):
        rows = [
            BarRow(
                score.label, score.mean_percentile, f"{score.posts} posts", color=PALETTE[i % len(PALETTE)]
            )
            for score in data.labels
            if score.dimension == dimension
        ]
        title = dimension.replace("_", " ")
        charts.append(
            f"<h3>{escape(title.capitalize())}</h3>"
            + bar_rows(f"labels-{dimension}", f"Labels by {title}", rows, fmt_percent, reference=0.5)
        )
    return _section(
        "What kinds of posts work",
        "Mean engagement percentile of each label's posts over the 12 months to "
        f"{month_label(data.last_month)}: right of the dashed line is better than the account's usual.",
        "".join(charts),
        bool(charts),
        data.shortfalls.get("label_performance"),
    )


def _best_times(data: ReportData) -> str:
    if "best_time_to_post" in data.missing:
        return _section("When to post", data.missing["best_time_to_post"], "", False)
    maps = []
    for (channel, account), cells in data.best_times.items():
        grid = {(c.weekday, c.hour): (c.median_engagement_rate, c.posts, c.enough_posts) for c in cells}
        name = account_label(channel, account)
        chart = heatmap(f"best-time-{channel}-{account}", f"Best time to post, {name}", grid, fmt_rate)
        maps.append(f"<div><h3>{escape(name)}</h3>{chart}{_too_few(cells, data.best_time_min_posts)}</div>")
    days_only = ", ".join(f"{account_label(c, a)} ({posts} posts)" for c, a, posts in data.days_only)
    note = (
        f'<p class="note">No hour of day for {escape(days_only)}: their exports give the day of posting '
        "only, so they have no heatmap.</p>"
        if days_only
        else ""
    )
    return _section(
        "When to post",
        "Median engagement rate of posts by weekday and local hour: darker is better, faint is too few "
        "posts to trust, blank is none.",
        f'<div class="heatmaps">{"".join(maps)}</div>{note}',
        bool(maps or days_only),
    )


def _too_few(cells: list[HourCell], minimum: int | None) -> str:
    """Under a heatmap whose every weekday and hour is under the minimum: how far it is from one."""
    if any(c.enough_posts for c in cells):
        return ""
    most = max(c.posts for c in cells)
    needed = f"at least {minimum} posts" if minimum else "more posts"
    more = f" ({minimum - most} more in one of them would do)" if minimum else ""
    return (
        f'<p class="note">Every shade here is faint: the best time to post needs {needed} in a weekday '
        f"and hour; this account has at most {most}{more}.</p>"
    )


def _section(title: str, lede: str, body: str, has_data: bool, shortfall: str | None = None) -> str:
    """A section; an empty one says why: what its mart lacks (`shortfall`), or that it is empty."""
    if has_data:
        content = body
    else:
        reason = shortfall or "No data for this section yet."
        content = f'<p class="empty">{escape(reason)} {escape(lede)}</p>'
    lede_html = f'<p class="lede">{escape(lede)}</p>' if has_data and lede else ""
    return f"<section><h2>{escape(title)}</h2>{lede_html}{content}</section>"


section = _section  # for sections rendered in their own modules


def _account_colors(data: ReportData) -> dict[tuple[str, str], str]:
    """One colour per account for the whole page (growth lines, top posts), also for accounts
    with no follower series."""
    accounts = sorted(
        {(m.channel, m.account) for m in data.months} | {(g.channel, g.account) for g in data.growth}
    )
    return {account: PALETTE[i % len(PALETTE)] for i, account in enumerate(accounts)}


def account_label(channel: str, account: str) -> str:
    return f"{CHANNELS.get(channel, channel)} {account}"


def month_label(month: date | None, short: bool = False) -> str:
    if month is None:
        return "–"
    return f"{month:%b %y}" if short else f"{month:%B %Y}"


def fmt_count(value: float | None) -> str:
    if value is None:
        return "–"
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.1f}{suffix}"
    return f"{value:,.0f}"


def fmt_rate(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.2f}%"


def fmt_decimal(value: float) -> str:
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def fmt_percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def fmt_number(kpi: Kpi) -> str:
    return fmt_rate(kpi.previous) if kpi.kind == "rate" else fmt_count(kpi.previous)


def fmt_minutes(minutes: float) -> str:
    if minutes < 1:
        return f"{minutes * 60:.0f} seconds"
    if minutes < 120:
        return f"{minutes:.0f} minutes" if minutes >= 2 else "minute"
    return f"{minutes / 60:.1f} hours"


def _add_months(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)
