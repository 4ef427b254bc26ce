"""The lake: where the raw tables live on the Spark engine (SOCIALKPI_ENGINE=spark, README
"Growing past one machine").

dlt lands every raw table as Parquet through its filesystem destination, one folder per table:
`<lake>/<raw schema>/<table>/<load id>.<file id>.parquet`, beside dlt's own `_dlt_loads` folder
(one JSON line per completed load). Spark names those folders as its raw tables
(socialkpi/build/spark.py). The file ledger stays where the loader keeps its record, in the
warehouse file, and a copy of it is written into the lake before each Spark build.

The loader's own questions of the raw rows (reconciliation, which tables have rows since the last
build, which rows a file landed) are asked in the warehouse file as on DuckDB: there, each lake
table is a view over its files (`expose_lake_tables`), so one set of queries serves both engines.

Parquet files cannot delete rows: taking a file's rows out (the rows a killed load left
unrecorded, a quarantine, `socialkpi files --unload`) rewrites each Parquet file that holds any
beside it and renames it over the old one, so a reader sees the old file or the new one, never
half of one (`take_out_rows`).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.ledger import LEDGER_TABLE
from pipelines.memory import duckdb_memory_limit
from pipelines.run_state import STATE_TABLE
from pipelines.warehouse import sql_string

# dlt's bookkeeping folders in each dataset that are no table of ours; `_dlt_loads` is kept (the
# run state reads which loads completed, pipelines/run_state.py).
_DLT_INTERNAL = ("_dlt_pipeline_state", "_dlt_version")
# Tables socialkpi writes itself, not dlt: they live in the warehouse file, where the loader
# keeps its record, and the lake holds a copy for Spark (`copy_kept_tables`): the ledger, the run
# state, and the authors `socialkpi forget` erased (pipelines/comments/load.py FORGOTTEN_TABLE,
# named here because that module imports dlt).
KEPT_IN_THE_WAREHOUSE = (LEDGER_TABLE, STATE_TABLE, "raw_comments.forgotten_authors")


class LakeHoldsWarehouseRows(Exception):
    """The warehouse file holds raw rows landed on DuckDB, and the Spark engine was asked to use it."""


def table_kinds(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """`schema.table` -> `BASE TABLE` or `VIEW`, for every table of the warehouse file."""
    return dict(
        con.execute(
            "select table_schema || '.' || table_name, table_type from information_schema.tables "
            "where table_catalog = current_database()"
        ).fetchall()
    )


def raw_destination(warehouse: Path, lake: Path | None):
    """dlt's destination for the raw tables: the warehouse file on DuckDB, the lake on Spark."""
    import dlt  # ~1.5 s to import: only when something lands

    if lake is None:
        from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

        return dlt.destinations.duckdb(
            DuckDbCredentials(str(warehouse), global_config={"memory_limit": duckdb_memory_limit()})
        )
    return dlt.destinations.filesystem(bucket_url=lake.as_uri())


def file_format(lake: Path | None) -> str | None:
    """The file format dlt writes: Parquet into the lake (what Spark reads), its default otherwise."""
    return "parquet" if lake else None


def table_folders(lake: Path) -> list[Path]:
    """Every table folder of the lake's raw datasets, dlt's bookkeeping left out."""
    return sorted(
        folder
        for folder in lake.glob("raw_*/*")
        if folder.is_dir()
        and folder.name not in _DLT_INTERNAL
        and not folder.parent.name.endswith("_staging")
    )


def expose_lake_tables(con: duckdb.DuckDBPyConnection, lake: Path) -> None:
    """In the warehouse file, make each lake table that has files a view over them (its Parquet
    files, or dlt's load records), replacing the empty table that stood for it before its first
    landing. Views read the folder as it is at each query, so one call per new table suffices."""
    kinds = table_kinds(con)
    for folder in table_folders(lake):
        schema, table = folder.parent.name, folder.name
        name = f"{schema}.{table}"
        reader = _reader(folder)
        if name in KEPT_IN_THE_WAREHOUSE or reader is None or kinds.get(name) == "VIEW":
            continue
        if kinds.get(name) == "BASE TABLE":
            _drop_empty_table(con, name)
        con.execute(f"create schema if not exists {schema}")
        con.execute(f"create view {name} as select * from {reader}")


def expose_built_tables(con: duckdb.DuckDBPyConnection, models_dir: Path) -> list[str]:
    """In the warehouse file, make each table Spark built (`<models_dir>/<schema>.db/<table>/`,
    Parquet) a view over its files, and drop the views of tables Spark no longer has: the steps
    that read models from the warehouse file (the publish, the ledger's platform of each Meta
    series file, Dagster's row counts) then read Spark's. A table of the warehouse file's own
    (built there on DuckDB) is left alone. Returns the views."""
    kinds = table_kinds(con)
    built = {
        f"{folder.parent.name.removesuffix('.db')}.{folder.name}": folder
        for folder in sorted(models_dir.glob("*.db/*"))
        if folder.is_dir() and any(folder.glob("*.parquet"))
    }
    spark_schemas = {name.split(".")[0] for name in built}
    for name, kind in kinds.items():
        if kind == "VIEW" and name not in built and name.split(".")[0] in spark_schemas:
            con.execute(f"drop view {name}")
    for name, folder in built.items():
        if kinds.get(name) == "BASE TABLE":
            continue
        con.execute(f"create schema if not exists {name.split('.')[0]}")
        con.execute(
            f"create or replace view {name} as select * from read_parquet({sql_string(folder / '*.parquet')})"
        )
    return sorted(built)


