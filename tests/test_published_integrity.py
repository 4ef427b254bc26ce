"""What we publish is what we built: a YouTube CTR no platform writes is its file's problem, the
published files are read-only for everyone, a publish is skipped only when the published files
still hash to what was published, report links are web addresses only, and a full disk or a
signal ends a run with one line on stderr."""

from __future__ import annotations

import io
import json
import os
import re
import signal
import stat
import subprocess
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from pipelines.errors import LOADED, QUARANTINED
from pipelines.settings import Settings, load_settings
from socialkpi.build.runstate import last
from socialkpi.demo import youtube
from socialkpi.publish.state import PUBLISH, published_identity
from tests import corpus
from tests.conftest import SOCIALKPI, TEST_PSEUDONYM_KEY, copy_of, run_cli

GOOD_YOUTUBE = youtube.demo_files()[0]
TAMPERED_YOUTUBE = "youtube/tampered channel/Content 2024-09-02_2025-06-01 TAMPERED.zip"
HOSTILE_LINKS = "twitter/corpus/" + corpus.tweet_name("LINKS")
# What an export's permalink column may hold once someone edited it: only the last is a link.
PERMALINKS = (
    "javascript:alert(document.cookie)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(2)",
    "java\tscript:alert(3)",
    "data:text/html,<script>alert(4)</script>",
    "https://x.com/corpus/status/1",
)


def with_ctr(archive: bytes, row: int, percent: str) -> bytes:
    """The Studio ZIP with the impressions CTR of table row `row` (0 is the Total row) replaced,
    every byte of the other members and lines kept."""
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "Table data.csv":
                lines = data.split(b"\n")
                cells = lines[1 + row].split(b",")
                cells[-1] = percent.encode()
                lines[1 + row] = b",".join(cells)
                data = b"\n".join(lines)
            target.writestr(info, data)
    return out.getvalue()


def hostile_links_file() -> bytes:
    rows = corpus.tweet_rows(20, "links", 9_300_000_000)
    column = corpus.HEADER.index("Tweet permalink")
    for index, row in enumerate(rows):
        row[column] = PERMALINKS[index % len(PERMALINKS)]
    return corpus.csv_bytes([corpus.HEADER, *rows])


@pytest.fixture(scope="module")
def night(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, subprocess.CompletedProcess]:
    """One refresh of a good YouTube download, a copy of it whose video row says CTR 150 %, and an
    X export whose permalinks are scripts."""
    root = tmp_path_factory.mktemp("integrity")
    exports = root / "exports"
    good = exports / "youtube" / GOOD_YOUTUBE.path
    good.parent.mkdir(parents=True)
    good.write_bytes(GOOD_YOUTUBE.content)
    tampered = exports / TAMPERED_YOUTUBE
    tampered.parent.mkdir(parents=True)
    tampered.write_bytes(with_ctr(GOOD_YOUTUBE.content, row=2, percent="150"))
    links = exports / HOSTILE_LINKS
    links.parent.mkdir(parents=True)
    links.write_bytes(hostile_links_file())
    settings = load_settings(str(exports), root / "warehouse" / "socialkpi.duckdb")
    return settings, run_cli("refresh", settings=settings)


def ledger(settings: Settings) -> dict[str, tuple[str, str | None]]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        rows = con.execute("select relative_path, status, reason from raw_ledger.export_files").fetchall()
    return {path: (status, reason) for path, status, reason in rows}


def published_files(settings: Settings) -> list[Path]:
    return [
        path
        for path in settings.published_dir.rglob("*")
        if path.is_file() and path.suffix in (".duckdb", ".parquet") and "report" not in path.parts
    ]


# ------------------------------------------------------------------------------ a CTR over 100 %


