"""Every dbt model as an asset; dbt tests become asset checks."""

import os
from collections.abc import Mapping
from functools import cache
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.constants import WAREHOUSE_POOL
from orchestration.dbt_project import dbt_project
from orchestration.resources import SocialKpiResource
from socialkpi.settings import WAREHOUSE_ENV
from socialkpi.transform import WITHOUT_UNIT_TESTS


class SchemaKeyTranslator(DagsterDbtTranslator):
    """Key models as [schema, model] (`marts/twitter_posts`), grouped by schema, so the graph
    reads like the warehouse."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id)
        if not node or node["resource_type"] not in ("model", "seed", "snapshot"):
            return spec
        return spec.replace_attributes(
            key=dg.AssetKey([node["schema"], node["name"]]), group_name=node["schema"]
        )


@cache
def social_dbt_assets() -> dg.AssetsDefinition:
    """Built lazily: the manifest must exist first (`socialkpi parse`, or `dagster dev`)."""
    dbt_project.prepare_if_dev()

    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=SchemaKeyTranslator(),
        pool=WAREHOUSE_POOL,
    )
    def social_dbt(context: dg.AssetExecutionContext, dbt: DbtCliResource, socialkpi: SocialKpiResource):
        # profiles.yml reads the warehouse path from the environment; make it this run's.
        os.environ[WAREHOUSE_ENV] = str(socialkpi.settings().warehouse)
        yield from dbt.cli(["build", *WITHOUT_UNIT_TESTS], context=context).stream()

    return social_dbt


def mart_keys() -> list[dg.AssetKey]:
    return [key for key in social_dbt_assets().keys if key.path[0] == "marts"]
