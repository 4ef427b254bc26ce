"""Every dbt model as an asset; dbt tests become asset checks (error-severity ones blocking)."""

import os
from collections.abc import Iterator, Mapping
from functools import cache
from graphlib import TopologicalSorter
from typing import Any

import dagster as dg
from dagster._core.storage.asset_check_execution_record import (
    COMPLETED_ASSET_CHECK_EXECUTION_RECORD_STATUSES as COMPLETED,
)
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster_dbt import DagsterDbtTranslator, dbt_assets
from dagster_dbt.asset_utils import (
    get_manifest_and_translator_from_dbt_assets,
    get_subset_selection_for_context,
)
from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage

from orchestration.constants import WAREHOUSE_POOL
from orchestration.dbt_project import dbt_project, manifest_is_stale
from orchestration.freshness import LEDGER_KEY, mart_freshness_policy
from orchestration.resources import SocialKpiResource
from orchestration.retries import (
    WAREHOUSE_LOCK_RETRY,
    only_a_held_lock_is_retried,
)
from orchestration.table_metadata import with_table_facts
from pipelines.settings import Settings
from pipelines.unload import Unloaded
from socialkpi import steps
from socialkpi.build.dbt_runner import BuildFailed, dbt_target

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


TRANSLATOR = SchemaKeyTranslator()


@cache
def social_dbt_assets() -> dg.AssetsDefinition:
    """Built lazily: the manifest must exist first (`socialkpi parse`, or `dagster dev`)."""
    if manifest_is_stale(dbt_project.project_dir, dbt_project.manifest_path):
        dbt_project.prepare_if_dev()  # `dbt parse`, only under `dagster dev`

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=TRANSLATOR,
        pool=WAREHOUSE_POOL,
        retry_policy=WAREHOUSE_LOCK_RETRY,
    )
    def social_dbt(context: dg.AssetExecutionContext, socialkpi: SocialKpiResource):
        settings = socialkpi.settings()
        with only_a_held_lock_is_retried("dbt build"), socialkpi.writing("dbt build"):
            yield from dbt_build(context, settings)

    return social_dbt


def dbt_build(context: dg.AssetExecutionContext, settings: Settings) -> Iterator[Any]:
    """The CLI's build step (socialkpi/steps.py), with the same plan: incremental when rows were
    added, skipped when nothing changed, in full when the dbt project changed; a blocking check
    that fails on the rows of a few files quarantines them and builds again without them. Then
    its dbt results as Dagster events, with each table's row count and columns.

    A model the plan did not need to rebuild (no new rows reach it) is reported materialized,
    with `rebuilt: false` and why: the run checked it is current, and its freshness policy
    measures exactly that. The checks of the rounds a quarantine ended stay in the checks'
    history before the last round's results."""
    # The manifest dagster-dbt loaded when it defined these assets, not the file parsed again.
    manifest, _translator, _project = get_manifest_and_translator_from_dbt_assets([context.assets_def])
    selection = subset_selection(context, manifest)
    rounds: list[list[dict]] = []
    try:
        built = steps.build(
            settings, context.log.info, selection=selection, when_current="skip", rounds=rounds
        )
    except BuildFailed:
        # The failed round's results first (the failed check, the models that did build), then
        # the failure, worded once by the build (only_a_held_lock_is_retried adds the step).
        yield from round_events(context, manifest, rounds, settings)
        raise
    for file in built.quarantined:
        context.log.warning(f"quarantined {file.relative_path}: {file.reason}")
    if built.quarantined:
        yield quarantine_observation(built.quarantined)
    yield from round_events(context, manifest, rounds, settings, built.plan.why)


def subset_selection(context: dg.AssetExecutionContext, manifest: Mapping[str, Any]) -> tuple[str, ...]:
    """The dbt `--select` arguments of the assets and checks Dagster selected; none for the whole
    graph (then the plan selects)."""
    arguments, _indirect = get_subset_selection_for_context(
        context, manifest, None, None, None, TRANSLATOR, os.environ.get("DBT_INDIRECT_SELECTION")
    )
    if "--select" not in arguments:
        return ()
    return tuple(arguments[arguments.index("--select") + 1 :])


