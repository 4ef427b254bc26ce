"""A stand-in for dbt's `adapter` when sqlfluff renders the models (its jinja templater has no
adapter): `adapter.dispatch(name)` answers the DuckDB implementation of the engine macros in
macros/engine_sql.sql, so sqlfluff lints the SQL the DuckDB build runs."""

from pathlib import Path

import jinja2

ENGINE_MACROS = Path(__file__).resolve().parents[1] / "macros" / "engine_sql.sql"


def dispatch(macro_name, macro_namespace=None):
    module = jinja2.Environment().from_string(ENGINE_MACROS.read_text()).module
    return getattr(module, f"duckdb__{macro_name}")
