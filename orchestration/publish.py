"""Publish: after every mart built and every dbt test upstream passed, swap in the new copy."""

import dagster as dg

from orchestration.constants import WAREHOUSE_POOL
from orchestration.resources import SocialKpiResource
from orchestration.transform import mart_keys
from socialkpi import steps


def published_marts_asset() -> dg.AssetsDefinition:
    @dg.asset(
        key=dg.AssetKey(["published", "marts"]),
        deps=mart_keys(),
        group_name="published",
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        description=(
            "warehouse/published/kpi.duckdb, parquet/<mart>.parquet and live/kpi.duckdb: the read-only "
            "copy analysts and BI tools open."
        ),
    )
    def published_marts(
        context: dg.AssetExecutionContext, socialkpi: SocialKpiResource
    ) -> dg.MaterializeResult:
        result = steps.publish(socialkpi.settings())
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(result.path)),
                "size_bytes": result.size_bytes,
                **{f"rows/{mart}": rows for mart, rows in result.rows_by_mart.items()},
            }
        )

    return published_marts
