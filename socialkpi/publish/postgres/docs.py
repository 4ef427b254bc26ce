"""What the dbt docs say about each mart, read from the marts' yml files (the source the dbt docs
site is built from): its description, each column's, and the columns that identify a row.

The yml files, not dbt_project/target/manifest.json: the manifest exists only after a dbt run and
is rewritten by every parse, possibly while a publish reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from pipelines.settings import DBT_PROJECT_DIR

MARTS_DIR = DBT_PROJECT_DIR / "models" / "marts"
_DOC_BLOCK = re.compile(r"{%-?\s*docs\s+(\w+)\s*-?%}(.*?){%-?\s*enddocs\s*-?%}", re.DOTALL)
_DOC_REFERENCE = re.compile(r"""{{\s*doc\(\s*['"](\w+)['"]\s*\)\s*}}""")


@dataclass(frozen=True)
class MartDocs:
    description: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    # The row's identity (the mart's uniqueness test); `not_null` says whether every key column
    # is declared not null, which a PostgreSQL primary key requires.
    key: tuple[str, ...] = ()
    key_not_null: bool = False


def mart_docs(marts_dir: Path = MARTS_DIR) -> dict[str, MartDocs]:
    blocks = {
        name: text.strip()
        for path in marts_dir.rglob("*.md")
        for name, text in _DOC_BLOCK.findall(path.read_text())
    }

    def render(text: str | None) -> str:
        return _DOC_REFERENCE.sub(lambda m: blocks.get(m.group(1), ""), (text or "").strip())

    docs = {}
    for path in sorted(marts_dir.rglob("*.yml")):
        for model in (yaml.safe_load(path.read_text()) or {}).get("models") or []:
            columns = model.get("columns") or []
            key = _row_key(model)
            not_null = {c["name"] for c in columns if _declared_not_null(c)}
            docs[model["name"]] = MartDocs(
                description=render(model.get("description")),
                columns={c["name"]: render(c.get("description")) for c in columns},
                key=key,
                key_not_null=bool(key) and set(key) <= not_null,
            )
    return docs


def _row_key(model: dict) -> tuple[str, ...]:
    for test in model.get("data_tests") or model.get("tests") or []:
        if isinstance(test, dict) and "unique_combination" in test:
            arguments = test["unique_combination"] or {}
            return tuple(arguments.get("arguments", arguments)["columns"])
    for column in model.get("columns") or []:
        for test in column.get("data_tests") or column.get("tests") or []:
            if test == "unique" or (isinstance(test, dict) and "unique" in test):
                return (column["name"],)
    return ()


def _declared_not_null(column: dict) -> bool:
    constraints = column.get("constraints") or []
    tests = column.get("data_tests") or column.get("tests") or []
    return any(c.get("type") == "not_null" for c in constraints) or "not_null" in tests
