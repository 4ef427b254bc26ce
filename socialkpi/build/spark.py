"""The dbt project on Apache Spark (SOCIALKPI_ENGINE=spark, README "Growing past one machine").

The raw tables are Parquet folders in a lake (SOCIALKPI_LAKE): `<lake>/<raw schema>/<table>/`,
as dlt's filesystem destination writes them. A dbt macro names each folder in Spark's catalogue as
the raw table dbt's sources read (dbt_project/macros/lake_tables.sql), and dbt-spark builds every
model and runs every test there, all through the profile's `spark` target: Spark in this process
(method `session`, dbt_project/profiles.yml), or a cluster's server (`thrift`, `http`) in a
profile that DBT_PROFILES_DIR names.

Every Spark build is a full refresh: the lake's tables are Parquet files, which cannot delete rows,
so an incremental model is built whole (dbt_project/macros/spark_full_refresh.sql).

`socialkpi refresh` with SOCIALKPI_ENGINE=spark lands the raw rows into the lake and builds here
(socialkpi/steps.py); this module also runs alone:

    python -m socialkpi.build.spark --lake <folder> (--warehouse <its ledger> | --raw-from <warehouse>)

`--raw-from` first writes a DuckDB warehouse's raw tables into the lake as Parquet, replacing
what the lake held: how a warehouse loaded on DuckDB moves to Spark.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import jinja2
import yaml

from pipelines.lake import copy_kept_tables, expose_built_tables, placeholder_tables, table_folders
from pipelines.settings import DBT_PROJECT_DIR, ENGINE_ENV, LAKE_ENV, Settings
from pipelines.warehouse import open_warehouse
from socialkpi.build.dbt_runner import WITHOUT_UNIT_TESTS, BuildFailed, DbtEvents, invoke_observed


def profiles_dir() -> Path:
    """Where the dbt profile is: DBT_PROFILES_DIR, as dbt reads it (a cluster's `thrift` or `http`
    target, kept outside the repository), else the project's own (the `session` target)."""
    return Path(os.environ.get("DBT_PROFILES_DIR") or DBT_PROJECT_DIR)


def spark_target(lake: Path) -> dict:
    """The profile's `spark` target rendered for this lake: the one place its settings are
    written, whether dbt starts Spark or this module does."""
    environment = jinja2.Environment()
    environment.filters["as_number"] = lambda value: value
    text = (profiles_dir() / "profiles.yml").read_text()
    overrides = {LAKE_ENV: str(lake)}

    def env_var(name: str, default: str | None = None) -> str:
        value = overrides.get(name, os.environ.get(name, default))
        if value is None:
            raise KeyError(f"{name} is not set")
        return value

    rendered = environment.from_string(text).render(env_var=env_var)
    return yaml.safe_load(rendered)["socialkpi"]["outputs"]["spark"]


def spark_parameters(lake: Path) -> dict[str, str]:
    """The Spark settings of the profile's `spark` target, for this lake."""
    return {key: str(value) for key, value in spark_target(lake).get("server_side_parameters", {}).items()}


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


# Spark's names for the DuckDB types of the warehouse file's empty raw tables.
_SPARK_TYPES = {
    "VARCHAR": "string",
    "BIGINT": "bigint",
    "INTEGER": "int",
    "DOUBLE": "double",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP WITH TIME ZONE": "timestamp",
    "TIMESTAMP": "timestamp_ntz",
    "VARCHAR[]": "array<string>",
    "JSON": "string",
}


def spark_type(duckdb_type: str) -> str:
    if duckdb_type.startswith("DECIMAL"):
        return duckdb_type.lower()
    try:
        return _SPARK_TYPES[duckdb_type]
    except KeyError:
        raise ValueError(f"no Spark type for the DuckDB type {duckdb_type} of an empty raw table") from None


def lake_tables(lake: Path, placeholders: dict[str, dict[str, str]]) -> list[dict]:
    """Every raw table of the lake, as the `register_lake_tables` macro names them in Spark's
    catalogue (dbt_project/macros/lake_tables.sql): each table folder with Parquet files (columns
    as its files give them), and each table the warehouse file declares that no file has filled
    yet (`placeholders`, pipelines/lake.py), empty, with its declared columns, so dbt's sources
    always exist."""
    tables = []
    found = set()
    for folder in table_folders(lake):
        if not any(folder.glob("*.parquet")):
            continue  # dlt's load records (`_dlt_loads`), or a folder nothing landed in
        found.add(f"{folder.parent.name}.{folder.name}")
        tables.append({"schema": folder.parent.name, "name": folder.name, "location": str(folder)})
    for table, columns in sorted(placeholders.items()):
        if table in found:
            continue
        schema, name = table.split(".")
        typed = [[column, spark_type(kind)] for column, kind in columns.items()]
        tables.append(
            {"schema": schema, "name": name, "location": str(lake / schema / name), "columns": typed}
        )
    return tables


def raw_tables_from_warehouse(warehouse: Path, lake: Path) -> int:
    """Write every raw table of a DuckDB warehouse into the lake as Parquet (one folder per table,
    as dlt's filesystem destination lays them out), replacing each table's folder; dlt's own
    bookkeeping tables stay behind. Returns the number of tables."""
    import shutil

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


