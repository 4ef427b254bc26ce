"""The report on real, partial data (the samples: a few weeks of a Page, one month of tweets, one
YouTube table) and on the demo, rendered by a real browser and read back from the page itself:
the period is the data's, no section pretends to be empty, no text is clipped or drawn over
another, axes and legends read right."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli
from tests.test_report import CHROMIUM, CHROMIUM_ARGS

# Everything the assertions need, measured by the browser in one pass: SVG bounding boxes are in
# the chart's own units (its viewBox), so they compare with the viewBox whatever the page width.
PAGE_FACTS = """
() => {
  const box = (element) => { const b = element.getBBox(); return [b.x, b.y, b.width, b.height]; };
  const visibleText = (text) => [...text.childNodes]
    .filter((node) => node.nodeType === Node.TEXT_NODE).map((node) => node.textContent).join('');
  return {
    title: document.querySelector('h1').textContent,
    sections: [...document.querySelectorAll('section')].map((section) => ({
      title: section.querySelector('h2').textContent,
      text: section.innerText,
    })),
    cards: [...document.querySelectorAll('.card')].map((card) => ({
      account: card.querySelector('h3').textContent,
      when: card.querySelector('.when').textContent,
      note: card.querySelector('.note')?.textContent || '',
      kpis: Object.fromEntries([...card.querySelectorAll('.kpi')]
        .map((row) => [row.querySelector('span').textContent, row.querySelector('b').textContent])),
    })),
    headlines: [...document.querySelectorAll('.headline')].map((p) => p.textContent),
    overflowing: [...document.querySelectorAll('main *')]
      .filter((element) => !element.closest('svg') && element.clientWidth > 0)
      .filter((element) => element.scrollWidth > element.clientWidth + 1)
      .map((element) => element.outerHTML.slice(0, 160)),
    charts: [...document.querySelectorAll('svg.chart')].map((svg) => ({
      id: svg.dataset.chart,
      viewBox: [svg.viewBox.baseVal.width, svg.viewBox.baseVal.height],
      texts: [...svg.querySelectorAll('text')].map((text) => ({
        text: visibleText(text),
        box: box(text),
        role: text.getAttribute('class') || '',
      })),
      legend: [...svg.querySelectorAll('.legend-entry')].map((entry) => ({
        name: entry.dataset.name,
        text: visibleText(entry.querySelector('text')),
        box: box(entry),
      })),
    })),
  };
}
"""
# Two boxes that share less than this many pixels each way only touch (anti-aliased edges).
TOUCH = 0.5


@dataclass(frozen=True)
class Rendered:
    facts: dict
    screenshot: Path


def render(html: Path, screenshot: Path, copy_to: Path) -> Rendered:
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(html.as_uri())
        page.screenshot(path=str(screenshot), full_page=True)
        facts = page.evaluate(PAGE_FACTS)
        browser.close()
    # For a person to look at after the run (the lead's review): the same picture, a fixed name.
    shutil.copy(screenshot, copy_to)
    return Rendered(facts, screenshot)


def published(settings) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(settings.warehouse.parent / "published" / "kpi.duckdb"), read_only=True)


def _columns(con: duckdb.DuckDBPyConnection, mart: str) -> set[str]:
    rows = con.execute(
        "select column_name from duckdb_columns() where schema_name = 'marts' and table_name = ?", [mart]
    ).fetchall()
    return {name for (name,) in rows}


def data_last_month(con: duckdb.DuckDBPyConnection) -> date:
    """The last month any dated fact of the marts falls in: a post's publish day, a daily series'
    day, a month's last covered day. (Download and file times are not facts about the period.)"""
    days = [
        con.execute("select max(cast(posted_at_local as date)) from marts.all_posts").fetchone()[0],
        con.execute("select max(date) from marts.community_growth").fetchone()[0],
    ]
    if "last_day_covered" in _columns(con, "channel_monthly"):
        days.append(con.execute("select max(last_day_covered) from marts.channel_monthly").fetchone()[0])
    last = max(day for day in days if day is not None)
    return date(last.year, last.month, 1)


