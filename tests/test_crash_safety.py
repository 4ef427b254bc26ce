"""`socialkpi refresh` killed with SIGKILL at every step (docs/design.md §8): the published copy is
always the old one or the new one, the run after a kill finishes what was left and says what it
undid, and the marts end equal to those of an uninterrupted run.

One chain, to keep it quick: a copy of the demo's refreshed and published warehouse, new files
arrive, and each refresh is killed at the next point (`SOCIALKPI_TEST_PAUSE_AT` makes the run
stop there and say so; the test then kills it), until a last refresh runs through. Another copy,
refreshed once without a kill, gives the marts the chain must end with.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import dlt
import duckdb
import pytest

from pipelines.checkpoints import POINTS
from pipelines.load import dlt_pipelines
from pipelines.settings import Settings
from tests.conftest import copy_of, killed_at, mart_rows, run_cli
from tests.corpus import X_CONTENT_HEADER, comparable, content_rows, csv_bytes, tweet_file, tweet_name


@dataclass(frozen=True)
class Kill:
    point: str
    output: str  # what the killed run said before it was killed
    published: dict[str, list[tuple]]
    pending_packages: int
    unrecorded_rows: int


@dataclass(frozen=True)
class Chain:
    settings: Settings
    old: dict[str, list[tuple]]
    reference: dict[str, list[tuple]]
    kills: list[Kill]
    final: subprocess.CompletedProcess

    def after(self, point: str) -> str:
        """What the run that followed the kill at `point` said (the next kill's run, or the last)."""
        index = POINTS.index(point)
        return (
            self.kills[index + 1].output
            if index + 1 < len(self.kills)
            else self.final.stderr + self.final.stdout
        )


def published_marts(settings: Settings, marts: list[str]) -> dict[str, list[tuple]]:
    return {mart: comparable(mart_rows(settings.published_marts, mart)) for mart in marts}


def pending_packages(settings: Settings) -> int:
    count = 0
    for name in dlt_pipelines():
        if (settings.pipelines_dir / name).is_dir():
            pipeline = dlt.pipeline(pipeline_name=name, pipelines_dir=str(settings.pipelines_dir))
            count += len(pipeline.list_extracted_load_packages()) + len(
                pipeline.list_normalized_load_packages()
            )
    return count


def unrecorded_rows(settings: Settings) -> int:
    """Raw rows of files the ledger does not list as loaded."""
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        tables = con.execute(  # the raw tables export files land in
            "select table_schema || '.' || table_name from information_schema.columns "
            "where table_schema like 'raw\\_%' escape '\\' and column_name = '_file_sha256'"
        ).fetchall()
        return sum(
            con.execute(
                f"select count(*) from {table} where _file_sha256 not in "
                "(select sha256 from raw_ledger.export_files where status = 'loaded')"
            ).fetchone()[0]
            for (table,) in tables
        )


def refresh_killed_at(point: str, settings: Settings) -> str:
    """Run `socialkpi refresh` until it pauses at `point`, SIGKILL it, return what it said."""
    return killed_at(point, ["refresh", *_location(settings)])


def _location(settings: Settings) -> list[str]:
    return ["--exports", settings.exports, "--warehouse", str(settings.warehouse), *_comments(settings)]


def write_arrivals(exports: Path) -> None:
    """The next night's new files: X per-tweet exports of two accounts and an X Content export."""
    for handle, first_id in (("CRASH_A", 2_000_000_000), ("CRASH_B", 2_100_000_000)):
        (exports / "arrived" / tweet_name(handle)).parent.mkdir(parents=True, exist_ok=True)
        (exports / "arrived" / tweet_name(handle)).write_bytes(tweet_file(handle, first_id, count=300))
    content = exports / "arrived" / "crash_c" / "account_analytics_content_2025-02-01_2025-03-28.csv"
    content.parent.mkdir(parents=True)
    content.write_bytes(csv_bytes([X_CONTENT_HEADER, *content_rows(50, 2_200_000_000)], quote_all=False))


@pytest.fixture(scope="module")
def chain(tmp_path_factory, demo_refresh) -> Chain:
    marts = _mart_names(demo_refresh)
    old = published_marts(demo_refresh, marts)
    uninterrupted = copy_of(demo_refresh, tmp_path_factory.mktemp("uninterrupted"))
    write_arrivals(Path(uninterrupted.exports))
    run_cli("refresh", *_comments(uninterrupted), settings=uninterrupted, check=True)

    settings = copy_of(demo_refresh, tmp_path_factory.mktemp("crash"))
    write_arrivals(Path(settings.exports))
    kills = []
    for point in POINTS:
        output = refresh_killed_at(point, settings)
        published, pending, unrecorded = (
            published_marts(settings, marts),
            pending_packages(settings),
            unrecorded_rows(settings),
        )
        kills.append(Kill(point, output, published, pending, unrecorded))
    final = run_cli("refresh", *_comments(settings), settings=settings)
    return Chain(settings, old, published_marts(uninterrupted, marts), kills, final)


def _comments(settings: Settings) -> list[str]:
    return ["--comments-from", str(settings.comments_from)]


def _mart_names(settings: Settings) -> list[str]:
    with duckdb.connect(str(settings.published_marts), read_only=True) as con:
        return sorted(
            n for (n,) in con.execute("select table_name from information_schema.tables").fetchall()
        )


def test_the_published_copy_after_every_kill_is_the_old_one_or_the_new_one(chain):
    assert chain.old != chain.reference, "the arriving files must change the marts"
    for kill in chain.kills:
        assert kill.published in (chain.old, chain.reference), (
            f"published copy changed by a kill at {kill.point}"
        )


def test_the_run_after_the_kills_ends_with_the_marts_of_an_uninterrupted_run(chain):
    assert chain.final.returncode == 0, chain.final.stderr
    assert "Traceback" not in chain.final.stderr
    marts = sorted(chain.reference)
    assert published_marts(chain.settings, marts) == chain.reference
    assert {mart: comparable(mart_rows(chain.settings.warehouse, mart)) for mart in marts} == chain.reference


def test_a_pending_dlt_package_left_by_a_kill_is_aborted_and_the_next_run_says_so(chain):
    killed_in_load = chain.kills[POINTS.index("dlt-load")]
    assert killed_in_load.pending_packages >= 1
    assert "aborted 1 pending dlt load package(s)" in chain.after("dlt-load")
    assert pending_packages(chain.settings) == 0


def test_raw_rows_of_a_run_killed_before_its_ledger_are_removed_and_land_once(chain):
    killed_before_ledger = chain.kills[POINTS.index("ledger")]
    assert killed_before_ledger.unrecorded_rows > 0
    assert f"removed {killed_before_ledger.unrecorded_rows} raw rows" in chain.after("ledger")
    assert unrecorded_rows(chain.settings) == 0
    with duckdb.connect(str(chain.settings.warehouse), read_only=True) as con:
        total, distinct = con.execute(
            "select count(*), count(distinct (_file_sha256, _source_file, _row_number)) "
            "from raw_twitter.tweets"
        ).fetchone()
    assert total == distinct


def test_a_killed_build_is_built_again_and_a_killed_publish_is_published_again(chain):
    assert "incremental dbt build" in chain.after("build")
    assert "dbt build skipped" in chain.after("publish"), "the build had passed: only the publish is redone"
    assert "publishing the marts" in chain.after("swap")
    leftovers = list(chain.settings.published_dir.glob(".building.*"))
    assert leftovers == []