def round_events(
    context: dg.AssetExecutionContext,
    manifest: Mapping[str, Any],
    rounds: list[list[dict]],
    settings: Settings,
    why: str = "",
) -> Iterator[Any]:
    """Dagster's events for dbt's result events: the last round's as this step's outputs and
    check results (with the tables' row counts and columns), the earlier rounds' failed checks as
    evaluations only (a step yields each output once); then, after a build that passed (`why`
    says why), every selected model it did not rebuild, as current (`rebuilt: false`). Outputs
    go in the graph's order, which a multi-asset must keep, whatever order dbt's threads finished
    in."""
    target = dbt_target(settings)
    for earlier in rounds[:-1]:
        for raw in earlier:
            for event in DbtCoreCliEventMessage(raw, {}).to_default_asset_events(
                manifest, TRANSLATOR, None, target, dbt_project
            ):
                if isinstance(event, dg.AssetCheckEvaluation) and not event.passed:
                    yield event
    last = rounds[-1] if rounds else []
    events = [
        event
        for raw in last
        for event in DbtCoreCliEventMessage(raw, {}).to_default_asset_events(
            manifest, TRANSLATOR, context, target, dbt_project
        )
    ]
    rebuilt = {raw["data"]["node_info"]["unique_id"] for raw in last}
    keys = asset_keys_by_node(manifest)
    if why:  # the build passed: what it did not rebuild is current, its checks' results stand
        current = [
            key
            for unique_id, key in keys.items()
            if unique_id not in rebuilt and key in context.selected_asset_keys
        ]
        events += [
            dg.MaterializeResult(asset_key=key, metadata={"rebuilt": False, "why": why}) for key in current
        ]
        events += results_that_stand(context, set(current), why)
    position = {key.to_python_identifier(): index for index, key in enumerate(keys.values())}
    outputs = sorted(
        (e for e in events if isinstance(e, dg.Output | dg.MaterializeResult)),
        key=lambda e: position.get(output_name(e), -1),
    )
    others = [e for e in events if not isinstance(e, dg.Output | dg.MaterializeResult)]
    yield from with_table_facts([*outputs, *others], manifest, settings.warehouse)


def results_that_stand(
    context: dg.AssetExecutionContext, current: set[dg.AssetKey], why: str
) -> list[dg.AssetCheckResult]:
    """The checks of models the plan did not rebuild did not run: the rows they check did not
    change. Each one's last pass stands and is reported again (`ran: false`), so the publish
    gate (orchestration/publish.py) reads a result for every blocking check of the run. A check
    that never passed stays unevaluated, and the gate refuses."""
    storage = context.instance.event_log_storage
    stood = []
    for check_key in sorted(context.selected_asset_check_keys, key=str):
        if check_key.asset_key not in current:
            continue
        history = storage.get_asset_check_execution_history(check_key, limit=1, status=COMPLETED)
        if history and history[0].status == AssetCheckExecutionRecordStatus.SUCCEEDED:
            stood.append(
                dg.AssetCheckResult(
                    asset_key=check_key.asset_key,
                    check_name=check_key.name,
                    passed=True,
                    metadata={"ran": False, "why": why, "passed_in_run": history[0].run_id},
                )
            )
    return stood


def asset_keys_by_node(manifest: Mapping[str, Any]) -> dict[str, dg.AssetKey]:
    """unique_id -> asset key of every model, seed and snapshot, parents before children."""
    nodes = {
        unique_id: node
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] in ("model", "seed", "snapshot")
    }
    graph = {
        unique_id: [p for p in node.get("depends_on", {}).get("nodes", []) if p in nodes]
        for unique_id, node in nodes.items()
    }
    return {
        unique_id: TRANSLATOR.get_asset_spec(manifest, unique_id, dbt_project).key
        for unique_id in TopologicalSorter(graph).static_order()
    }


def output_name(event: dg.Output | dg.MaterializeResult) -> str:
    """The output's name as dagster-dbt names a model's output (its asset key as an identifier)."""
    if isinstance(event, dg.MaterializeResult):
        return event.asset_key.to_python_identifier()
    return event.output_name


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


def mart_keys() -> list[dg.AssetKey]:
    return [key for key in social_dbt_assets().keys if key.path[0] == MARTS_SCHEMA]
