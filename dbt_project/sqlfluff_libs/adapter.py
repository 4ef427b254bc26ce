"""A stand-in for dbt's `adapter` when sqlfluff renders the models (its jinja templater has no
adapter): `adapter.dispatch(name)` answers the DuckDB implementation of the engine macros in
macros/engine_sql.sql, so sqlfluff lints the SQL the DuckDB build runs."""

from functools import cache
from pathlib import Path

import jinja2

ENGINE_MACROS = Path(__file__).resolve().parents[1] / "macros" / "engine_sql.sql"


@cache
def _engine_macros():
    # Parsed once per process: a model calls the engine macros hundreds of times.
    return jinja2.Environment(extensions=["jinja2.ext.do"]).from_string(ENGINE_MACROS.read_text()).module


def dispatch(macro_name, macro_namespace=None):
    return getattr(_engine_macros(), f"duckdb__{macro_name}")


def quote(identifier):
    """DuckDB's quoting, as dbt-duckdb's adapter.quote writes it."""
    return f'"{identifier}"'
