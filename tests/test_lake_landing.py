"""Landing into the lake on the Spark engine (SOCIALKPI_ENGINE=spark, pipelines/lake.py), without
starting Spark: `socialkpi load` writes the rows as Parquet through dlt's filesystem destination
and keeps the ledger in the warehouse file. A refused file never reaches the lake, loading again
changes nothing, an unloaded file's rows leave the Parquet files, and a load killed between
landing and the ledger is undone so that every file's rows are in the lake once."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.comments.load import FORGOTTEN_TABLE
from pipelines.lake import KEPT_IN_THE_WAREHOUSE
from pipelines.reconcile import reconcile
from pipelines.settings import Settings, load_settings
from tests.conftest import killed_at, ledger_entries, require_samples, run_cli
from tests.test_spark_engine import lake_files, spark_engine

TWEETS = "twitter/SolGab/account_analytics_content_2026-04-19_2026-05-16.csv"
VIDEOS = "youtube/sample_channel/Table data.csv"


@dataclass(frozen=True)
class Lake:
    settings: Settings
    lake: Path

    def load(self) -> subprocess.CompletedProcess:
        return run_cli("load", settings=self.settings, env=spark_engine(self.lake))

    def rows_of(self, relative_path: str) -> int:
        """The rows of that export file in every raw table of the lake."""
        sha = hashlib.sha256((Path(self.settings.exports) / relative_path).read_bytes()).hexdigest()
        files = [str(p) for p in self.lake.glob("raw_*/*/*.parquet") if p.parent.parent.name != "raw_ledger"]
        if not files:
            return 0
        with duckdb.connect() as con:
            return con.execute(
                "select count(*) from read_parquet(?, union_by_name = true) where _file_sha256 = ?",
                [files, sha],
            ).fetchone()[0]


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    samples = require_samples()
    exports = tmp_path / "exports"
    for relative in (TWEETS, VIDEOS):
        (exports / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(samples / relative, exports / relative)
    settings = load_settings(str(exports), tmp_path / "warehouse" / "socialkpi.duckdb")
    return Lake(settings, tmp_path / "lake")


def test_a_file_the_reader_refuses_never_reaches_the_lake_and_loading_again_changes_nothing(lake):
    broken = Path(lake.settings.exports) / "linkedin" / "broken.xlsx"
    broken.parent.mkdir()
    broken.write_bytes(b"PK\x03\x04 this is no workbook")
    first = lake.load()
    assert first.returncode == 2, first.stdout + first.stderr
    ledger = ledger_entries(lake.settings)
    assert ledger["linkedin/broken.xlsx"][0] != "loaded"
    assert lake.rows_of("linkedin/broken.xlsx") == 0
    for path in (TWEETS, VIDEOS):
        status, _reason, rows = ledger[path]
        assert status == "loaded" and rows > 0
        assert lake.rows_of(path) == rows
    before = lake_files(lake.lake)
    again = lake.load()
    assert again.returncode == 0, again.stdout + again.stderr  # the same refusal is no news
    assert ledger_entries(lake.settings)["linkedin/broken.xlsx"][0] != "loaded"
    assert lake_files(lake.lake) == before
    assert reconcile(lake.settings.warehouse) == 2


def test_unloading_a_file_on_spark_rewrites_the_lake_without_its_rows_and_keeps_the_others(lake):
    assert lake.load().returncode == 0
    videos = lake.rows_of(VIDEOS)
    assert lake.rows_of(TWEETS) > 0 and videos > 0
    unloaded = run_cli("files", "--unload", TWEETS, settings=lake.settings, env=spark_engine(lake.lake))
    assert unloaded.returncode == 0, unloaded.stdout + unloaded.stderr
    assert lake.rows_of(TWEETS) == 0
    assert lake.rows_of(VIDEOS) == videos
    assert not [p for p in lake.lake.rglob(".*") if p.is_file()], "a rewrite left a file aside"
    assert ledger_entries(lake.settings)[TWEETS][1].startswith("unloaded by ")
    assert reconcile(lake.settings.warehouse) == 1
    again = lake.load()  # the same bytes stay out
    assert again.returncode == 0 and lake.rows_of(TWEETS) == 0


def test_a_load_killed_after_landing_in_the_lake_is_undone_and_every_file_lands_once(lake):
    location = ["--exports", lake.settings.exports, "--warehouse", str(lake.settings.warehouse)]
    killed_at("ledger", ["load", *location], spark_engine(lake.lake))
    assert lake.rows_of(TWEETS) > 0  # landed, never recorded

    after = lake.load()
    said = after.stdout + after.stderr
    assert after.returncode == 0, said
    assert "a previous load was interrupted" in said
    ledger = ledger_entries(lake.settings)
    for path in (TWEETS, VIDEOS):
        assert lake.rows_of(path) == ledger[path][2]
    assert reconcile(lake.settings.warehouse) == 2


def test_the_lake_keeps_a_copy_of_the_forgotten_authors_table_the_comments_loader_names():
    assert FORGOTTEN_TABLE in KEPT_IN_THE_WAREHOUSE


def test_a_warehouse_loaded_on_duckdb_is_refused_by_the_spark_engine_before_anything_lands(lake):
    on_duckdb = run_cli("load", settings=lake.settings)
    assert on_duckdb.returncode == 0, on_duckdb.stdout + on_duckdb.stderr
    added = Path(lake.settings.exports) / "twitter" / "SolGab" / "account_overview_analytics.csv"
    shutil.copy(require_samples() / "twitter" / "SolGab" / "account_overview_analytics.csv", added)
    on_spark = lake.load()
    assert on_spark.returncode == 1
    assert "rows landed in the warehouse file on DuckDB" in on_spark.stderr
    assert "--raw-from" in on_spark.stderr
    assert not lake.lake.exists() or not list(lake.lake.rglob("*.parquet"))


def test_an_engine_socialkpi_does_not_run_on_is_refused_in_one_line(lake):
    refused = run_cli("load", settings=lake.settings, env={"SOCIALKPI_ENGINE": "bigquery"})
    assert refused.returncode == 1
    assert "SOCIALKPI_ENGINE='bigquery': use one of duckdb, spark" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert not lake.settings.warehouse.exists()