def test_a_youtube_ctr_above_100_percent_quarantines_its_file_naming_the_row_and_the_rest_publishes(night):
    settings, result = night
    assert result.returncode == 2, result.stderr  # the run completed; one file was held back
    entries = ledger(settings)
    status, reason = entries[TAMPERED_YOUTUBE]
    assert status == QUARANTINED
    assert "youtube_impressions_ctr_at_most_100_percent" in reason
    assert "impressions_ctr=1.5" in reason and "row_number=" in reason
    assert "Download the table again" in reason
    assert entries[f"youtube/{GOOD_YOUTUBE.path}"][0] == LOADED
    with duckdb.connect(str(settings.published_marts), read_only=True) as con:
        videos, top_ctr = con.execute(
            "select count(*), max(impressions_ctr) from marts.youtube_videos"
        ).fetchone()
    assert videos > 0 and top_ctr <= 1


def test_a_youtube_ctr_of_exactly_100_percent_is_a_value_studio_can_write_and_loads(workspace):
    target = Path(workspace.exports) / "youtube" / "full channel" / "Content 2024-09-02_2025-06-01 FULL.zip"
    target.parent.mkdir(parents=True)
    target.write_bytes(with_ctr(GOOD_YOUTUBE.content, row=2, percent="100"))
    result = run_cli("refresh", settings=workspace)
    assert result.returncode == 0, result.stdout + result.stderr
    with duckdb.connect(str(workspace.published_marts), read_only=True) as con:
        assert con.execute("select max(impressions_ctr) from marts.youtube_videos").fetchone() == (1.0,)


# ------------------------------------------------------------------------------ read-only files


def modes(settings: Settings) -> dict[str, int]:
    return {
        path.relative_to(settings.published_dir).as_posix(): stat.S_IMODE(path.stat().st_mode)
        for path in published_files(settings)
    }


def test_every_published_file_and_its_previous_copy_is_read_only_for_everyone_also_after_a_rollback(
    night, tmp_path
):
    settings = copy_of(night[0], tmp_path)
    assert set(modes(settings).values()) == {0o444}
    run_cli("publish", settings=settings, check=True)  # the first copy becomes the previous one
    after_publish = modes(settings)
    assert {"kpi.previous.duckdb", "live/kpi.previous.duckdb"} <= after_publish.keys()
    assert any(name.startswith("parquet.previous/") for name in after_publish)
    assert set(after_publish.values()) == {0o444}, after_publish
    run_cli("publish", "--rollback", settings=settings, check=True)
    assert set(modes(settings).values()) == {0o444}


def test_a_copy_published_writable_before_this_change_is_read_only_once_rolled_back(night, tmp_path):
    settings = copy_of(night[0], tmp_path)
    run_cli("publish", settings=settings, check=True)
    for path in published_files(settings):
        if "previous" in path.name or "previous" in path.parent.name:
            path.chmod(0o644)
    run_cli("publish", "--rollback", settings=settings, check=True)
    assert set(modes(settings).values()) == {0o444}


# ------------------------------------------------------------------------------ skip only when intact


def test_a_refresh_with_nothing_new_skips_the_publish_while_the_published_files_are_intact(night, tmp_path):
    settings = copy_of(night[0], tmp_path)
    before = published_identity(settings)
    result = run_cli("refresh", settings=settings)
    assert "publish skipped" in result.stderr, result.stderr
    assert published_identity(settings) == before


