"""Privacy by construction: commenters are pseudonyms and their words are redacted before anything
is written; nothing that names them reaches any table, the published copy or dlt's files; one
author can be forgotten everywhere, for good."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.comments.load import load_comments
from pipelines.comments.privacy import pseudonym, redact
from pipelines.comments.replay_server import CommentApi, load_dataset, replay_sources
from pipelines.settings import load_settings
from socialkpi.demo.comments import people
from tests.conftest import TEST_PSEUDONYM_KEY, run_cli

KEY = TEST_PSEUDONYM_KEY.encode()


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("mail me: marie.dubois+cern@example.org!", "mail me: [email]!"),
        ("@lucas_k you are right, ask @ana.b", "@[user] you are right, ask @[user]"),
        ("call +41 22 767 61 11 or 06.12.34.56.78", "call [phone] or [phone]"),
        ("(555) 123-4567", "([phone]"),
        ("see https://example.org/a?b=c and www.cern.ch/x", "see [url] and [url]"),
        ("CERN 1954-2024: 70 years, 27 km, 1.9 K", "CERN 1954-2024: 70 years, 27 km, 1.9 K"),
        ("#TBT to the LHC, c'est génial 😍", "#TBT to the LHC, c'est génial 😍"),
    ],
)
def test_redaction_replaces_addresses_mentions_phones_and_links_and_keeps_the_rest(text, redacted):
    assert redact(text) == redacted


def test_a_pseudonym_is_stable_per_key_and_channel_and_says_nothing_without_the_key():
    first = pseudonym(KEY, "youtube", "UC123")
    assert first == pseudonym(KEY, "youtube", "UC123")
    assert first != pseudonym(KEY, "facebook", "UC123")
    assert first != pseudonym(b"another key of 32 characters or more", "youtube", "UC123")
    assert "UC123" not in first and len(first) == 64


def commenters() -> list:
    return [*people("youtube"), *people("facebook"), *people("instagram")]


def needles() -> list[str]:
    """What identifies the demo's commenters: ids, display names, handles (so also their e-mail
    addresses, avatar and profile URLs), phone numbers with and without spaces."""
    found = set()
    for person in commenters():
        found |= {person.platform_id, person.display_name, person.handle, person.phone}
        found.add(person.phone.replace(" ", ""))
    return sorted(v.lower() for v in found)


def text_of_every_table(database: Path) -> str:
    """Every value of every text, JSON or list column of every table, lower case."""
    with duckdb.connect(str(database), read_only=True) as con:
        columns = con.execute(
            """
            select c.table_catalog, c.table_schema, c.table_name, c.column_name
            from information_schema.columns as c
            inner join information_schema.tables as t using (table_catalog, table_schema, table_name)
            where t.table_type = 'BASE TABLE'
                and (c.data_type like '%VARCHAR%' or c.data_type like 'JSON%' or c.data_type like 'STRUCT%')
            """
        ).fetchall()
        assert columns, database
        parts = [
            con.execute(
                f'select string_agg(distinct cast("{column}" as varchar), chr(10)) '
                f'from "{catalog}"."{schema}"."{table}"'
            ).fetchone()[0]
            or ""
            for catalog, schema, table, column in columns
        ]
    return "\n".join(parts).lower()


def leaks(text: str) -> list[str]:
    return [needle for needle in needles() if needle in text]


def test_no_commenter_detail_is_anywhere_in_the_warehouse_the_published_copy_or_dlt_files(
    demo_refresh, demo_comments
):
    served = leaks((demo_comments / "comments.json").read_text(encoding="utf-8").lower())
    people_served = [p for p in commenters() if p.platform_id.lower() in served]
    assert len(people_served) == 144, "the API answers name every commenter"
    assert {p.display_name.lower() for p in people_served} & set(served), "Facebook sends names"
    assert {p.phone for p in people_served} & set(served), "a few comments hold a phone number"
    with duckdb.connect(str(demo_refresh.published_marts), read_only=True) as con:
        assert con.execute("select count(*) from marts.comments").fetchone()[0] > 1000

    assert leaks(text_of_every_table(demo_refresh.warehouse)) == []
    assert leaks(text_of_every_table(demo_refresh.published_marts)) == []
    files = [p for p in demo_refresh.pipelines_dir.rglob("*") if p.is_file()]
    assert leaks("\n".join(p.read_bytes().decode("utf-8", "ignore").lower() for p in files)) == []


def test_redacted_placeholders_are_all_that_is_left_of_addresses_phones_links_and_mentions(demo_refresh):
    with duckdb.connect(str(demo_refresh.published_marts), read_only=True) as con:
        texts = [t for (t,) in con.execute("select text_redacted from marts.comments").fetchall()]
    joined = "\n".join(texts)
    for placeholder in ("[email]", "[phone]", "[url]", "@[user]"):
        assert placeholder in joined
    assert not re.search(r"@\w|https?://|\d{3} \d{2} \d{2}", joined)


def test_the_comment_marts_are_filled_from_the_demo_and_every_post_joins_all_posts(demo_refresh):
    with duckdb.connect(str(demo_refresh.published_marts), read_only=True) as con:
        rows = con.execute(
            """
            select c.channel, count(*), count(p.post_id), sum(c.comments), avg(c.reply_rate),
                count(*) filter (where len(c.top_terms) > 0)
            from marts.post_conversation as c
            left join marts.all_posts as p using (channel, post_id)
            group by c.channel order by c.channel
            """
        ).fetchall()
        months = con.execute("select count(*) from marts.conversation_monthly").fetchone()[0]
    assert [r[0] for r in rows] == ["facebook", "instagram", "youtube"]
    for _channel, posts, joined, comments, reply_rate, with_terms in rows:
        assert posts == joined > 50
        assert comments > posts
        assert 0.05 < reply_rate < 0.9
        assert with_terms > posts * 0.8
    assert months > 10


def _most_active_youtube_commenter(dataset: dict) -> str:
    youtube = dataset["youtube"]
    comments = [t["snippet"]["topLevelComment"] for t in youtube["threads"]]
    comments += [r for replies in youtube["replies"].values() for r in replies]
    ids = [c["snippet"]["authorChannelId"]["value"] for c in comments]
    ids = [i for i in ids if i != youtube["channel_id"]]
    return max(sorted(set(ids)), key=ids.count)


def _involves(thread: dict, youtube: dict, author: str) -> bool:
    comments = [thread["snippet"]["topLevelComment"], *youtube["replies"].get(thread["id"], [])]
    return any(c["snippet"]["authorChannelId"]["value"] == author for c in comments)


def rows_of(database: Path, pseudonyms: list[str]) -> dict[str, int]:
    """Rows by table that hold one of these pseudonyms, in every table that has the column."""
    with duckdb.connect(str(database), read_only=True) as con:
        tables = con.execute(
            "select distinct table_catalog, table_schema, table_name from information_schema.columns "
            "where column_name = 'author_pseudonym' and table_name <> 'forgotten_authors'"
        ).fetchall()
        counts = {
            f"{schema}.{table}": con.execute(
                f'select count(*) from "{catalog}"."{schema}"."{table}" '
                "where author_pseudonym in (select unnest(?))",
                [pseudonyms],
            ).fetchone()[0]
            for catalog, schema, table in tables
        }
    return {table: n for table, n in counts.items() if n}


def test_forget_erases_one_author_everywhere_and_no_later_load_brings_them_back(
    demo_refresh, demo_comments, tmp_path, monkeypatch
):
    shutil.copytree(demo_refresh.warehouse.parent, tmp_path / "warehouse")
    settings = load_settings(demo_refresh.exports, tmp_path / "warehouse" / "socialkpi.duckdb")
    dataset = load_dataset(demo_comments)
    author = _most_active_youtube_commenter(dataset)
    theirs = [pseudonym(KEY, channel, author) for channel in ("youtube", "facebook", "instagram")]
    before = rows_of(settings.warehouse, theirs)
    assert {"raw_comments.youtube", "marts.comments"} <= set(before)
    assert rows_of(settings.published_marts, theirs)
    with duckdb.connect(str(settings.published_marts), read_only=True) as con:
        (comments_before,) = con.execute("select count(*) from marts.comments").fetchone()

    result = run_cli("forget", "--author", author, settings=settings, check=True)

    assert f"{before['marts.comments']} rows" in result.stdout or "rows deleted" in result.stdout
    for database in (settings.warehouse, settings.published_marts, settings.previous_marts):
        assert rows_of(database, theirs) == {}, database
    # The rollback copy of the Parquet marts (what `publish --rollback` would bring back) too.
    previous_comments = str(settings.previous_parquet / "comments.parquet")
    with duckdb.connect() as con:
        assert con.execute(
            "select count(*) from read_parquet(?) where list_contains(?, author_pseudonym)",
            [previous_comments, theirs],
        ).fetchone() == (0,)
    with duckdb.connect(str(settings.published_marts), read_only=True) as con:
        (comments_after,) = con.execute("select count(*) from marts.comments").fetchone()
    assert comments_after == comments_before - before["marts.comments"]
    assert author not in json.dumps(result.stdout + result.stderr).replace(f"author {author}", "")

    # Even with dlt's state gone (its cursors reset, as after a full refresh: the local working
    # folder and the copy dlt keeps in the warehouse), a reload of every YouTube comment leaves
    # the forgotten author out.
    shutil.rmtree(settings.pipelines_dir)
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute("delete from raw_comments._dlt_pipeline_state")
    monkeypatch.setenv("SOCIALKPI_PSEUDONYM_KEY", TEST_PSEUDONYM_KEY)
    youtube_data = dataset["youtube"]
    youtube_data["threads"] = [t for t in youtube_data["threads"] if _involves(t, youtube_data, author)]
    with CommentApi(dataset) as api:
        youtube = [s for s in replay_sources(api) if s.channel == "youtube"]
        report = load_comments(settings.warehouse, settings.pipelines_dir, youtube)
    assert report.rows_by_channel["youtube"] > 0
    assert rows_of(settings.warehouse, theirs) == {}


def test_the_readme_query_says_which_formats_start_conversations_and_of_what_tone(demo_refresh):
    from socialkpi.serve.access import open_published

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Comments: what people are saying", 1)[1].split("\n## ", 1)[0]
    (query,) = re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)
    with open_published(demo_refresh) as con:
        rows = con.sql(query).fetchall()
    assert {channel for channel, *_ in rows} == {"facebook", "instagram", "youtube"}
    assert len({fmt for _, fmt, *_ in rows}) >= 4
    assert all(0 <= positive <= 1 and 0 <= answered <= 1 for *_, positive, answered in rows)
