"""Model files and shared macros hold no engine-specific SQL: DuckDB-only constructs live in the
`duckdb__` implementations of the macros of dbt_project/macros/engine_sql.sql, dispatched by
adapter, so a second engine (Spark SQL) means new macro implementations and no model or shared
macro edit. Every staging model describes every column."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import yaml

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "dbt_project" / "models"
MACROS = REPO / "dbt_project" / "macros"
ENGINE_MACROS = MACROS / "engine_sql.sql"

# What DuckDB reads and Spark SQL does not (or reads differently), each with the macro to use.
DUCKDB_ONLY = {
    r"\bqualify\b": "keep_first()",
    r"\bilike\b": "like_ignoring_case()",
    r"\bregexp_\w+\s*\(": "matches_regex() / first_match() / replace_regex() / all_match_groups()",
    r"\bsimilar\s+to\b": "matches_regex()",
    r"\bunnest\s*\(": "each_element_of() / value_and_parts_as_rows()",
    r"\barg_(max|min)\s*\(": "value_of_max()",
    r"\b(try_)?strptime\s*\(": "parse_timestamp() / try_parse_timestamp()",
    r"\bstrftime\s*\(": "an engine macro",
    r"\bgenerate_series\s*\(": "days_between_as_rows()",
    r"\bstring_split\s*\(": "value_and_parts_as_rows() or an engine macro",
    r"\blist_\w+\s*\(": "has_element() / is_one_of()",
    r"\blist\s*\(": "ordered_list()",
    r"\bstring_agg\s*\(": "joined_text()",
    r"\bstruct_\w+\s*\(": "an engine macro",
    r"\brow\s*\(": "record_of()",
    r"\b(from|to)_json\s*\(": "json_text_list() / row_as_json()",
    r"::": "cast(... as ...)",
    r"\bepoch\s*\(": "an engine macro",
    r"\bisodow\b": "iso_weekday()",
    r"\bat\s+time\s+zone\b": "utc_wall_clock() / to_local_time() / utc_of_wall_clock_in()",
    r"'-?infinity'": "earliest_timestamp()",
    r"\bunion\s+(all\s+)?by\s+name\b": "union_all_by_name()",
    r"\b(group|order)\s+by\s+all\b": "the columns, named",
    r"\bexclude\s*\(": "all_columns_except(), or the columns, named",
    r"\*\s*replace\s*\(": "all_columns_replacing()",
    r"\bstrip_accents\s*\(": "without_accents()",
    # Spark reads two-argument ltrim/rtrim as (characters, text), DuckDB as (text, characters)
    r"\b[lr]trim\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*,": "trim(leading|trailing '...' from ...)",
    r"\bchr\s*\(\s*[a-z_]": "character_of() (Spark's chr() wraps at 256)",
    r"\bdayname\s*\(": "weekday_name() (Spark abbreviates)",
}
TOKENS = re.compile("|".join(f"(?:{token})" for token in DUCKDB_ONLY), re.IGNORECASE)


def blanked(sql: str, pattern: str) -> str:
    """The SQL with what the pattern matches replaced by spaces, lines kept where they were."""
    return re.sub(pattern, lambda m: re.sub(r"[^\n]", " ", m.group()), sql, flags=re.DOTALL)


def shared_sql(sql: str) -> str:
    """The SQL every engine runs: jinja and `--` comments blanked, and the bodies of the engines'
    own macros (`duckdb__...`, `spark__...`, and the helpers of the Spark ones, `spark_...`),
    which are the one place an engine's own syntax belongs."""
    sql = blanked(sql, r"\{#.*?#\}")
    sql = blanked(sql, r"\{%-?\s*macro\s+(duckdb__|spark_)\w+.*?\{%-?\s*endmacro\s*-?%\}")
    return re.sub(r"--[^\n]*", "", sql)


def engine_specific_lines(folder: Path) -> list[str]:
    """'file:line: construct (use macro)' for every DuckDB-only construct in the SQL files of the
    folder (models or macros) outside a `duckdb__` macro."""
    found = []
    for path in sorted(folder.rglob("*.sql")):
        for number, line in enumerate(shared_sql(path.read_text()).splitlines(), start=1):
            for match in TOKENS.finditer(line):
                macro = next(m for t, m in DUCKDB_ONLY.items() if re.fullmatch(t, match.group(), re.I))
                found.append(f"{path.relative_to(folder)}:{number}: {match.group()!r} (use {macro})")
    return found


def test_no_model_file_writes_duckdb_only_sql():
    found = engine_specific_lines(MODELS)
    assert not found, "engine-specific SQL in model files, move it into a macro:\n" + "\n".join(found)


def test_no_shared_macro_writes_duckdb_only_sql():
    found = engine_specific_lines(MACROS)
    assert not found, (
        "engine-specific SQL in shared macros, call an engine macro of engine_sql.sql:\n" + "\n".join(found)
    )


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


def test_the_check_lets_a_duckdb_implementation_write_duckdb_sql_and_names_a_shared_macro_that_does(
    tmp_path,
):
    # The shape of post_formats.sql before the engine macros, beside an engine macro of its own.
    (tmp_path / "macros.sql").write_text(
        "{% macro is_video(post_type) -%}\n"
        "    {{ return(adapter.dispatch('is_video', 'socialkpi')(post_type)) }}\n"
        "{%- endmacro %}\n"
        "\n"
        "{% macro duckdb__is_video(post_type) -%}\n"
        "    {{ post_type }} similar to '.*video.*'\n"
        "{%- endmacro %}\n"
        "\n"
        "{% macro post_format(post_type) -%}\n"
        "    case when lower({{ post_type }}) similar to '.*(reel|short).*' then 'reel' end\n"
        "{%- endmacro %}\n"
    )
    assert engine_specific_lines(tmp_path) == ["macros.sql:10: 'similar to' (use matches_regex())"]


def engine_macro_names() -> tuple[list[str], list[str]]:
    """(every macro of engine_sql.sql, the dispatching ones: not an engine's own)."""
    names = re.findall(r"\{%-?\s*macro\s+(\w+)\s*\(", ENGINE_MACROS.read_text())
    return names, [name for name in names if "__" not in name and not name.startswith("spark_")]


def test_every_engine_macro_dispatches_by_adapter_to_a_duckdb_and_a_spark_implementation():
    text = ENGINE_MACROS.read_text()
    names, dispatchers = engine_macro_names()
    assert dispatchers
    for name in dispatchers:
        assert f"adapter.dispatch('{name}', 'socialkpi')" in text, name
        assert f"duckdb__{name}" in names, name
        # Spark may use the portable default__, where there is one
        assert f"spark__{name}" in names or f"default__{name}" in names, name


def test_engine_macros_are_all_in_engine_sql_where_the_sqlfluff_stand_in_finds_them():
    # dbt_project/sqlfluff_libs/adapter.py answers adapter.dispatch from engine_sql.sql alone.
    # (Other files may hold an engine's version of dbt's own macros, spark__load_csv_rows say:
    # no model calls those.)
    _, dispatchers = engine_macro_names()
    ours = "|".join(dispatchers)
    elsewhere = [
        path.name
        for path in MACROS.rglob("*.sql")
        if path != ENGINE_MACROS
        and re.search(
            rf"adapter\.dispatch\(\s*'\w+',\s*'socialkpi'|macro\s+\w+__({ours})\b", path.read_text()
        )
    ]
    assert not elsewhere, "dispatched macros outside engine_sql.sql: " + ", ".join(elsewhere)


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