def months_back(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def marts_with_rows(con: duckdb.DuckDBPyConnection, last: date) -> dict[str, bool]:
    """Section title -> whether the mart behind it has rows for the period the section shows."""
    year_start = months_back(last, 11)

    def has(sql: str, parameters: list) -> bool:
        return con.execute(f"select exists ({sql})", parameters).fetchone()[0]

    return {
        "The last month against the one before": has(
            "select 1 from marts.channel_monthly where month = ?", [last]
        ),
        "Community growth": has(
            "select 1 from marts.community_growth where date >= ? and date < ? + interval 1 month",
            [year_start, last],
        ),
        "Top posts": has(
            "select 1 from marts.all_posts where engagement_percentile is not null "
            "and date_trunc('month', posted_at_local) = ?",
            [last],
        ),
        "What kinds of posts work": has(
            "select 1 from marts.label_performance where month between ? and ? "
            "and mean_engagement_percentile is not null",
            [year_start, last],
        ),
        "When to post": has("select 1 from marts.best_time_to_post", []),
        "Who we reach": has("select 1 from marts.audience union all select 1 from marts.followers", []),
    }


def month_name(month: date) -> str:
    return f"{month:%B %Y}"


def tick_value(label: str) -> float:
    """A y-axis label back to its number: "1.5k", "12.50%", "-3", "1,200"."""
    number = label.replace(",", "").replace("\u2212", "-")
    scale = 1.0
    if number.endswith("%"):
        number, scale = number[:-1], 0.01
    elif number[-1:] in ("k", "M"):
        number, scale = number[:-1], 1e3 if number.endswith("k") else 1e6
    return float(number) * scale


def overlap(a: list[float], b: list[float]) -> bool:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    wide = min(ax + aw, bx + bw) - max(ax, bx)
    high = min(ay + ah, by + bh) - max(ay, by)
    return wide > TOUCH and high > TOUCH


def _outside(name: str, texts: list[dict], width: float, height: float) -> list[str]:
    problems = []
    for text in texts:
        x, y, w, h = text["box"]
        if x < -TOUCH or y < -TOUCH or x + w > width + TOUCH or y + h > height + TOUCH:
            problems.append(f"{name}: {text['text']!r} at {text['box']} is outside 0 0 {width} {height}")
    return problems


def _overlapping(name: str, texts: list[dict]) -> list[str]:
    return [
        f"{name}: {first['text']!r} and {second['text']!r} overlap"
        for i, first in enumerate(texts)
        for second in texts[i + 1 :]
        if overlap(first["box"], second["box"])
    ]


def _ticks_out_of_order(name: str, texts: list[dict]) -> list[str]:
    """A value axis is read upwards (y ticks) or rightwards (x ticks)."""
    problems = []
    for role, position in (("tick", lambda t: -t["box"][1]), ("x-tick", lambda t: t["box"][0])):
        ticks = sorted((t for t in texts if t["role"] == role), key=position)
        values = [tick_value(t["text"]) for t in ticks]
        if len({t["text"] for t in ticks}) != len(ticks) or values != sorted(set(values)):
            problems.append(f"{name}: {role}s in reading order are {[t['text'] for t in ticks]}")
    return problems


def _broken_legend(name: str, legend: list[dict], width: float, height: float) -> list[str]:
    problems = []
    for entry in legend:
        x, y, w, h = entry["box"]
        if entry["text"] != entry["name"]:
            problems.append(f"{name}: legend entry {entry['name']!r} reads {entry['text']!r}")
        if x < 0 or y < 0 or x + w > width or y + h > height:
            problems.append(f"{name}: legend entry {entry['name']!r} at {entry['box']} is outside the chart")
    return problems


def geometry_problems(facts: dict) -> list[str]:
    """Every svg chart of the page: text inside the chart, no two texts over each other, axis ticks
    distinct and in order, legend entries whole and inside. One list of what is wrong."""
    problems = []
    for chart in facts["charts"]:
        name, (width, height) = chart["id"], chart["viewBox"]
        texts = [t for t in chart["texts"] if t["text"].strip()]
        problems += _outside(name, texts, width, height)
        problems += _overlapping(name, texts)
        problems += _ticks_out_of_order(name, texts)
        problems += _broken_legend(name, chart["legend"], width, height)
    return problems


@pytest.fixture(scope="module")
def samples_page(samples_refresh, tmp_path_factory) -> Rendered:
    assert samples_refresh.result.returncode in (0, 2), samples_refresh.result.stderr
    folder = tmp_path_factory.mktemp("report_on_samples")
    html = folder / "report.html"
    run_cli("report", "--output", str(html), settings=samples_refresh.settings, check=True)
    return render(html, folder / "report.png", Path("/tmp/report_samples.png"))


@pytest.fixture(scope="module")
def demo_page(demo_refresh, tmp_path_factory) -> Rendered:
    folder = tmp_path_factory.mktemp("report_on_demo")
    html = folder / "report.html"
    run_cli("report", "--output", str(html), settings=demo_refresh, check=True)
    return render(html, folder / "report.png", Path("/tmp/report_demo.png"))


@pytest.fixture(params=["samples", "demo"])
def case(request) -> tuple[Rendered, object]:
    """Each assertion once on the real samples and once on the demo."""
    if request.param == "samples":
        refresh = request.getfixturevalue("samples_refresh")
        return request.getfixturevalue("samples_page"), refresh.settings
    return request.getfixturevalue("demo_page"), request.getfixturevalue("demo_refresh")


def test_the_report_title_names_the_last_month_the_data_covers(case):
    rendered, settings = case
    with published(settings) as con:
        last = data_last_month(con)
    assert rendered.facts["title"] == f"Social media report, to {month_name(last)}"


def test_no_section_says_it_has_no_data_when_its_mart_has_rows_for_the_period(case):
    rendered, settings = case
    with published(settings) as con:
        has_rows = marts_with_rows(con, data_last_month(con))
    sections = {section["title"]: section["text"] for section in rendered.facts["sections"]}
    assert set(has_rows) <= set(sections), sections.keys()
    wrongly_empty = [
        title for title, rows in has_rows.items() if rows and re.search(r"no data", sections[title], re.I)
    ]
    assert wrongly_empty == []
    assert any(has_rows.values())


def test_no_text_is_clipped_or_drawn_over_another_and_axes_and_legends_read_right(case):
    rendered, _ = case
    assert rendered.facts["charts"], "the page has no chart"
    assert geometry_problems(rendered.facts) == []
    assert rendered.facts["overflowing"] == []
    assert rendered.screenshot.stat().st_size > 10_000


def test_every_card_of_a_partly_covered_month_says_how_many_days_it_covers(case):
    rendered, settings = case
    with published(settings) as con:
        if "days_covered" not in _columns(con, "channel_monthly"):
            pytest.skip("this published copy's channel_monthly does not carry days_covered yet")
        rows = con.execute(
            "select channel, account, month, days_covered, days_in_month from marts.channel_monthly "
            "where is_partial"
        ).fetchall()
    partial = {(channel, account, month): (days, whole) for channel, account, month, days, whole in rows}
    cards = rendered.facts["cards"]
    checked = 0
    for card in cards:
        reported = card["when"].split(" vs ")[0]
        for (_, account, month), (days, whole) in partial.items():
            if card["account"].endswith(f" {account}") and reported.startswith(month_name(month)):
                assert reported == f"{month_name(month)} ({days} of {whole} days)", card
                checked += 1
    assert checked > 0, (cards, partial)


def test_a_new_follower_every_n_minutes_counts_only_the_days_the_follower_series_covers(
    samples_page, samples_refresh
):
    """The Page's Follows.csv starts on 20 September 2025 and ends on 17 October: October's rate is
    over its 17 days, not 31 (the month's length made the interval nearly twice too long)."""
    with published(samples_refresh.settings) as con:
        days, gained = con.execute(
            "select count(new_followers), sum(new_followers) from marts.community_growth "
            "where channel = 'facebook' and account = 'pc_merchandise' and date >= date '2025-10-01'"
        ).fetchone()
    (headline,) = [h for h in samples_page.facts["headlines"] if h.startswith("Facebook pc_merchandise")]
    assert days == 17
    assert f"{round(days * 24 * 60 / gained)} minutes in {days} of 31 days of October 2025" in headline


@pytest.fixture(scope="module")
def september_page(samples_refresh, tmp_path_factory) -> Rendered:
    """The samples reported for September 2025: the month of pc_merchandise's posts export, whose
    Follows.csv starts on the 20th."""
    folder = tmp_path_factory.mktemp("report_on_samples_september")
    html = folder / "september.html"
    run_cli(
        "report", "--output", str(html), "--month", "2025-09", settings=samples_refresh.settings, check=True
    )
    return render(html, folder / "september.png", folder / "september-copy.png")


def test_a_month_of_math_bold_post_titles_is_drawn_whole_or_shortened_inside_the_chart(
    september_page, samples_refresh
):
    """pc_merchandise's September 2025 posts are titled in "math bold" letters (outside the Basic
    Multilingual Plane, about one em wide each): shortened by character count, they ran off the
    chart's left edge. Measured and shortened with an ellipsis, every label fits, none overlaps."""
    with published(samples_refresh.settings) as con:
        (bold,) = con.execute(
            "select count(*) from marts.all_posts where account = 'pc_merchandise' "
            "and date_trunc('month', posted_at_local) = date '2025-09-01' and regexp_matches(text, '[𝐀-𝟿]')"
        ).fetchone()
    assert bold > 0, "the sample's math bold titles are not in all_posts"
    titles = [t["text"] for c in september_page.facts["charts"] if c["id"] == "top-posts" for t in c["texts"]]
    assert any(re.search("[𝐀-𝟿]", title) for title in titles), titles
    assert geometry_problems(september_page.facts) == []


def test_a_follower_series_starting_mid_month_gives_the_rate_over_its_own_days(
    september_page, samples_refresh
):
    """The Page gained 247 followers in September 2025 by its Follows.csv, which starts on the
    20th: one every 64 minutes over its 11 days, not every 2.9 hours over 30."""
    with published(samples_refresh.settings) as con:
        first, days, gained = con.execute(
            "select min(date), count(new_followers), sum(new_followers) from marts.community_growth "
            "where channel = 'facebook' and account = 'pc_merchandise' and date < date '2025-10-01'"
        ).fetchone()
    assert (first, days) == (date(2025, 9, 20), 11)
    (headline,) = [h for h in september_page.facts["headlines"] if h.startswith("Facebook pc_merchandise")]
    minutes = days * 24 * 60 / gained
    assert (
        f"every {round(minutes)} minutes in 11 of 30 days of September 2025 ({gained} in those days)"
        in headline
    )


def test_followers_of_a_partly_covered_month_are_compared_per_covered_day(samples_page, samples_refresh):
    """October 2025 (17 days of Follows.csv) against September (its last 11 days): 384 against 247
    is +55% in totals, but about +1% per day, which is what happened."""
    with published(samples_refresh.settings) as con:
        rows = con.execute(
            "select date_trunc('month', date), count(new_followers), sum(new_followers) "
            "from marts.community_growth where channel = 'facebook' and account = 'pc_merchandise' "
            "group by all order by 1"
        ).fetchall()
    (september_days, september), (october_days, october) = [(days, gained) for _, days, gained in rows]
    change = (october / october_days) / (september / september_days) - 1
    (card,) = [c for c in samples_page.facts["cards"] if c["account"] == "Facebook pc_merchandise"]
    arrow = "▲" if change > 0 else "▼"
    assert card["kpis"]["New followers"] == f"{october} {arrow}{abs(change) * 100:.0f}%"
    assert "per covered day" in card["note"]


def test_a_copy_published_before_channel_monthly_said_its_coverage_still_makes_a_report(
    demo_refresh, tmp_path
):
    """An analyst may point the report at a copy published by an older version, whose
    channel_monthly has no days_covered: months are then taken from the follower series, and the
    report is written, not a traceback."""
    from socialkpi.serve.report.data import COVERAGE_COLUMNS, read_report_data
    from socialkpi.serve.report.page import render_page

    older = tmp_path / "older.duckdb"
    shutil.copy(demo_refresh.warehouse.parent / "published" / "kpi.duckdb", older)
    older.chmod(0o644)
    with duckdb.connect(str(older)) as con:
        present = [
            c for c in (*COVERAGE_COLUMNS, "follower_days_covered") if c in _columns(con, "channel_monthly")
        ]
        for column in present:
            con.execute(f"alter table marts.channel_monthly drop column {column}")
        assert not set(COVERAGE_COLUMNS) & _columns(con, "channel_monthly")
        last = data_last_month(con)
        data = read_report_data(con)
    html = render_page(data, str(older), datetime(2026, 1, 1))
    assert f"Social media report, to {month_name(last)}" in html
    assert data.months and all(m.kpis for m in data.months)
