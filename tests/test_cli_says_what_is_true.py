"""The CLI says what is true, once (issue 16): a command without a warehouse or exports says so
and creates nothing; a skipped publish is not reported as a publish; the ledger names platforms
as the marts do; long steps say how far they are."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.progress import EVERY_SECONDS, Counted
from pipelines.settings import Settings, load_settings
from tests.conftest import copy_samples, run_cli

# Real exports of three accounts: a Facebook Page's posts and follows, a file of two stacked
# series (Facebook visits, then Instagram profile visits), and an Instagram series whose bare
# title (`Reach`) names no platform, so only its instagram/ folder says which one it is.
SERIES_CHANNELS = {
    "facebook/pc_merchandise/Follows.csv": "facebook",
    "facebook/MH4U/Visits.csv": "facebook+instagram",
    "instagram/elitravelguy/Reach.csv": "instagram",
}
POSTS = "facebook/pc_merchandise/Sep-01-2025_Sep-30-2025_2855862537940540.csv"


def _settings(root: Path) -> Settings:
    return load_settings(str(root / "exports"), root / "warehouse" / "socialkpi.duckdb")


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("cli_truth")
    for path in [POSTS, *SERIES_CHANNELS]:
        copy_samples([path], root / "exports" / Path(path).parent)
    for path in (root / "exports").rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    settings = _settings(root)
    return root, settings, run_cli("refresh", settings=settings)


def _copy(root: Path, tmp_path: Path) -> Settings:
    """The refreshed exports and warehouse, copied: a test that changes them leaves the others'."""
    shutil.copytree(root, tmp_path / "copy")
    return _settings(tmp_path / "copy")


def _ledger_channels(settings: Settings) -> dict[str, str | None]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return dict(con.execute("select relative_path, channel from raw_ledger.export_files").fetchall())


# ------------------------------------------------------------------- no warehouse, no exports


@pytest.mark.parametrize(
    "command",
    [["files"], ["build"], ["publish"], ["forget", "--author", "someone"], ["sql", "select 1"], ["report"]],
)
def test_a_command_that_needs_a_warehouse_says_there_is_none_and_creates_nothing(tmp_path, command):
    (tmp_path / "exports").mkdir()
    settings = _settings(tmp_path)
    result = run_cli(*command, settings=settings)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert str(settings.warehouse.parent) in lines[0]
    assert "run `socialkpi refresh" in lines[0]
    assert result.stdout == ""
    assert not settings.warehouse.parent.exists(), sorted(settings.warehouse.parent.rglob("*"))


@pytest.mark.parametrize("command", ["load", "refresh"])
def test_a_mistyped_exports_folder_is_refused_in_one_line_before_anything_is_created(tmp_path, command):
    settings = load_settings(str(tmp_path / "exprots"), tmp_path / "warehouse" / "socialkpi.duckdb")
    result = run_cli(command, settings=settings)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert str(tmp_path / "exprots") in lines[0] and "does not exist" in lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == [], "no warehouse folder, no lock file"


# ------------------------------------------------------------------------------- progress


def _counts(pattern: str, stderr: str) -> list[tuple[int, int]]:
    return [(int(done), int(total)) for done, total in re.findall(pattern, stderr)]


def test_a_refresh_of_a_small_folder_says_the_final_count_of_files_read_and_dbt_nodes_done(refreshed):
    _root, _unused, result = refreshed
    assert result.returncode == 0, result.stdout + result.stderr
    read = _counts(r"read (\d+)/(\d+) new or changed files", result.stderr)
    assert read and read[-1] == (4, 4), result.stderr
    nodes = _counts(r"dbt (\d+)/(\d+) nodes", result.stderr)
    assert nodes, result.stderr
    done, total = nodes[-1]
    assert done == total > 100  # every seed, model and test of the project
    assert [d for d, _ in nodes] == sorted(d for d, _ in nodes), "the count only goes up"
    assert len(nodes) < total / 4, "said every few seconds, not once per node"


def test_counts_are_said_at_most_every_two_seconds_and_always_at_the_end():
    said: list[str] = []
    now = iter(step * 0.05 for step in range(10_000))  # a file read every 50 ms
    counted = Counted(said.append, "read", "files", clock=lambda: next(now))
    for done in range(1, 5391):
        counted(done, 5390)
    seconds = 5390 * 0.05
    assert len(said) <= seconds / EVERY_SECONDS + 2
    assert said[0] == "read 1/5390 files" and said[-1] == "read 5390/5390 files"


def test_a_refresh_without_comment_credentials_says_so_in_one_line_for_every_platform(refreshed):
    _root, _unused, result = refreshed
    skipped = [line for line in result.stdout.splitlines() if "skipped" in line and "comments" in line]
    assert len(skipped) == 1, result.stdout
    assert skipped[0].startswith("comments: youtube, facebook, instagram skipped, no credentials")


# -------------------------------------------------------------------------------- publish


def test_a_refresh_that_publishes_says_so_with_the_rows_of_each_mart(refreshed):
    _root, settings, result = refreshed
    assert f"published {settings.published_marts} (" in result.stdout
    assert "  marts.facebook_posts: 81 rows" in result.stdout
    assert "publish skipped" not in result.stdout + result.stderr


