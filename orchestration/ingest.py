"""The load step as one asset per raw table (plus the file ledger), keyed like dbt's sources."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import duckdb

from orchestration.constants import WAREHOUSE_POOL
from orchestration.freshness import LEDGER_KEY, export_recency_results, export_recency_specs
from orchestration.load_metadata import load_metadata
from orchestration.resources import SocialKpiResource
from orchestration.retries import WAREHOUSE_LOCK_RETRY, only_a_held_lock_is_retried
from pipelines.formats import ALL_FORMATS
from pipelines.ledger import newest_exports
from pipelines.reconcile import mismatches
from pipelines.settings import schedule_timezone
from pipelines.warehouse import open_warehouse
from socialkpi import steps

# dbt's source keys are [schema, table]: raw_twitter/tweets feeds stg_twitter__tweet_snapshots.
RAW_TABLE_KEYS = sorted({dg.AssetKey([f.raw_schema, f.table]) for f in ALL_FORMATS}, key=str)


@dg.multi_asset(
    name="load_exports",
    specs=[
        *(dg.AssetSpec(key, group_name="raw", kinds={"dlt", "duckdb"}) for key in RAW_TABLE_KEYS),
        dg.AssetSpec(LEDGER_KEY, group_name="raw", kinds={"duckdb"}, description="The file ledger."),
    ],
    check_specs=export_recency_specs(),
    pool=WAREHOUSE_POOL,
    retry_policy=WAREHOUSE_LOCK_RETRY,
)
def load_exports(context: dg.AssetExecutionContext, socialkpi: SocialKpiResource):
    """Load new and changed export files (dlt -> DuckDB raw schemas) and record every file."""
    settings = socialkpi.settings()
    with only_a_held_lock_is_retried("load"), socialkpi.writing("load"):
        report = steps.load(settings, context.log.info)
        with open_warehouse(settings.warehouse) as con:
            rows_in_raw = {key: _row_count(con, key) for key in RAW_TABLE_KEYS}
            newest = newest_exports(con)
    for key in RAW_TABLE_KEYS:
        added = report.rows_by_table.get(".".join(key.path), 0)
        yield dg.MaterializeResult(
            asset_key=key, metadata={"rows_added": added, "dagster/row_count": rows_in_raw[key]}
        )
    yield dg.MaterializeResult(asset_key=LEDGER_KEY, metadata=load_metadata(report))
    yield from export_recency_results(newest, datetime.now(ZoneInfo(schedule_timezone())).date())


def _row_count(con: duckdb.DuckDBPyConnection, key: dg.AssetKey) -> int:
    (rows,) = con.execute(f"select count(*) from {'.'.join(key.path)}").fetchone()
    return rows


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            "rows_reconcile_with_the_ledger",
            asset=key,
            blocking=True,
            description="Every loaded file's rows in raw equal the rows the ledger says were read.",
        )
        for key in RAW_TABLE_KEYS
    ],
    pool=WAREHOUSE_POOL,  # it opens the warehouse: never beside a writing step
    retry_policy=WAREHOUSE_LOCK_RETRY,
)
def raw_rows_reconcile_with_the_ledger(socialkpi: SocialKpiResource):
    """Blocking: when raw and the ledger disagree, no model is built and nothing is published."""
    with only_a_held_lock_is_retried("reconcile"), open_warehouse(socialkpi.settings().warehouse) as con:
        problems = mismatches(con)
    table = "\n".join(f"| `{file}` | {read} | {raw} |" for file, read, raw in problems)
    listed = "; ".join(f"{file}: ledger {read} rows, raw {raw}" for file, read, raw in problems[:3])
    for key in RAW_TABLE_KEYS:
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name="rows_reconcile_with_the_ledger",
            passed=not problems,
            description=f"{len(problems)} file(s) do not reconcile with raw: {listed}" if problems else None,
            metadata={
                "files_not_reconciling": len(problems),
                "details": dg.MetadataValue.md(
                    f"| file | ledger rows | raw rows |\n|---|---|---|\n{table}"
                    if problems
                    else "all files reconcile"
                ),
            },
        )
