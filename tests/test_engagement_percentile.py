"""engagement_percentile has two implementations (dbt_project/macros/engine_sql.sql): the
portable self-join that defines it (`default__`) and DuckDB's framed rank (`duckdb__`), which the
build uses because the self-join pairs each post with every post of its 90 days. Both are
rendered from the macro file with Jinja (as the sqlfluff stand-in does) and run in a real DuckDB
on the same rows; they must give the same numbers, row for row."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import jinja2
import pyarrow as pa
import pytest

from pipelines.settings import Settings

ENGINE_MACROS = Path(__file__).resolve().parents[1] / "dbt_project" / "macros" / "engine_sql.sql"
COLUMNS = "channel, account, post_id, posts_in_previous_90_days, engagement_percentile"


def percentiles_sql(implementation: str, posts: str) -> str:
    """The SQL of `<implementation>__engagement_percentiles(posts)`, rendered from the macro file."""
    environment = jinja2.Environment(extensions=["jinja2.ext.do"])  # as dbt renders macros
    macros = environment.from_string(ENGINE_MACROS.read_text(encoding="utf-8")).module
    return str(getattr(macros, f"{implementation}__engagement_percentiles")(posts))


def generated_posts(seed: int) -> pa.Table:
    """Posts of three accounts on two channels (one account name on both), on a coarse clock so
    that the hard cases come often: several posts of one instant, posts exactly 90 days (and 90
    days and a minute) apart, equal rates, posts without a rate or without posted_at, and
    accounts with fewer than 10 posts in a window."""
    rng = random.Random(seed)
    start = datetime(2024, 1, 1)
    rows = []
    for channel, account, posts, days in (
        ("twitter", "cern", 1500, 400),
        ("facebook", "cern", 400, 400),
        ("twitter", "cern_fr", 60, 400),
    ):
        for number in range(posts):
            posted_at = start + timedelta(days=rng.randrange(days), minutes=rng.choice((0, 1, 600)))
            rows.append(
                {
                    "channel": channel,
                    "account": account,
                    "post_id": f"{account}-{number}",
                    "posted_at": None if rng.random() < 0.02 else posted_at,
                    "engagement_rate": None
                    if rng.random() < 0.1
                    else rng.choice((0.01, 0.02, 0.03, 0.04, 0.05)),
                }
            )
    return pa.Table.from_pylist(rows)


# Each case the comparison is meant to cover, as a condition on a post and an earlier-or-same-time
# post of its account with a rate.
CASES = {
    "an earlier post exactly 90 days before": "earlier.posted_at = post.posted_at - interval 90 day",
    "an earlier post 90 days and a minute before": (
        "earlier.posted_at = post.posted_at - interval 90 day - interval 1 minute"
    ),
    "a post of the same instant with a lower rate": (
        "earlier.posted_at = post.posted_at and earlier.engagement_rate < post.engagement_rate"
    ),
    "an earlier post with the same rate": (
        "earlier.posted_at < post.posted_at and earlier.engagement_rate = post.engagement_rate"
    ),
    "a post without a rate": "post.engagement_rate is null",
    "a post without posted_at": "post.posted_at is null",
}


def cases_covered(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """How often the generated rows hold each case."""
    pairs = """
        select count(*) from posts as post left join posts as earlier
            on post.channel = earlier.channel and post.account = earlier.account
            and earlier.engagement_rate is not null
        where {condition}
    """
    return {
        case: con.execute(pairs.format(condition=condition)).fetchone()[0]
        for case, condition in CASES.items()
    }


@pytest.mark.parametrize("seed", [1, 2])
def test_duckdbs_framed_rank_gives_the_self_joins_numbers_on_ties_same_instants_nulls_and_the_90_day_bound(
    seed: int,
):
    posts = generated_posts(seed)
    with duckdb.connect() as con:
        con.execute("create table posts as select * from posts")
        covered = cases_covered(con)
        assert all(covered.values()), f"the generated rows miss a case: {covered}"
        by_self_join = con.execute(f"{percentiles_sql('default', 'posts')} order by all").fetchall()
        by_framed_rank = con.execute(f"{percentiles_sql('duckdb', 'posts')} order by all").fetchall()
    assert len(by_self_join) == posts.num_rows
    percentiles = [row[4] for row in by_self_join]
    assert any(p is not None for p in percentiles) and any(p is None for p in percentiles)
    assert by_framed_rank == by_self_join


def test_the_demo_build_ranks_in_a_90_day_frame_and_its_all_posts_holds_the_self_joins_percentiles(
    demo_refresh: Settings,
):
    compiled = next((demo_refresh.warehouse.parent / "dbt_target" / "compiled").rglob("all_posts.sql"))
    assert "range between interval 90 day preceding and current row" in compiled.read_text(encoding="utf-8")
    with duckdb.connect(str(demo_refresh.warehouse), read_only=True) as con:
        built = con.execute(f"select {COLUMNS} from marts.all_posts order by all").fetchall()
        by_self_join = con.execute(
            f"{percentiles_sql('default', 'intermediate.int_posts')} order by all"
        ).fetchall()
    assert sum(row[4] is not None for row in built) > 100
    assert built == by_self_join
