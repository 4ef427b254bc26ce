"""Row counts and column schemas on every table dbt materializes, read from the warehouse itself.

dagster-dbt's `fetch_row_counts()` and `fetch_column_metadata()` work with dbt-duckdb, but they
open the warehouse through dbt's adapter in the step's process (one connection per model, kept
open by dbt-duckdb afterwards) and report dbt's column type names (`character varying(256)` for
a DuckDB `varchar`, which reads like a length limit that does not exist). One DuckDB connection
after dbt has exited gives the counts and DuckDB's own types in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb

from pipelines.warehouse import open_warehouse

Relation = tuple[str, str]  # (schema, table)


def tables_built(manifest: Mapping[str, Any]) -> dict[str, Relation]:
    """unique_id -> (schema, name) of every model dbt materializes as a table: counting a view
    would run its whole query again."""
    return {
        unique_id: (node["schema"], node.get("alias") or node["name"])
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["config"].get("materialized") in ("table", "incremental")
    }


def table_facts(warehouse: Path, relations: Iterable[Relation]) -> dict[Relation, dict[str, Any]]:
    wanted = sorted(set(relations))
    if not wanted:
        return {}
    with open_warehouse(warehouse) as con:
        present = {
            (schema, table)
            for schema, table in con.execute(
                "select table_schema, table_name from information_schema.tables "
                "where table_catalog = current_database()"
            ).fetchall()
        }
        found = [r for r in wanted if r in present]  # a model dbt skipped may not exist yet
        columns = con.execute(
            "select table_schema, table_name, column_name, lower(data_type), is_nullable = 'YES' "
            "from information_schema.columns where table_catalog = current_database() "
            "order by table_schema, table_name, ordinal_position"
        ).fetchall()
        counts = _row_counts(con, found)
    return {
        relation: {
            # Dagster's standard table metadata keys: the UI shows them on the asset's page.
            "dagster/row_count": counts[relation],
            "dagster/column_schema": dg.TableSchema(
                columns=[
                    dg.TableColumn(name, kind, constraints=dg.TableColumnConstraints(nullable=nullable))
                    for schema, table, name, kind, nullable in columns
                    if (schema, table) == relation
                ]
            ),
        }
        for relation in found
    }


def _row_counts(con: duckdb.DuckDBPyConnection, relations: list[Relation]) -> dict[Relation, int]:
    if not relations:
        return {}
    query = " union all ".join(
        f"select {index} as position, count(*) from {schema}.{table}"
        for index, (schema, table) in enumerate(relations)
    )
    return {relations[position]: rows for position, rows in con.execute(query).fetchall()}


def with_table_facts(events: Iterable[Any], manifest: Mapping[str, Any], warehouse: Path) -> Iterator[Any]:
    """The events of a finished dbt run, with each table model's row count and columns attached."""
    events = list(events)  # the dbt process has exited: DuckDB's one writer lock is free
    built = tables_built(manifest)
    facts = table_facts(warehouse, built.values())
    for event in events:
        unique_id = getattr(event, "metadata", {}).get("unique_id")
        relation = built.get(unique_id.value if unique_id else None)
        if isinstance(event, dg.Output | dg.AssetMaterialization) and relation in facts:
            event = event.with_metadata({**event.metadata, **facts[relation]})
        yield event