@pytest.mark.parametrize("edited", ["kpi.duckdb", "live/kpi.duckdb", "parquet/youtube_videos.parquet"])
def test_a_published_file_edited_in_place_with_its_time_set_back_is_published_again(night, tmp_path, edited):
    """Same inode, same size, same modification time: only the content says it changed."""
    settings = copy_of(night[0], tmp_path)
    path = settings.published_dir / edited
    info = path.stat()
    path.chmod(0o644)
    with path.open("r+b") as handle:  # one byte in the middle, as an in-place edit leaves it
        handle.seek(info.st_size // 2)
        byte = handle.read(1)
        handle.seek(info.st_size // 2)
        handle.write(bytes([byte[0] ^ 0xFF]))
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (path.stat().st_ino, path.stat().st_size, path.stat().st_mtime_ns) == (
        info.st_ino,
        info.st_size,
        info.st_mtime_ns,
    )
    edited_hash = json.loads(published_identity(settings))[edited]
    result = run_cli("refresh", settings=settings)
    assert "publish skipped" not in result.stderr
    assert "publishing the marts" in result.stderr, result.stderr
    now = published_identity(settings)
    assert json.loads(now)[edited] != edited_hash
    assert last(settings, PUBLISH)[1] == now  # what the next refresh verifies against
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


# ------------------------------------------------------------------------------ report links


def test_the_report_makes_links_of_web_addresses_only_and_shows_other_permalinks_as_text(night, tmp_path):
    settings = night[0]
    output = tmp_path / "report.html"
    run_cli("report", "--output", str(output), "--month", "2024-01", settings=settings, check=True)
    html = output.read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert hrefs, "no post link at all: the https permalinks should be links"
    assert all(re.match(r"https?://", href) for href in hrefs), hrefs
    assert "javascript:" not in html.lower().replace(" ", "").replace("\t", "")
    assert "data:text/html" not in html
    assert html.count("Corpus tweet") >= 10  # every top post still shown, linked or not


# ------------------------------------------------------------------------------ one line per failure


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("error:")]


def test_a_full_disk_ends_the_refresh_with_one_line_and_no_traceback(small_disk, tmp_path):
    exports = tmp_path / "exports" / "twitter" / "corpus"
    exports.mkdir(parents=True)
    for index in range(6):  # about 5 MB of valid tweets: more than the disk holds once landed
        rows = corpus.tweet_rows(4000, f"full-{index}", 9_400_000_000 + index * 10_000)
        (exports / corpus.tweet_name(f"FULL{index}")).write_bytes(corpus.csv_bytes([corpus.HEADER, *rows]))
    settings = load_settings(str(tmp_path / "exports"), small_disk / "socialkpi.duckdb")
    result = run_cli("refresh", settings=settings)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = error_lines(result.stderr)
    assert len(lines) == 1, result.stderr
    # Which write fails first depends on the disk's size; DuckDB's names its file, dlt's does not
    # (test_signals_and_full_disks.py pins the name where DuckDB gives it).
    said = r"error: the disk is full( \(writing .+\))?: free space on it and run again"
    assert re.fullmatch(said, lines[0]), lines


@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_ends_the_refresh_with_one_line_naming_it_and_releases_the_warehouse(tmp_path, sent):
    exports = tmp_path / "exports" / "youtube" / GOOD_YOUTUBE.path
    exports.parent.mkdir(parents=True)
    exports.write_bytes(GOOD_YOUTUBE.content)
    settings = load_settings(str(tmp_path / "exports"), tmp_path / "warehouse" / "socialkpi.duckdb")
    env = {k: v for k, v in os.environ.items() if k != "SOCIALKPI_DEBUG"}
    env["SOCIALKPI_PSEUDONYM_KEY"] = TEST_PSEUDONYM_KEY
    command = [SOCIALKPI, "refresh", "--exports", settings.exports, "--warehouse", str(settings.warehouse)]
    with subprocess.Popen(
        command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    ) as child:
        seen = []
        for line in child.stderr:  # the progress lines; signal once the build runs
            seen.append(line)
            if line.startswith("… ") and "dbt build" in line:
                break
        time.sleep(1)
        child.send_signal(sent)
        rest, _ = child.communicate(timeout=120)[::-1]
    stderr = "".join(seen) + rest
    assert child.returncode == 1, stderr
    assert "Traceback" not in stderr
    lines = error_lines(stderr)
    assert lines == [f"error: stopped by {sent.name} before the run finished; run it again to complete it"], (
        stderr
    )
    again = run_cli("refresh", settings=settings)  # the writer lock went with the process
    assert again.returncode == 0, again.stdout + again.stderr