def _reader(folder: Path) -> str | None:
    if any(folder.glob("*.parquet")):
        return f"read_parquet({sql_string(folder / '*.parquet')}, union_by_name = true)"
    if folder.name == "_dlt_loads" and any(folder.glob("*.jsonl")):
        return f"read_json_auto({sql_string(folder / '*.jsonl')})"
    return None


def _drop_empty_table(con: duckdb.DuckDBPyConnection, name: str) -> None:
    _refuse_rows_of(con, name)
    con.execute(f"drop table {name}")


def refuse_warehouse_rows(con: duckdb.DuckDBPyConnection) -> None:
    """Before anything lands in the lake: raise LakeHoldsWarehouseRows when a raw table of the
    warehouse file holds rows, landed there on DuckDB (the Spark engine would build without them)."""
    for name in placeholder_tables(con):
        _refuse_rows_of(con, name)


def _refuse_rows_of(con: duckdb.DuckDBPyConnection, name: str) -> None:
    (rows,) = con.execute(f"select count(*) from {name}").fetchone()
    if rows:
        raise LakeHoldsWarehouseRows(
            f"{name} holds {rows} rows landed in the warehouse file on DuckDB, and the Spark engine "
            "keeps raw rows in the lake: give the Spark engine its own --warehouse, or move the rows "
            "with `python -m socialkpi.build.spark --raw-from <this warehouse>`"
        )


def copy_kept_tables(con: duckdb.DuckDBPyConnection, lake: Path) -> list[str]:
    """Write each table socialkpi keeps in the warehouse file into the lake as one Parquet file,
    written aside and renamed over the last copy (a reader sees one copy or the other); returns
    the tables written."""
    present = {name for name, kind in table_kinds(con).items() if kind == "BASE TABLE"}
    written = []
    for name in (table for table in KEPT_IN_THE_WAREHOUSE if table in present):
        folder = lake.joinpath(*name.split("."))
        folder.mkdir(parents=True, exist_ok=True)
        aside = folder / ".rows.parquet.writing"
        con.execute(f"copy {name} to {sql_string(aside)} (format parquet, compression zstd)")
        aside.replace(folder / "rows.parquet")
        written.append(name)
    return written


def placeholder_tables(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """The raw tables the warehouse file declares but nothing has landed in the lake yet (empty
    tables, pipelines/load.py `ensure_raw_tables` and the comment tables): table -> its columns
    and DuckDB types, so Spark can name them, empty, and dbt's sources always exist."""
    rows = con.execute(
        "select c.table_schema || '.' || c.table_name, c.column_name, c.data_type "
        "from information_schema.columns as c join information_schema.tables as t "
        "using (table_catalog, table_schema, table_name) "
        "where t.table_catalog = current_database() and t.table_type = 'BASE TABLE' "
        "and c.table_schema like 'raw\\_%' escape '\\' and c.table_name not like '\\_dlt%' escape '\\' "
        "order by c.table_schema, c.table_name, c.ordinal_position"
    ).fetchall()
    tables: dict[str, dict[str, str]] = {}
    for table, column, kind in rows:
        if table not in KEPT_IN_THE_WAREHOUSE:
            tables.setdefault(table, {})[column] = kind
    return tables


def take_out_rows(
    con: duckdb.DuckDBPyConnection, table: str, hashes: list[str], lake: Path | None
) -> dict[str, int]:
    """Delete the rows of the files with these content hashes from a raw table. Returns the rows
    removed per hash."""
    return delete_rows(con, table, "_file_sha256", hashes, lake)


def delete_rows(
    con: duckdb.DuckDBPyConnection, table: str, column: str, values: list[str], lake: Path | None
) -> dict[str, int]:
    """Delete the rows whose `column` is one of `values` from a table of the warehouse file or,
    for a lake table, from its Parquet files. Returns the rows removed per value."""
    where = f"where {column} in (select unnest(?))"
    found = dict(
        con.execute(f"select {column}, count(*) from {table} {where} group by 1", [values]).fetchall()
    )
    if not found:
        return {}
    plain = table.replace('"', "")
    folder = lake.joinpath(*plain.split(".")) if lake is not None else None
    if folder is not None and table_kinds(con).get(plain) == "VIEW":
        if not folder.is_dir():
            raise ValueError(f"{table} is a view, not a table of the lake: its rows cannot be deleted")
        _rewrite_without(folder, column, sorted(found))
    else:
        con.execute(f"delete from {table} {where}", [values])
    return found


def _rewrite_without(folder: Path, column: str, values: list[str]) -> None:
    """Rewrite each Parquet file of the folder that holds rows with these values without them:
    beside it under a hidden name (neither Spark nor the views read a `.` file), then renamed
    over it. A file left with no rows stays, empty: it still gives the table its columns."""
    listed = ", ".join(sql_string(value) for value in values)
    with duckdb.connect() as con:
        con.execute(f"set memory_limit = {sql_string(duckdb_memory_limit())}")
        holding = con.execute(
            f"select distinct filename from read_parquet({sql_string(folder / '*.parquet')}, "
            f"filename = true, union_by_name = true) where {column} in ({listed})"
        ).fetchall()
        for (filename,) in holding:
            path = Path(filename)
            aside = path.with_name(f".{path.name}.rewriting")
            con.execute(
                f"copy (select * from read_parquet({sql_string(path)}) where {column} not in ({listed})) "
                f"to {sql_string(aside)} (format parquet, compression zstd)"
            )
            aside.replace(path)
