"""dbt's saved parse is kept when only the warehouse path differs (socialkpi/build/saved_parse.py),
so a new warehouse starts from the project's parse instead of parsing the whole project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.memory import DBT_MEMORY_LIMIT_ENV
from pipelines.settings import WAREHOUSE_ENV
from socialkpi.build.dbt_runner import dbt_args
from socialkpi.build.saved_parse import PARTIAL_PARSE, keep_parse_across_warehouse_paths


def _parse(target: Path) -> list[str]:
    """`dbt parse` into `target`, as socialkpi runs it; the names of dbt's partial-parse events
    (with the reason when dbt refuses the saved parse)."""
    from dbt.cli.main import dbtRunner

    said: list[str] = []

    def on_event(event) -> None:
        name = event.info.name
        if name == "UnableToPartialParse":
            said.append(f"{name}: {event.data.reason}")
        elif name in ("PartialParsingSkipParsing", "PartialParsingNotEnabled"):
            said.append(name)

    keep_parse_across_warehouse_paths()
    command = dbt_args("parse", "--quiet", "--target-path", str(target))
    result = dbtRunner(callbacks=[on_event]).invoke(command)
    assert result.success, result.exception
    return said


def test_a_warehouse_at_another_path_or_memory_limit_reuses_the_saved_parse_and_another_name_does_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(DBT_MEMORY_LIMIT_ENV, "1GB")
    monkeypatch.setenv(WAREHOUSE_ENV, str(tmp_path / "first" / "socialkpi.duckdb"))
    _parse(tmp_path / "first")
    assert (tmp_path / "first" / PARTIAL_PARSE).is_file()

    # The same project and profile, another warehouse folder: dbt checks the files and keeps it.
    shutil.copytree(tmp_path / "first", tmp_path / "moved")
    monkeypatch.setenv(WAREHOUSE_ENV, str(tmp_path / "moved" / "socialkpi.duckdb"))
    assert _parse(tmp_path / "moved") == ["PartialParsingSkipParsing"]

    # Another memory limit, as the process's cap gives each build (pipelines/memory.py): kept too.
    shutil.copytree(tmp_path / "first", tmp_path / "other_limit")
    monkeypatch.setenv(DBT_MEMORY_LIMIT_ENV, "612MB")
    monkeypatch.setenv(WAREHOUSE_ENV, str(tmp_path / "other_limit" / "socialkpi.duckdb"))
    assert _parse(tmp_path / "other_limit") == ["PartialParsingSkipParsing"]

    # Every other profile value still counts: the check is narrowed, not switched off. The file's
    # name is the database the manifest names.
    shutil.copytree(tmp_path / "first", tmp_path / "other_name")
    monkeypatch.setenv(WAREHOUSE_ENV, str(tmp_path / "other_name" / "kpi.duckdb"))
    assert _parse(tmp_path / "other_name") == ["UnableToPartialParse: profile has changed"]
