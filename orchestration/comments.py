"""The comments load as one asset per raw comments table, keyed like dbt's sources."""

import dagster as dg

from orchestration.constants import WAREHOUSE_POOL
from orchestration.resources import SocialKpiResource
from orchestration.retries import WAREHOUSE_LOCK_RETRY, only_a_held_lock_is_retried
from pipelines.comments.load import DATASET, FORGOTTEN_TABLE, RESOURCES
from socialkpi import steps

COMMENT_TABLE_KEYS = [dg.AssetKey([DATASET, channel]) for channel in RESOURCES]


@dg.multi_asset(
    name="load_comments",
    specs=[
        *(dg.AssetSpec(key, group_name="raw", kinds={"dlt", "duckdb"}) for key in COMMENT_TABLE_KEYS),
        dg.AssetSpec(dg.AssetKey(FORGOTTEN_TABLE.split(".")), group_name="raw", kinds={"duckdb"}),
    ],
    pool=WAREHOUSE_POOL,
    retry_policy=WAREHOUSE_LOCK_RETRY,
)
def load_comments(context: dg.AssetExecutionContext, socialkpi: SocialKpiResource):
    """New comments from the platform APIs, pseudonymised and redacted before they land; a
    platform without credentials is skipped, one that fails keeps its cursor (and fails the step)."""
    with only_a_held_lock_is_retried("load_comments"), socialkpi.writing("load_comments"):
        report = steps.load_comments(socialkpi.settings(), context.log.info)
    for skipped in report.skipped:
        context.log.info(f"comments from {skipped.channel} skipped: {skipped.reason}")
    if report.failed:
        raise dg.Failure("; ".join(f"{f.channel}: {f.reason}" for f in report.failed))
    for key in COMMENT_TABLE_KEYS:
        yield dg.MaterializeResult(
            asset_key=key, metadata={"rows_added": report.rows_by_channel.get(key.path[1], 0)}
        )
    yield dg.MaterializeResult(asset_key=dg.AssetKey(FORGOTTEN_TABLE.split(".")))
