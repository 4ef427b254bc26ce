"""Every dbt model as an asset; dbt tests become asset checks (error-severity ones blocking)."""

import os
from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

import dagster as dg
import duckdb
from dagster_dbt import DagsterDbtTranslator, DbtCliInvocation, DbtCliResource, dbt_assets

from orchestration.constants import WAREHOUSE_POOL
from orchestration.dbt_project import dbt_project, manifest_is_stale
from orchestration.freshness import LEDGER_KEY, mart_freshness_policy
from orchestration.resources import SocialKpiResource
from orchestration.retries import (
    WAREHOUSE_LOCK_RETRY,
    WarehouseLocked,
    first_line,
    is_lock_error,
    only_a_held_lock_is_retried,
)
from orchestration.table_metadata import with_table_facts
from pipelines.ledger import adopt_decided_channels
from pipelines.unload import Unloaded
from socialkpi import isolation, runstate
from socialkpi.settings import WAREHOUSE_ENV, Settings
from socialkpi.transform import WITHOUT_UNIT_TESTS, FailedNode, dbt_target, first_failing_row

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


# Attempts of the dbt step that may still quarantine files: the rounds the CLI allows one build,
# plus the attempts a held lock may take. Each round takes at least one loaded file out, so the
# rounds end anyway; the bound only keeps a surprise from looping for long.
QUARANTINE_ATTEMPTS = isolation.MAX_ROUNDS + WAREHOUSE_LOCK_RETRY.max_retries


class FilesQuarantined(Exception):
    """The dbt step's retry cause: which files a failed blocking check took out (the Dagster UI
    shows it on the step's retry event)."""


def dbt_build(dbt: DbtCliResource, context: dg.AssetExecutionContext, settings: Settings) -> Iterator[Any]:
    """`dbt build`, then the row count and column schema of every table it materialized. When
    blocking checks fail on rows that all come from a few files, those files are quarantined and
    the step is retried: one poison file must not stop a night (socialkpi/isolation.py).

    Why a retry and not a second build inside this attempt: a step yields each output once, and
    the first build already yielded the models it built and the failed check's result. Dagster
    records a retried attempt's events and runs the step afresh (its outputs may be yielded
    again), so the failed check stays in the asset's history and the retry's passing result is
    the latest one, which publish reads. The retry builds `--full-refresh`: the quarantine
    forgot the last passed build (runstate.forget_passed_build), and the incremental staging
    models still hold the quarantined rows until they are rebuilt from raw."""
    arguments = runstate.dagster_build_arguments(settings)  # --full-refresh when the dbt code changed
    # Artifacts and partial parse beside the warehouse, where the CLI's builds keep theirs: one
    # folder per warehouse, not a new folder in the checkout every night.
    invocation = dbt.cli(
        ["build", *WITHOUT_UNIT_TESTS, *arguments],
        context=context,
        raise_on_error=False,
        target_path=dbt_target(settings),
    )
    yield from with_table_facts(invocation.stream(), invocation.manifest, settings.warehouse)
    if invocation.is_successful():
        # The platform of each Meta series file, as the marts now have it (the CLI's build does
        # the same): the ledger and `socialkpi files` say facebook/instagram, never meta.
        with duckdb.connect(str(settings.warehouse)) as con:
            adopt_decided_channels(con)
        return
    held = quarantine_blamed(invocation, settings) if context.retry_number < QUARANTINE_ATTEMPTS else []
    if not held:
        raise build_failure(invocation, settings)
    for file in held:
        context.log.warning(f"quarantined {file.relative_path}: {file.reason}")
    yield quarantine_observation(held)
    paths = ", ".join(file.relative_path for file in held)
    raise dg.RetryRequested(max_retries=context.retry_number + 1, seconds_to_wait=0) from FilesQuarantined(
        f"dbt build: quarantined {len(held)} file(s) whose rows failed a blocking check ({paths}); "
        "building again from raw without them"
    )


def quarantine_blamed(invocation: DbtCliInvocation, settings: Settings) -> list[Unloaded]:
    """Quarantine the files the failed checks' stored rows name, as the CLI does; nothing (and
    no change) when some failure is not explained by files: a model error, a check on a mart,
    more files than one check may blame (SOCIALKPI_MAX_FILES_PER_CHECK), a held lock."""
    reasons = isolation.blame(failed_nodes(invocation), settings)
    if not reasons:
        return []
    held, _tables = isolation.quarantine(settings, reasons)
    return held


def quarantine_observation(held: list[Unloaded]) -> dg.AssetObservation:
    """On the file ledger's page: which files the checks took out, and why. An observation, not a
    materialization: the load step owns the ledger's materializations (and the alert reads the
    files a run loaded from them)."""
    rows = [f"| `{f.relative_path}` | {f.rows} | {f.reason.replace('|', '/')} |" for f in held]
    return dg.AssetObservation(
        asset_key=LEDGER_KEY,
        description=f"{len(held)} file(s) quarantined by a failed blocking dbt check",
        metadata={
            "files_quarantined_by_checks": len(held),
            "quarantined_files": dg.MetadataValue.json([f.relative_path for f in held]),
            "files": dg.MetadataValue.md(
                "\n".join(["| file | raw rows removed | reason |", "|---|---|---|", *rows])
            ),
        },
    )


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


def failed_nodes(invocation: DbtCliInvocation) -> tuple[FailedNode, ...]:
    """The failed nodes as the CLI's build reports them (socialkpi/transform.py), read from the
    dbt process's run_results.json and its manifest (names, types, descriptions)."""
    nodes = invocation.manifest["nodes"]
    return tuple(
        FailedNode(
            name=node.get("name") or result["unique_id"].split(".")[2],
            resource_type=node.get("resource_type") or result["unique_id"].split(".")[0],
            status=result["status"],
            relation=result.get("relation_name"),
            description=(node.get("description") or "").strip(),
        )
        for result in _failed_nodes(invocation)
        for node in [nodes.get(result["unique_id"], {})]
    )


def mart_keys() -> list[dg.AssetKey]:
    return [key for key in social_dbt_assets().keys if key.path[0] == MARTS_SCHEMA]
