"""Loaded means visible: every raw table reaches a mart, or its source yml says why it stays raw.

The graph half reads dbt's manifest (sources, models and the edges between them) and walks from
each source table down to the `marts` schema; the warehouse half lists the raw tables a real demo
refresh created, so a table landed by the pipelines but never declared as a dbt source fails too.
The data half checks that LinkedIn's visitors and followers exports reach the marts with the
numbers the files wrote, negative follower days included.
"""

from __future__ import annotations

import json
from collections import deque
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.formats import ALL_FORMATS
from pipelines.settings import Settings
from socialkpi.demo.linkedin import _workbook_bytes
from tests.conftest import run_cli

# A source table documents why it reaches no mart with `config: {meta: {raw_only: "<reason>"}}`.
RAW_ONLY = "raw_only"
MARTS_SCHEMA = "marts"
# dlt's own bookkeeping tables (_dlt_loads, _dlt_version, ...) are not exports, and neither is
# the `<dataset>_staging` schema dlt merges through (raw_comments is written with merge).
DLT_BOOKKEEPING = "_dlt"
DLT_MERGE_STAGING = "_staging"


def _manifest(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _raw_sources(manifest: dict) -> dict[str, dict]:
    """The dbt sources over the warehouse's raw schemas, by `schema.table`."""
    return {
        f"{source['schema']}.{source['name']}": source
        for source in manifest["sources"].values()
        if source["schema"].startswith("raw_")
    }


def _marts_reached(manifest: dict, unique_id: str) -> set[str]:
    """The mart models downstream of a node, however many models lie between."""
    reached, seen, queue = set(), {unique_id}, deque([unique_id])
    while queue:
        for child in manifest["child_map"].get(queue.popleft(), []):
            if child in seen:
                continue
            seen.add(child)
            queue.append(child)
            node = manifest["nodes"].get(child, {})
            if node.get("resource_type") == "model" and node.get("schema") == MARTS_SCHEMA:
                reached.add(node["name"])
    return reached


def _raw_only_reason(source: dict) -> str:
    """The documented reason a source stays raw (config.meta, or the older top-level meta)."""
    return (source.get("config", {}).get("meta", {}) or source.get("meta", {})).get(RAW_ONLY, "")


def test_every_raw_source_table_reaches_a_mart_or_its_yml_says_why_it_stays_raw(dbt_manifest: Path):
    manifest = _manifest(dbt_manifest)
    sources = _raw_sources(manifest)
    assert sources, "the manifest declares no raw source at all"
    failures = []
    for table, source in sorted(sources.items()):
        marts, reason = _marts_reached(manifest, source["unique_id"]), _raw_only_reason(source).strip()
        if not marts and not reason:
            failures.append(
                f"{table} reaches no mart and its source yml does not say why "
                f"(add a model that reads it, or `config: {{meta: {{{RAW_ONLY}: <reason>}}}}`)"
            )
        if marts and reason:
            failures.append(f"{table} is documented raw-only ({reason!r}) but reaches {sorted(marts)}")
    assert not failures, "\n".join(failures)


def test_a_raw_only_reason_says_why_in_a_sentence(dbt_manifest: Path):
    reasons = {t: _raw_only_reason(s) for t, s in _raw_sources(_manifest(dbt_manifest)).items()}
    too_short = {t: r for t, r in reasons.items() if r and len(r.split()) < 5}
    assert not too_short, f"a raw_only reason must say why, not just flag the table: {too_short}"


def test_every_declared_export_format_lands_in_a_table_dbt_declares_as_a_source(dbt_manifest: Path):
    declared = set(_raw_sources(_manifest(dbt_manifest)))
    undeclared = sorted(
        {f"{fmt.raw_schema}.{fmt.table}" for fmt in ALL_FORMATS} - declared,
    )
    assert not undeclared, f"export formats land in raw tables no dbt source declares: {undeclared}"


def test_every_raw_table_of_a_refreshed_demo_warehouse_is_a_declared_source(
    demo_refresh: Settings, dbt_manifest: Path
):
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        landed = {
            f"{schema}.{table}"
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema like 'raw\\_%' escape '\\'"
            ).fetchall()
            if not table.startswith(DLT_BOOKKEEPING) and not schema.endswith(DLT_MERGE_STAGING)
        }
    assert "raw_linkedin.followers_daily" in landed, "the demo refresh created no LinkedIn raw table"
    undeclared = sorted(landed - set(_raw_sources(_manifest(dbt_manifest))))
    assert not undeclared, f"raw tables with no dbt source entry: {undeclared}"


# ---------------------------------------------------------------- LinkedIn data reaches the marts


def _day(cell: str) -> date:
    """A LinkedIn day as the reader lands it: `MM/DD/YYYY` text, or ISO from a real date cell."""
    for style in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(cell.strip()[:10], style).date()
        except ValueError:
            continue
    raise ValueError(f"not a LinkedIn day: {cell!r}")


