"""Model files hold no engine-specific SQL: DuckDB-only constructs live in the macros of
dbt_project/macros/engine_sql.sql, dispatched by adapter, so a second engine (Spark SQL) means
new macro implementations and no model edit. Every staging model describes every column."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import yaml

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "dbt_project" / "models"
ENGINE_MACROS = REPO / "dbt_project" / "macros" / "engine_sql.sql"

# What DuckDB reads and Spark SQL does not (or reads differently), each with the macro to use.
DUCKDB_ONLY = {
    r"\bqualify\b": "keep_first()",
    r"\bilike\b": "like_ignoring_case()",
    r"\bregexp_\w+\s*\(": "matches_regex() / first_match()",
    r"\bsimilar\s+to\b": "matches_regex()",
    r"\bunnest\s*\(": "each_element_of()",
    r"\barg_(max|min)\s*\(": "value_of_max()",
    r"\b(try_)?strptime\s*\(": "parse_timestamp()",
    r"\bstrftime\s*\(": "an engine macro",
    r"\bgenerate_series\s*\(": "days_between_as_rows()",
    r"\bstring_split\s*\(": "an engine macro",
    r"\blist_\w+\s*\(": "has_element()",
    r"\bstruct_\w+\s*\(": "an engine macro",
    r"::": "cast(... as ...)",
    r"\bepoch\s*\(": "an engine macro",
    r"\bisodow\b": "iso_weekday()",
    r"\bat\s+time\s+zone\b": "utc_wall_clock() / to_local_time()",
    r"'-?infinity'": "earliest_timestamp()",
    r"\bunion\s+(all\s+)?by\s+name\b": "union_all_by_name()",
    r"\b(group|order)\s+by\s+all\b": "the columns, named",
    r"\bexclude\s*\(": "the columns, named",
    r"\bstrip_accents\s*\(": "an engine macro",
}
TOKENS = re.compile("|".join(f"(?:{token})" for token in DUCKDB_ONLY), re.IGNORECASE)


def without_comments(sql: str) -> str:
    """The SQL with jinja comments and `--` comments blanked, lines kept where they were."""
    sql = re.sub(r"\{#.*?#\}", lambda m: re.sub(r"[^\n]", " ", m.group()), sql, flags=re.DOTALL)
    return re.sub(r"--[^\n]*", "", sql)


def engine_specific_lines(models: Path) -> list[str]:
    """'file:line: construct (use macro)' for every DuckDB-only construct in a model file."""
    found = []
    for path in sorted(models.rglob("*.sql")):
        for number, line in enumerate(without_comments(path.read_text()).splitlines(), start=1):
            for match in TOKENS.finditer(line):
                macro = next(m for t, m in DUCKDB_ONLY.items() if re.fullmatch(t, match.group(), re.I))
                found.append(f"{path.relative_to(models)}:{number}: {match.group()!r} (use {macro})")
    return found


def test_no_model_file_writes_duckdb_only_sql():
    found = engine_specific_lines(MODELS)
    assert not found, "engine-specific SQL in model files, move it into a macro:\n" + "\n".join(found)


def test_the_check_names_the_file_and_line_of_a_duckdb_only_construct(tmp_path):
    # The shape of a model as it was before the engine macros: a latest-row filter and an ilike.
    model = tmp_path / "marts" / "some_mart.sql"
    model.parent.mkdir()
    model.write_text(
        "-- qualify in a comment is not SQL\n"
        "select *\n"
        "from snapshots\n"
        "where post_type ilike '%story%'\n"
        "qualify row_number() over (partition by account order by snapshot_date desc) = 1\n"
    )
    found = engine_specific_lines(tmp_path)
    assert found == [
        "marts/some_mart.sql:4: 'ilike' (use like_ignoring_case())",
        "marts/some_mart.sql:5: 'qualify' (use keep_first())",
    ]


def test_every_engine_macro_dispatches_by_adapter_to_a_duckdb_implementation():
    text = ENGINE_MACROS.read_text()
    names = re.findall(r"\{%-?\s*macro\s+(\w+)\s*\(", text)
    dispatchers = [name for name in names if "__" not in name]
    assert dispatchers
    for name in dispatchers:
        assert f"adapter.dispatch('{name}', 'socialkpi')" in text, name
        assert f"duckdb__{name}" in names, name


def test_every_column_of_every_staging_model_is_described(demo_refresh):
    described = {}
    for yml in (MODELS / "staging").rglob("_*__models.yml"):
        for model in yaml.safe_load(yml.read_text())["models"]:
            described[model["name"]] = {
                column["name"] for column in model.get("columns", []) if column.get("description")
            }
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        built = con.execute(
            "select table_name, column_name from information_schema.columns"
            " where table_schema = 'staging' order by table_name, ordinal_position"
        ).fetchall()
    assert {table for table, _ in built} == set(described)
    undescribed = [f"{table}.{column}" for table, column in built if column not in described[table]]
    assert not undescribed, "staging columns without a description: " + ", ".join(undescribed)
