"""The "beyond KPIs" marts on the demo warehouse: labels analysts own, and their documentation.
(The README's questions are tested in test_small_data_answers.py, on the demo and the samples.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines.settings import DBT_PROJECT_DIR, WAREHOUSE_ENV, Settings
from socialkpi.build.text_folding import PATTERN_MACRO, SEED, pattern_macro_text, seed_text

REPO = Path(__file__).resolve().parent.parent
DBT = str(Path(sys.executable).parent / "dbt")


def _query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_the_unicode_folding_seed_and_its_pattern_are_exactly_what_the_generator_writes():
    assert SEED.read_text(encoding="ascii") == seed_text(), (
        "run: .venv/bin/python -m socialkpi.build.text_folding"
    )
    assert PATTERN_MACRO.read_text(encoding="ascii") == pattern_macro_text(), (
        "run: .venv/bin/python -m socialkpi.build.text_folding"
    )


def test_the_foldable_characters_pattern_matches_every_folded_character_and_no_other():
    """The models translate only texts the pattern matches: a folded character it missed would
    leave "𝐍𝐄𝐖" unfolded, one it added would only cost time."""
    pattern = re.search(r"'(\[.*\])'", PATTERN_MACRO.read_text(encoding="ascii")).group(1)
    with duckdb.connect() as con:
        con.execute(
            f"create table folded as select cast(code_point as integer) as code_point from read_csv('{SEED}')"
        )
        matched = con.execute(
            f"""select count(*) filter (where regexp_matches(chr(code_point), '{pattern}')), count(*)
            from folded"""
        ).fetchone()
        others = con.execute(
            f"""select count(*) from range(0, 196608) as codes(i)
            where (i < 55296 or i > 57343) and cast(i as integer) not in (select code_point from folded)
            and regexp_matches(chr(cast(i as integer)), '{pattern}')"""
        ).fetchone()[0]
    assert matched[0] == matched[1] > 1000
    assert others == 0


def test_editing_a_label_rule_and_rebuilding_relabels_past_posts(demo_refresh: Settings, tmp_path: Path):
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    warehouse = tmp_path / "socialkpi.duckdb"
    shutil.copy(demo_refresh.warehouse, warehouse)
    meet_posts = """
        select post_id, content_type, posted_at from marts.all_posts
        where regexp_matches(text, '(?i)\\bmeet\\b') order by post_id"""
    before = _query(warehouse, meet_posts)
    assert before and {content_type for _, content_type, _ in before} == {"human_story"}

    # An analyst renames the label of the "meet" rules and raises one over everything else.
    rules = project / "seeds" / "label_rules.csv"
    edited = re.sub(
        r"^content_type,human_story,keyword,meet,50,",
        "content_type,portrait,keyword,meet,99,",
        rules.read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    assert edited != rules.read_text(encoding="utf-8")
    rules.write_text(edited, encoding="utf-8")

    env = {**os.environ, WAREHOUSE_ENV: str(warehouse)}
    subprocess.run(
        [DBT, "build", "--quiet", "--project-dir", str(project), "--profiles-dir", str(project),
         "--select", "label_rules+"],
        env=env, check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip

    after = _query(warehouse, meet_posts)
    assert [post_id for post_id, _, _ in after] == [post_id for post_id, _, _ in before]
    assert {content_type for _, content_type, _ in after} == {"portrait"}
    # Posts published years before the edit are relabelled too: history follows the rules.
    assert min(posted_at for _, _, posted_at in after).year <= 2016
    assert (
        _query(warehouse, "select count(*) from marts.label_performance where label = 'portrait'")[0][0] > 0
    )


def test_every_mart_and_every_mart_column_is_described_for_analysts(dbt_manifest: Path):
    import json

    manifest = json.loads(dbt_manifest.read_text(encoding="utf-8"))
    marts = [
        n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"
    ]
    assert len(marts) >= 20
    undocumented = [m["name"] for m in marts if not m["description"].strip()]
    undocumented += [
        f"{m['name']}.{column}"
        for m in marts
        for column, spec in m["columns"].items()
        if not spec["description"].strip()
    ]
    assert undocumented == []
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert {"html_report", "bi_connection"} <= exposures.keys()
    assert "model.socialkpi.best_time_to_post" in exposures["html_report"]["depends_on"]["nodes"]


def test_dbt_docs_generate_works_offline_and_catalogues_every_mart(demo_refresh: Settings, tmp_path: Path):
    warehouse = tmp_path / "socialkpi.duckdb"
    shutil.copy(demo_refresh.warehouse, warehouse)
    target = tmp_path / "target"
    subprocess.run(
        [DBT, "docs", "generate", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
         "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target),
         "--log-path", str(tmp_path / "logs")],
        env={**os.environ, WAREHOUSE_ENV: str(warehouse)}, check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    import json

    catalog = json.loads((target / "catalog.json").read_text(encoding="utf-8"))
    catalogued = {node["metadata"]["name"] for node in catalog["nodes"].values()}
    assert {"all_posts", "label_performance", "best_time_to_post", "hashtag_performance"} <= catalogued
    assert (target / "index.html").stat().st_size > 100_000
