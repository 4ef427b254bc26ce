"""Every dbt model as an asset; dbt tests become asset checks (error-severity ones blocking)."""

import os
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliInvocation, DbtCliResource, dbt_assets

from orchestration.constants import WAREHOUSE_POOL
from orchestration.dbt_project import dbt_project, manifest_is_stale
from orchestration.freshness import mart_freshness_policy
from orchestration.resources import SocialKpiResource
from orchestration.retries import (
    WAREHOUSE_LOCK_RETRY,
    WarehouseLocked,
    first_line,
    is_lock_error,
    only_a_held_lock_is_retried,
)
from orchestration.table_metadata import with_table_facts
from socialkpi import runstate
from socialkpi.settings import WAREHOUSE_ENV, Settings
from socialkpi.transform import WITHOUT_UNIT_TESTS, first_failing_row

MARTS_SCHEMA = "marts"


class SchemaKeyTranslator(DagsterDbtTranslator):
    """Key models as [schema, model] (`marts/twitter_posts`), grouped by schema, so the graph
    reads like the warehouse; every mart carries the freshness policy."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id)
        if not node or node["resource_type"] not in ("model", "seed", "snapshot"):
            return spec
        spec = spec.replace_attributes(
            key=dg.AssetKey([node["schema"], node["name"]]), group_name=node["schema"]
        )
        if node["schema"] == MARTS_SCHEMA:
            spec = spec.replace_attributes(freshness_policy=mart_freshness_policy())
        return spec


@cache
def social_dbt_assets() -> dg.AssetsDefinition:
    """Built lazily: the manifest must exist first (`socialkpi parse`, or `dagster dev`)."""
    if manifest_is_stale(dbt_project.project_dir, dbt_project.manifest_path):
        dbt_project.prepare_if_dev()  # `dbt parse`, only under `dagster dev`

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=SchemaKeyTranslator(),
        pool=WAREHOUSE_POOL,
        retry_policy=WAREHOUSE_LOCK_RETRY,
    )
    def social_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, socialkpi: SocialKpiResource):
        settings = socialkpi.settings()
        # profiles.yml reads the warehouse path from the environment; make it this run's.
        os.environ[WAREHOUSE_ENV] = str(settings.warehouse)
        with only_a_held_lock_is_retried("dbt build"), socialkpi.writing("dbt build"):
            yield from dbt_build(dbt, context, settings)

    return social_dbt


def dbt_build(dbt: DbtCliResource, context: dg.AssetExecutionContext, settings: Settings) -> Iterator[Any]:
    """`dbt build`, then the row count and column schema of every table it materialized."""
    arguments = runstate.dagster_build_arguments(settings)  # --full-refresh when the dbt code changed
    invocation = dbt.cli(["build", *WITHOUT_UNIT_TESTS, *arguments], context=context, raise_on_error=False)
    yield from with_table_facts(invocation.stream(), invocation.manifest, settings.warehouse)
    if not invocation.is_successful():
        raise build_failure(invocation, settings)


def build_failure(invocation: DbtCliInvocation, settings: Settings) -> Exception:
    """A held lock is retried; a failed test or a model error needs a person, so it is a Failure
    that names the tests and the first failing row, never retried."""
    failed = _failed_nodes(invocation)
    error = invocation.get_error()
    if any(is_lock_error(r.get("message") or "") for r in failed) or (
        not failed and is_lock_error(str(error))
    ):
        return WarehouseLocked("dbt build: the warehouse is locked by another process")
    if not failed:
        return dg.Failure(
            description=f"dbt build failed: {first_line(error or 'see dbt.log')}", allow_retries=False
        )
    named = [
        f"{r['unique_id'].split('.')[2]} ({r['status']}: {first_line(r.get('message') or '')[:160]})"
        + first_failing_row(r.get("relation_name"), settings)
        for r in failed
    ]
    return dg.Failure(
        description="dbt build failed: " + "; ".join(named),
        metadata={"failed_nodes": [r["unique_id"] for r in failed]},
        allow_retries=False,
    )


def _failed_nodes(invocation: DbtCliInvocation) -> list[dict[str, Any]]:
    try:
        results = invocation.get_artifact("run_results.json")["results"]
    except FileNotFoundError:  # dbt stopped before running any node
        return []
    return [r for r in results if r["status"] in ("error", "fail")]


def mart_keys() -> list[dg.AssetKey]:
    return [key for key in social_dbt_assets().keys if key.path[0] == MARTS_SCHEMA]