def build_on_spark(
    lake: Path,
    warehouse: Path,
    *dbt_args: str,
    progress: Callable[[str], None] | None = None,
    events: DbtEvents | None = None,
    expose: bool = True,
    command: str = "build",
) -> list[str]:
    """Copy the tables the warehouse file keeps (the ledger) into the lake, name the lake's raw
    tables in Spark, then `dbt build --full-refresh` there, observed as a DuckDB build is
    (progress said, each node's result event into `events`); then, unless `expose` is False (the
    warehouse is a DuckDB one whose raw rows were copied, with models of its own), make what
    Spark built views in the warehouse file. `command="test"` runs dbt's tests instead of a build
    (the unit tests: `dbt build` runs a unit test only beside its model). Returns the models and
    tests that failed (none: they passed)."""
    lake = lake.resolve()
    lake.mkdir(parents=True, exist_ok=True)
    with open_warehouse(warehouse, read_only=True) as con:
        copy_kept_tables(con, lake)
        placeholders = placeholder_tables(con)
    project = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(profiles_dir())]
    state = ["--target-path", str(lake / "dbt_target"), "--log-path", str(lake / "logs")]
    # The profile picks its `spark` target and lake from the environment; a process that goes on
    # (Dagster's, a test's) gets its own back, and its next build a session of its own lake.
    with _environment({ENGINE_ENV: "spark", LAKE_ENV: str(lake), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}):
        # Spark in this process for the `session` method, so that it is stopped afterwards; a
        # `thrift` or `http` target reaches a cluster's server instead, through dbt alone.
        session = start_spark(lake) if spark_target(lake).get("method") == "session" else None
        try:
            # Through dbt's connection, as on a cluster: the same session here, its server there.
            tables = json.dumps({"tables": lake_tables(lake, placeholders)})
            registered = invoke_observed(
                ["run-operation", "register_lake_tables", "--args", tables, *project, *state]
            )
            if not registered.success:
                return [f"registering the lake's raw tables: {registered.exception or 'see dbt.log'}"]
            full = ["--full-refresh"] if command == "build" else []
            result = invoke_observed([command, *full, *project, *state, *dbt_args], progress, events)
        finally:
            if session is not None:
                session.stop()
    if expose:
        with open_warehouse(warehouse) as con:  # what Spark built, failed build or not
            expose_built_tables(con, models_dir(lake))
    if result.success:
        return []
    if result.exception is not None or result.result is None:
        return [f"dbt: {result.exception}"]
    return [r.node.name for r in result.result.results if str(r.status) in ("error", "fail")]


def build_models_on_spark(
    settings: Settings,
    *arguments: str,
    progress: Callable[[str], None] | None = None,
    events: DbtEvents | None = None,
) -> None:
    """`dbt build` on Spark as the steps run it, the twin of dbt_runner.build_models: seeds,
    models, contracts and data tests (WITHOUT_UNIT_TESTS: they test the SQL, not the night's
    rows), every model rebuilt whole. Raises BuildFailed naming what failed."""
    arguments = (*(a for a in arguments if a != "--full-refresh"), *WITHOUT_UNIT_TESTS)
    failed = build_on_spark(settings.lake, settings.warehouse, *arguments, progress=progress, events=events)
    if failed:
        shown = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        raise BuildFailed(f"dbt build on Spark failed: {shown} (see {settings.lake / 'logs' / 'dbt.log'})")


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def models_dir(lake: Path) -> Path:
    """Where Spark writes the tables dbt builds (its warehouse folder): one folder per schema
    (`<schema>.db`), one per table in it. The `session` target sets it; a cluster's server has
    its own, which must be `<lake>/warehouse` (README, Growing past one machine)."""
    return Path(spark_parameters(lake).get("spark.sql.warehouse.dir") or lake / "warehouse")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lake", type=Path, required=True, help="the lake folder (raw_*/<table>/ Parquet)")
    parser.add_argument(
        "--raw-from", type=Path, help="a DuckDB warehouse whose raw tables go to the lake first"
    )
    parser.add_argument(
        "--warehouse", type=Path, help="the warehouse file that keeps the ledger of the lake's rows"
    )
    parser.add_argument(
        "--unit-tests", action="store_true", help="run the dbt unit tests on Spark instead of building"
    )
    arguments, dbt_args = parser.parse_known_args(argv)
    if not (arguments.raw_from or arguments.warehouse):
        parser.error("give --warehouse (the lake's ledger), or --raw-from (a DuckDB warehouse)")
    if arguments.raw_from:
        if not arguments.raw_from.is_file():
            parser.error(f"--raw-from: no warehouse at {arguments.raw_from}")
        copied = raw_tables_from_warehouse(arguments.raw_from, arguments.lake)
        print(f"wrote {copied} raw tables of {arguments.raw_from} into {arguments.lake}")
    warehouse = arguments.raw_from or arguments.warehouse
    if arguments.unit_tests:
        dbt_args = ["--select", "test_type:unit", *dbt_args]
    command = "test" if arguments.unit_tests else "build"
    failed = build_on_spark(
        arguments.lake, warehouse, *dbt_args, expose=not arguments.raw_from, command=command
    )
    if failed:
        print("failed on Spark: " + ", ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