def test_a_refresh_with_nothing_new_says_publish_skipped_and_not_that_it_published(refreshed, tmp_path):
    root, _unused, _result = refreshed
    settings = _copy(root, tmp_path)
    run_cli("refresh", settings=settings, check=True)  # the copy's first run: the publish is the copy's own
    result = run_cli("refresh", settings=settings)
    assert result.returncode == 0, result.stderr
    assert f"publish skipped: {settings.published_marts} already holds these marts" in result.stdout
    assert not [line for line in result.stdout.splitlines() if line.startswith("published ")]
    assert "marts." not in result.stdout, "no row counts of a publish that did not happen"


def _series_with_another_title(sample: Path, title: str, target: Path) -> None:
    """A Meta daily series in the real bytes' shape (UTF-16LE with BOM, `sep=,`, a one-cell title,
    Date and Primary) with another title and every value one higher: new content, not a duplicate."""
    text = sample.read_bytes().decode("utf-16")
    lines = text.split("\n")
    lines[1] = re.sub(r'"[^"]*"', f'"{title}"', lines[1], count=1)
    for index in range(3, len(lines)):
        lines[index] = re.sub(r',"(\d+)"$', lambda m: f',"{int(m.group(1)) + 1}"', lines[index])
    assert lines[3:] != text.split("\n")[3:], "the values changed"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"\xff\xfe" + "\n".join(lines).encode("utf-16-le"))


def test_a_refresh_whose_blocking_check_fails_says_publish_skipped_once_and_nothing_published(
    refreshed, tmp_path, monkeypatch
):
    """Two series with bare titles of an account nothing else names a platform for: the check
    meta_series_channel_is_known fails on two files, more than SOCIALKPI_MAX_FILES_PER_CHECK=1
    lets it blame, so the build fails and the published copy stays."""
    root, _unused, _result = refreshed
    settings = _copy(root, tmp_path)
    run_cli("refresh", settings=settings, check=True)
    published_before = settings.published_marts.read_bytes()
    sample = Path(settings.exports) / "instagram" / "elitravelguy" / "Reach.csv"
    for title in ("Views", "Reach"):
        _series_with_another_title(sample, title, Path(settings.exports) / "unknown_team" / f"{title}.csv")
    monkeypatch.setenv("SOCIALKPI_MAX_FILES_PER_CHECK", "1")
    result = run_cli("refresh", settings=settings)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "meta_series_channel_is_known" in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].endswith(
        f"publish skipped: {settings.published_marts} keeps the marts of the last build that passed"
    ), result.stderr
    assert "published" not in result.stdout
    assert settings.published_marts.read_bytes() == published_before


# ------------------------------------------------------------------------ channel vocabulary


def test_the_ledger_names_each_meta_series_file_by_the_platform_its_rows_have_in_the_marts(refreshed):
    _root, settings, _result = refreshed
    channels = _ledger_channels(settings)
    assert {path: channels[path] for path in SERIES_CHANNELS} == SERIES_CHANNELS
    assert channels[POSTS] == "facebook"
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        instagram_reach = con.execute(
            "select count(*) from marts.instagram_account_daily where account = 'elitravelguy' and reach > 0"
        ).fetchone()[0]
    assert instagram_reach == 28, "the marts give Reach.csv to Instagram too"
    listing = run_cli("files", settings=settings).stdout
    for path, channel in SERIES_CHANNELS.items():
        assert f"{path}\tloaded\t{channel}\t" in listing, listing
    assert "\tmeta\t" not in listing


def test_a_ledger_an_older_version_wrote_with_meta_reads_right_at_once_and_is_migrated_by_the_next_load(
    refreshed, tmp_path
):
    root, _unused, _result = refreshed
    settings = _copy(root, tmp_path)
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute("update raw_ledger.export_files set channel = 'meta' where kind = 'meta.daily_series'")
    assert set(_ledger_channels(settings).values()) == {"meta", "facebook"}

    listing = run_cli("files", settings=settings)
    assert listing.returncode == 0, listing.stderr
    for path, channel in SERIES_CHANNELS.items():
        assert f"{path}\tloaded\t{channel}\t" in listing.stdout, listing.stdout

    run_cli("load", settings=settings, check=True)
    channels = _ledger_channels(settings)
    assert "meta" not in channels.values()
    for path, channel in SERIES_CHANNELS.items():
        assert channels[path] == channel


def test_a_load_still_runs_on_a_warehouse_whose_staging_an_older_version_built_without_file_hashes(
    refreshed, tmp_path
):
    """The ledger takes a Meta series file's platform from staging by the file's hash; a staging
    table built before that column existed decides nothing yet (the next build adds it), and the
    ledger's old `meta` is cleared rather than the load failing."""
    root, _unused, _result = refreshed
    settings = _copy(root, tmp_path)
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute("update raw_ledger.export_files set channel = 'meta' where kind = 'meta.daily_series'")
        con.execute("alter table staging.stg_meta__daily_series drop column file_sha256")

    result = run_cli("load", settings=settings)
    assert result.returncode == 0, result.stdout + result.stderr
    channels = _ledger_channels(settings)
    assert "meta" not in channels.values()
    assert {channels[path] for path in SERIES_CHANNELS} == {None}
