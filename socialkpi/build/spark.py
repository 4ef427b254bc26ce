"""The dbt project on Apache Spark (SOCIALKPI_ENGINE=spark, README "Growing past one machine").

The raw tables are Parquet folders in a lake (SOCIALKPI_LAKE): `<lake>/<raw schema>/<table>/`,
as dlt's filesystem destination writes them. Spark's catalogue (a Hive metastore kept in the lake)
names each folder as the raw table dbt's sources read, and dbt-spark builds every model and runs
every test there (dbt_project/profiles.yml, target `spark`), in this process.

Every Spark build is a full refresh: the lake's tables are Parquet files, which cannot delete rows,
so an incremental model is built whole (dbt_project/macros/spark_full_refresh.sql).

    python -m socialkpi.build.spark --lake <folder> [--raw-from <warehouse.duckdb>]

`--raw-from` first writes a DuckDB warehouse's raw tables into the lake as Parquet, replacing
what the lake held: until the loader lands into a lake itself, that is how the rows the DuckDB
loader landed reach Spark.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import jinja2
import yaml

from pipelines.formats import ALL_FORMATS
from pipelines.reader import lineage_types, table_columns
from pipelines.settings import DBT_PROJECT_DIR

ENGINE_ENV = "SOCIALKPI_ENGINE"
LAKE_ENV = "SOCIALKPI_LAKE"
# Spark's names for the types of the declared lineage columns (pipelines/reader.py).
_SPARK_TYPES = {"string": "string", "int64": "bigint", "date32[day]": "date"}


def spark_parameters(lake: Path) -> dict[str, str]:
    """The Spark settings of the profile's `spark` target, for this lake: the one place they are
    written, whether dbt starts Spark or this module does."""
    environment = jinja2.Environment()
    environment.filters["as_number"] = lambda value: value
    text = (DBT_PROJECT_DIR / "profiles.yml").read_text()
    overrides = {LAKE_ENV: str(lake)}

    def env_var(name: str, default: str | None = None) -> str:
        value = overrides.get(name, os.environ.get(name, default))
        if value is None:
            raise KeyError(f"{name} is not set")
        return value

    rendered = environment.from_string(text).render(env_var=env_var)
    spark = yaml.safe_load(rendered)["socialkpi"]["outputs"]["spark"]
    return {key: str(value) for key, value in spark["server_side_parameters"].items()}


def start_spark(lake: Path):
    """Spark in this process, with the profile's settings; dbt-spark's session method then uses
    this same session."""
    from pyspark.sql import SparkSession  # a second or two to import; only on the Spark engine

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in spark_parameters(lake).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


def raw_table_statements(lake: Path) -> list[str]:
    """SQL naming every raw table of the lake in Spark's catalogue: each table folder found
    (columns as its Parquet files give them), and each declared export table no file has
    filled yet, empty, with its declared columns, so dbt's sources always exist."""
    statements = []
    found = set()
    for table_dir in sorted(path for path in lake.glob("raw_*/*") if path.is_dir()):
        schema, table = table_dir.parent.name, table_dir.name
        found.add((schema, table))
        statements += [
            f"create database if not exists {schema}",
            f"drop table if exists {schema}.{table}",
            f"create table {schema}.{table} using parquet options (mergeSchema 'true')"
            f" location '{table_dir}'",
        ]
    lineage = {name: _SPARK_TYPES.get(str(kind), "timestamp") for name, kind in lineage_types().items()}
    for fmt in {(f.raw_schema, f.table): f for f in ALL_FORMATS}.values():
        if (fmt.raw_schema, fmt.table) in found:
            continue
        columns = {**dict.fromkeys(table_columns(fmt), "string"), **lineage}
        typed = ", ".join(f"`{name}` {kind}" for name, kind in columns.items())
        location = lake / fmt.raw_schema / fmt.table
        statements += [
            f"create database if not exists {fmt.raw_schema}",
            f"drop table if exists {fmt.raw_schema}.{fmt.table}",
            f"create table {fmt.raw_schema}.{fmt.table} ({typed}) using parquet location '{location}'",
        ]
    return statements


def raw_tables_from_warehouse(warehouse: Path, lake: Path) -> int:
    """Write every raw table of a DuckDB warehouse into the lake as Parquet (one folder per table,
    as dlt's filesystem destination lays them out), replacing each table's folder; dlt's own
    bookkeeping tables stay behind. Returns the number of tables."""
    import shutil

    from pipelines.warehouse import open_warehouse

    with open_warehouse(warehouse, read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables"
            " where table_type = 'BASE TABLE' and starts_with(table_schema, 'raw_')"
            " and not ends_with(table_schema, '_staging') and not starts_with(table_name, '_dlt')"
        ).fetchall()
        for schema, table in tables:
            folder = lake / schema / table
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            con.execute(f"copy {schema}.{table} to '{folder / 'rows.parquet'}' (format parquet)")
    return len(tables)


def build_on_spark(lake: Path, *dbt_args: str) -> bool:
    """Name the lake's raw tables in Spark, then `dbt build --full-refresh` there; True when
    every model and test passed."""
    from dbt.cli.main import dbtRunner

    lake = lake.resolve()
    lake.mkdir(parents=True, exist_ok=True)
    os.environ[ENGINE_ENV] = "spark"
    os.environ[LAKE_ENV] = str(lake)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    session = start_spark(lake)
    for statement in raw_table_statements(lake):
        session.sql(statement)
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    state = ["--target-path", str(lake / "dbt_target"), "--log-path", str(lake / "logs")]
    result = dbtRunner().invoke(["build", "--full-refresh", *project, *state, *dbt_args])
    return bool(result.success)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", type=Path, required=True, help="the lake folder (raw_*/<table>/ Parquet)")
    parser.add_argument(
        "--raw-from", type=Path, help="a DuckDB warehouse whose raw tables go to the lake first"
    )
    arguments, dbt_args = parser.parse_known_args(argv)
    if arguments.raw_from:
        if not arguments.raw_from.is_file():
            parser.error(f"--raw-from: no warehouse at {arguments.raw_from}")
        copied = raw_tables_from_warehouse(arguments.raw_from, arguments.lake)
        print(f"wrote {copied} raw tables of {arguments.raw_from} into {arguments.lake}")
    return 0 if build_on_spark(arguments.lake, *dbt_args) else 1


if __name__ == "__main__":
    sys.exit(main())