def _latest_download_per_day(con: duckdb.DuckDBPyConnection, table: str, column: str) -> dict[date, int]:
    """Each day's value in raw from the most recent download that covers it (later snapshot, then
    later load), read in Python so the check does not repeat the models' SQL."""
    rows = con.execute(
        f"select date, {column}, _snapshot_date, _ingested_at, _source_file from raw_linkedin.{table}"
    ).fetchall()
    latest: dict[date, tuple] = {}
    for day, value, *order in rows:
        key = _day(day)
        if key not in latest or tuple(order) > latest[key][1]:
            latest[key] = (round(float(value)), tuple(order))
    return {day: value for day, (value, _) in latest.items()}


def _mart_by_day(con: duckdb.DuckDBPyConnection, query: str) -> dict[date, int]:
    return {day: value for day, value in con.execute(query).fetchall() if value is not None}


def test_the_demo_s_linkedin_visitors_and_followers_reach_the_marts_as_the_raw_downloads_say(
    demo_refresh: Settings,
):
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        raw = {
            measure: _latest_download_per_day(con, table, column)
            for measure, table, column in (
                ("page_views", "visitors_daily", "total_page_views_total"),
                ("unique_visitors", "visitors_daily", "total_unique_visitors_total"),
                ("new_followers", "followers_daily", "total_followers"),
            )
        }
        page_daily = {
            measure: _mart_by_day(con, f"select date, {measure} from marts.linkedin_page_daily")
            for measure in raw
        }
        growth = _mart_by_day(
            con, "select date, net_change from marts.community_growth where channel = 'linkedin'"
        )
    for measure, by_day in raw.items():
        assert by_day, f"the demo wrote no LinkedIn {measure}"
        assert page_daily[measure] == by_day, f"linkedin_page_daily.{measure} differs from raw"
        assert sum(page_daily[measure].values()) == sum(by_day.values())
    assert growth == raw["new_followers"], "community_growth's LinkedIn net change differs from raw"


FOLLOWERS_HEADER = [
    "Date",
    "Sponsored followers",
    "Organic followers",
    "Auto-invited followers",
    "Total followers",
]
DOWNLOAD = datetime(2025, 3, 1, 8, 16, tzinfo=UTC)
NET_LOSS_DAY = date(2025, 2, 20)


def _followers_workbook(days: int = 14) -> tuple[bytes, dict[date, int]]:
    """A followers export as LinkedIn writes it (BIFF `.xls`, `New followers` with the day's new
    followers and a `Location` sheet), with net unfollows on one day: organic -7, total -5."""
    rows, totals = [FOLLOWERS_HEADER], {}
    for offset in range(days, 0, -1):
        day = DOWNLOAD.date() - timedelta(days=offset)
        organic, sponsored = (-7, 2) if day == NET_LOSS_DAY else (30 + offset, offset % 3)
        totals[day] = organic + sponsored
        rows.append([day.strftime("%m/%d/%Y"), sponsored, organic, 0, organic + sponsored])
    location = [["Location", "Total followers"], ["Geneva, Switzerland", 41250]]
    return _workbook_bytes({"New followers": rows, "Location": location}, xlsx=False), totals


def test_a_negative_linkedin_follower_day_reaches_community_growth_as_a_net_loss_and_nothing_is_quarantined(
    workspace: Settings,
):
    content, totals = _followers_workbook()
    epoch_ms = int(DOWNLOAD.timestamp() * 1000)
    path = Path(workspace.exports) / "cern" / f"cern_followers_{epoch_ms}.xls"
    path.parent.mkdir(parents=True)
    path.write_bytes(content)

    result = run_cli("refresh", settings=workspace)

    assert result.returncode == 0, f"refresh failed:\n{result.stdout}\n{result.stderr}"
    with duckdb.connect(str(workspace.warehouse), read_only=True) as con:
        statuses = con.execute("select status, reason from raw_ledger.export_files").fetchall()
        growth = {
            day: (new, net, minutes)
            for day, new, net, minutes in con.execute(
                "select date, new_followers, net_change, minutes_per_new_follower "
                "from marts.community_growth where channel = 'linkedin'"
            ).fetchall()
        }
        page_daily = dict(con.execute("select date, new_followers from marts.linkedin_page_daily").fetchall())
    assert [status for status, _ in statuses] == ["loaded"], f"the file was not loaded: {statuses}"
    assert {day: net for day, (_, net, _) in growth.items()} == totals
    assert page_daily == totals
    new, net, minutes = growth[NET_LOSS_DAY]
    assert net == -5, "the net unfollow day must reach community_growth as a net loss"
    assert new is None and minutes is None, (
        "LinkedIn writes only the net: how many followed that day is unknown"
    )
    gaining_day = NET_LOSS_DAY - timedelta(days=1)
    assert growth[gaining_day][0] == totals[gaining_day]
    assert growth[gaining_day][2] == pytest.approx(1440 / totals[gaining_day])
