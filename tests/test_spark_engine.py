"""The same dbt project on Apache Spark (SOCIALKPI_ENGINE=spark): every model builds and every
test passes there, and every mart holds what the DuckDB build of the same raw rows holds.

The raw rows are the demo refresh's, written into a lake folder as Parquet, one folder per raw
table (`<lake>/raw_<channel>/<table>/`, the layout dlt's filesystem destination writes), by
`python -m socialkpi.build.spark --raw-from`, which then builds on Spark in local mode."""

from __future__ import annotations

import datetime as dt
import math
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "dbt_project" / "models"
# Columns whose value is the moment of the build, different in any two builds.
BUILD_TIME_COLUMNS = {("data_quality", "detected_at")}


@pytest.fixture(scope="module")
def spark_lake(demo_refresh, tmp_path_factory) -> Path:
    lake = tmp_path_factory.mktemp("lake")
    built = subprocess.run(
        [
            sys.executable,
            *("-m", "socialkpi.build.spark", "--lake", str(lake)),
            *("--raw-from", str(demo_refresh.warehouse)),
        ],
        capture_output=True,
        text=True,
        cwd=lake,
        timeout=900,
        check=False,
    )
    summary = [line for line in built.stdout.splitlines() if re.search(r"Done\.|ERROR|FAIL|Error", line)]
    assert built.returncode == 0, (
        "dbt build on Spark failed:\n" + "\n".join(summary[-30:]) + built.stderr[-2000:]
    )
    return lake


def comparable(value):
    """A value as both engines should agree on it: doubles to 9 significant digits, instants as
    UTC wall-clock times, lists as tuples."""
    if isinstance(value, float):
        return None if math.isnan(value) else float(f"{value:.9g}")
    if isinstance(value, dt.datetime) and value.tzinfo:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, list):
        return tuple(comparable(item) for item in value)
    return value


def rows_of(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    rows = [tuple(comparable(value) for value in row) for row in con.execute(sql).fetchall()]
    return sorted(rows, key=lambda row: tuple((value is None, str(value)) for value in row))


def test_every_mart_built_on_spark_holds_what_the_duckdb_build_of_the_same_raw_rows_holds(
    demo_refresh, spark_lake
):
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        marts = [
            name
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' order by 1"
            ).fetchall()
        ]
        assert len(marts) > 20
        different = []
        for mart in marts:
            columns = [
                name
                for (name,) in con.execute(
                    "select column_name from information_schema.columns"
                    " where table_schema = 'marts' and table_name = ? order by ordinal_position",
                    [mart],
                ).fetchall()
                if (mart, name) not in BUILD_TIME_COLUMNS
            ]
            listed = ", ".join(f'"{name}"' for name in columns)
            on_duckdb = rows_of(con, f"select {listed} from marts.{mart}")
            files = spark_lake / "warehouse" / "marts.db" / mart
            on_spark = rows_of(con, f"select {listed} from read_parquet('{files}/*.parquet')")
            if len(on_duckdb) != len(on_spark):
                different.append(f"{mart}: {len(on_duckdb)} rows on DuckDB, {len(on_spark)} on Spark")
                continue
            for index, column in enumerate(columns):
                pairs = [(d[index], s[index]) for d, s in zip(on_duckdb, on_spark, strict=True)]
                unequal = [(d, s) for d, s in pairs if d != s]
                if unequal:
                    different.append(
                        f"{mart}.{column}: {unequal[0][0]!r} on DuckDB, {unequal[0][1]!r} on Spark"
                    )
    assert not different, "marts that differ between the engines:\n" + "\n".join(different)
    # the demo's marts are not empty: equal empty tables would prove nothing
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        (posts,) = con.execute("select count(*) from marts.all_posts").fetchone()
    assert posts > 1000


def test_no_model_file_names_an_engine():
    named = [
        f"{path.relative_to(MODELS)}: {match.group()}"
        for path in sorted(MODELS.rglob("*.sql"))
        for match in re.finditer(r"\b(duckdb|spark)\b", path.read_text(), re.IGNORECASE)
    ]
    assert not named, "engine-specific model files:\n" + "\n".join(named)
