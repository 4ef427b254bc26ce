"""`socialkpi report`: one self-contained page, rendered by a real browser (Debian's chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.conftest import run_cli

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report(demo_refresh, tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("report") / "report.html"
    result = run_cli("report", "--output", str(output), settings=demo_refresh, check=True)
    assert str(output) in result.stdout
    return output


def test_the_report_loads_nothing_from_the_network(report):
    html = report.read_text()
    assert not re.search(r"<script[^>]+src=|<link\b|<img\b|@import|url\(", html)
    assert "<svg" in html and "</html>" in html


def test_the_report_renders_in_chromium_with_no_console_error_and_every_chart_has_data(report):
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: `make browser` installs Debian's chromium")
    problems, requests = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("request", lambda request: requests.append(request.url))
        page.goto(report.as_uri())
        page.screenshot(path=str(report.with_suffix(".png")), full_page=True)
        marks = page.evaluate(
            "() => Object.fromEntries([...document.querySelectorAll('svg.chart')]"
            ".map(svg => [svg.dataset.chart, svg.querySelectorAll('.mark').length]))"
        )
        browser.close()

    assert problems == []
    assert [url for url in requests if not url.startswith("file://")] == []
    assert report.with_suffix(".png").stat().st_size > 10_000
    assert {"engagement-rate", "community-growth", "top-posts", "reach-followers", "reach-segments"} <= set(
        marks
    ), marks
    assert any(chart.startswith("labels-") for chart in marks), marks
    assert any(chart.startswith("best-time-") for chart in marks), marks
    assert all(count > 0 for count in marks.values()), marks


def test_each_account_is_reported_for_its_last_month_with_data_and_says_how_much_of_it(report, demo_refresh):
    """The demo's last Facebook download is in September 2025. The report used to skip to August
    (the last complete month), so a fresh download never showed; it now reports September and
    says how many of its days the data covers, as channel_monthly counts them."""
    with duckdb.connect(
        str(demo_refresh.warehouse.parent / "published" / "kpi.duckdb"), read_only=True
    ) as con:
        columns = {
            c
            for (c,) in con.execute(
                "select column_name from duckdb_columns() where table_name = 'channel_monthly'"
            ).fetchall()
        }
        if "days_covered" not in columns:
            pytest.skip("channel_monthly does not carry days_covered in this published copy")
        days, whole = con.execute(
            "select days_covered, days_in_month from marts.channel_monthly "
            "where channel = 'facebook' and account = 'cern' and month = date '2025-09-01'"
        ).fetchone()
    html = report.read_text()
    card = re.search(r"<h3>Facebook cern</h3><div class=\"when\">([^<]+)</div>", html)
    assert days < whole
    assert card and card.group(1) == f"September 2025 ({days} of {whole} days) vs August 2025"


def test_a_chosen_month_is_reported_for_every_account(demo_refresh, tmp_path):
    output = tmp_path / "june.html"
    run_cli("report", "--output", str(output), "--month", "2025-06", settings=demo_refresh, check=True)
    months = re.findall(r'<div class="when">([^<]+)</div>', output.read_text())
    # A month the data covers in part says how much of it ("May 2025 (27 of 31 days)").
    chosen = re.compile(r"June 2025( \(\d+ of 30 days\))? vs May 2025( \(\d+ of 31 days\))?")
    assert months and all(chosen.fullmatch(month) for month in months), months


def test_report_without_a_published_copy_says_so_in_one_line(workspace):
    result = run_cli("report", settings=workspace)
    assert result.returncode == 1
    assert "nothing published yet" in result.stderr and "Traceback" not in result.stderr
