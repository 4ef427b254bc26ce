"""The load step as one asset per raw table (plus the file ledger), keyed like dbt's sources."""

import dagster as dg

from orchestration.constants import WAREHOUSE_POOL
from orchestration.resources import SocialKpiResource
from pipelines.formats import ALL_FORMATS
from pipelines.ledger import LEDGER_TABLE
from socialkpi import steps

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
