"""Publish: after every mart built and every blocking check upstream passed, swap in the new copy.

Two locks on the door. In a run, a failed error-severity dbt test fails the dbt step and a failed
reconciliation fails its blocking check step, so Dagster skips this step. But dagster-dbt has
open issues where a failed test does not stop a downstream Python asset (dagster-io/dagster
#18472, #25112, #19821: runs that select publish alone, or split the dbt assets), so the step
also reads the latest result of every blocking check upstream from the instance and refuses to
publish unless each one passed.
"""

from collections.abc import Sequence

import dagster as dg
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus

from orchestration.constants import WAREHOUSE_POOL
from orchestration.freshness import mart_freshness_policy
from orchestration.ingest import load_exports, raw_rows_reconcile_with_the_ledger
from orchestration.resources import SocialKpiResource
from orchestration.retries import WAREHOUSE_LOCK_RETRY, only_a_held_lock_is_retried
from orchestration.transform import mart_keys, social_dbt_assets
from socialkpi import steps

PUBLISHED_KEY = dg.AssetKey(["published", "marts"])


def blocking_checks_upstream() -> list[dg.AssetCheckKey]:
    """Every blocking check (error-severity dbt tests, reconciliation) on an asset the marts are
    built from, the marts included."""
    assets = [load_exports, social_dbt_assets()]
    upstream = dg.AssetSelection.assets(*mart_keys()).upstream().resolve(assets)
    specs = [*social_dbt_assets().check_specs, *raw_rows_reconcile_with_the_ledger.check_specs]
    return sorted((s.key for s in specs if s.blocking and s.asset_key in upstream), key=str)


def checks_not_passed(instance: dg.DagsterInstance, keys: Sequence[dg.AssetCheckKey]) -> list[str]:
    """The blocking checks whose latest result is not a pass (failed, still planned, never run)."""
    latest = instance.event_log_storage.get_latest_asset_check_execution_by_key(list(keys))
    states = {key: latest[key].status.value.lower() if key in latest else "never ran" for key in keys}
    # Failed checks first: they are the cause; checks dbt skipped after a failure follow.
    order = {"failed": 0, "planned": 1}
    return [
        f"{key.name} on {key.asset_key.to_user_string()} ({state})"
        for key, state in sorted(states.items(), key=lambda item: (order.get(item[1], 2), str(item[0])))
        if state != AssetCheckExecutionRecordStatus.SUCCEEDED.value.lower()
    ]


def published_marts_asset() -> dg.AssetsDefinition:
    gate = blocking_checks_upstream()

    @dg.asset(
        key=PUBLISHED_KEY,
        deps=mart_keys(),
        group_name="published",
        kinds={"duckdb"},
        pool=WAREHOUSE_POOL,
        retry_policy=WAREHOUSE_LOCK_RETRY,
        freshness_policy=mart_freshness_policy(),
        description=(
            "warehouse/published/kpi.duckdb, parquet/<mart>.parquet and live/kpi.duckdb: the read-only "
            "copy analysts and BI tools open; with SOCIALKPI_POSTGRES_URL set, PostgreSQL schema marts too."
        ),
    )
    def published_marts(
        context: dg.AssetExecutionContext, socialkpi: SocialKpiResource
    ) -> dg.MaterializeResult:
        problems = checks_not_passed(context.instance, gate)
        if problems:
            raise dg.Failure(
                description=f"not published: {len(problems)} blocking check(s) upstream did not pass: "
                + "; ".join(problems[:10]),
                allow_retries=False,
            )
        context.log.info(f"all {len(gate)} blocking checks upstream passed")
        settings = socialkpi.settings()
        with only_a_held_lock_is_retried("publish"), socialkpi.writing("publish"):
            result = steps.publish_if_needed(settings, context.log.info)
        if result is None:  # the CLI's rule: the copy already holds the marts of the last build
            return dg.MaterializeResult(
                metadata={
                    "path": dg.MetadataValue.path(str(settings.published_marts)),
                    "size_bytes": settings.published_marts.stat().st_size,
                    "republished": False,
                    "blocking_checks_passed": len(gate),
                }
            )
        return dg.MaterializeResult(
            metadata={
                "path": dg.MetadataValue.path(str(result.path)),
                "size_bytes": result.size_bytes,
                "size": f"{result.size_bytes / 1e6:.1f} MB",
                "blocking_checks_passed": len(gate),
                "postgres": result.postgres or "not configured (SOCIALKPI_POSTGRES_URL)",
                "dagster/row_count": sum(result.rows_by_mart.values()),
                **{f"rows/{mart}": rows for mart, rows in result.rows_by_mart.items()},
            }
        )

    return published_marts
