"""The load step as one asset per raw table (plus the file ledger), keyed like dbt's sources."""

import dagster as dg
import duckdb

from orchestration.constants import WAREHOUSE_POOL
from orchestration.resources import SocialKpiResource
from pipelines.formats import ALL_FORMATS
from pipelines.ledger import LEDGER_TABLE
from socialkpi import steps
from socialkpi.reconcile import mismatches

# dbt's source keys are [schema, table]: raw_twitter/tweets feeds stg_twitter__tweet_snapshots.
RAW_TABLE_KEYS = sorted({dg.AssetKey([f.raw_schema, f.table]) for f in ALL_FORMATS}, key=str)
LEDGER_KEY = dg.AssetKey(LEDGER_TABLE.split("."))


@dg.multi_asset(
    name="load_exports",
    specs=[
        *(dg.AssetSpec(key, group_name="raw", kinds={"dlt", "duckdb"}) for key in RAW_TABLE_KEYS),
        dg.AssetSpec(LEDGER_KEY, group_name="raw", kinds={"duckdb"}, description="The file ledger."),
    ],
    pool=WAREHOUSE_POOL,
)
def load_exports(context: dg.AssetExecutionContext, socialkpi: SocialKpiResource):
    """Load new and changed export files (dlt -> DuckDB raw schemas) and record every file."""
    report = steps.load(socialkpi.settings(), context.log.info)
    for key in RAW_TABLE_KEYS:
        yield dg.MaterializeResult(
            asset_key=key, metadata={"rows_added": report.rows_by_table.get(".".join(key.path), 0)}
        )
    yield dg.MaterializeResult(
        asset_key=LEDGER_KEY,
        metadata={
            "files_loaded": len(report.loaded_now),
            "files_unchanged": report.unchanged,
            "files_refused": len(report.refused),
            "refused": dg.MetadataValue.md(
                "\n".join(f"- `{e.relative_path}` ({e.status}): {e.reason}" for e in report.refused) or "none"
            ),
        },
    )


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
)
def raw_rows_reconcile_with_the_ledger(socialkpi: SocialKpiResource):
    """Blocking: when raw and the ledger disagree, no model is built and nothing is published."""
    with duckdb.connect(str(socialkpi.settings().warehouse)) as con:
        problems = mismatches(con)
    table = "\n".join(f"| `{file}` | {read} | {raw} |" for file, read, raw in problems)
    for key in RAW_TABLE_KEYS:
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name="rows_reconcile_with_the_ledger",
            passed=not problems,
            metadata={
                "files_not_reconciling": len(problems),
                "details": dg.MetadataValue.md(
                    f"| file | ledger rows | raw rows |\n|---|---|---|\n{table}"
                    if problems
                    else "all files reconcile"
                ),
            },
        )
