"""The big-account bench (bench/big_account.py) measures what it says only if its generated
export has the real X per-tweet shape (docs/formats.md §1.1) and the reader takes it whole: a
file quarantined or read as another shape would time nothing. Written small here; the bench
writes a million tweets the same way."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow.compute as pc

from bench.big_account import write_export
from pipelines.exports import ExportFile
from pipelines.reader import read_export
from tests.conftest import require_samples

NOW = datetime(2026, 12, 1, tzinfo=UTC)
REAL_X_EXPORT = "twitter/lisadebruine/tweet_activity_metrics_LisaDeBruine_20211201_20220101_en.csv"


def test_the_big_account_export_has_the_real_x_header_and_quoting_and_loads_whole_as_one_account(
    tmp_path: Path,
):
    exports = tmp_path / "exports"
    path = write_export(exports, 2_000)
    content = path.read_bytes()
    real = (require_samples() / REAL_X_EXPORT).read_bytes()

    # Byte for byte the real header line; UTF-8 without BOM, LF, every field double-quoted.
    assert content.split(b"\n", 1)[0] == real.split(b"\n", 1)[0]
    assert b"\r" not in content and content.endswith(b'"\n')
    assert content.count(b"\n") > 2_001  # texts hold line breaks inside their quotes

    relative = path.relative_to(exports).as_posix()
    file = ExportFile(relative_path=relative, url=path.as_uri(), size_bytes=len(content), modified_at=NOW)
    (parsed,) = read_export(content, file, "sha", NOW)
    assert parsed.format.name == "twitter.tweet_activity.gen_b"
    assert (parsed.provenance.account, parsed.provenance.snapshot_date) == ("bigaccount", date(2023, 1, 1))
    assert parsed.table.num_rows == 2_000
    assert pc.count_distinct(parsed.table["post_id"]).as_py() == 2_000
    times = parsed.table["posted_at"].to_pylist()
    assert times == sorted(times, reverse=True)  # newest first, as X writes it
    assert set(parsed.table["promoted_impressions"].to_pylist()) == {"-"}
