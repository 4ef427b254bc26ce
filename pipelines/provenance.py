"""Which account an export belongs to and which day its lifetime numbers were true (DESIGN.md §3).

The account comes from the content or file name when the export carries it (the X handle in
`tweet_activity_metrics_<handle>_…`), else from the folder that holds the file. The snapshot date
comes from the export's own window when its name has one, else from the file's modification time.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from datetime import UTC, date, datetime

from pipelines.errors import QUARANTINED, UnreadableExport
from pipelines.formats import ExportFormat


@dataclass(frozen=True)
class Provenance:
    account: str | None  # None only when each row names its account (ExportFormat.account_column)
    snapshot_date: date
    window_start: date | None
    window_end: date | None
    language: str | None


def resolve(
    fmt: ExportFormat, relative_path: str, modified_at: datetime, header_language: str | None
) -> Provenance:
    file_name = posixpath.basename(relative_path)
    match = fmt.file_name_pattern.search(file_name) if fmt.file_name_pattern else None
    groups = {k: v for k, v in (match.groupdict() if match else {}).items() if v}
    account = groups.get("account") or _folder_account(relative_path)
    if not account and not fmt.account_column:
        raise UnreadableExport(
            f"{fmt.description} files do not name the account; put the file in a folder named "
            "after the account (for example exports/<account>/" + file_name + ")",
            QUARANTINED,
        )
    window_start = _parse_day(groups.get("window_start"))
    # LinkedIn names files <org>_content_<download time in epoch ms>.xls: the download day.
    downloaded = groups.get("download_epoch_ms")
    window_end = _parse_day(groups.get("window_end")) or (
        datetime.fromtimestamp(int(downloaded) / 1000, UTC).date() if downloaded else None
    )
    return Provenance(
        # Handles and page names are case-insensitive keys: `CERN_FR` in a file name and a
        # `cern_fr` folder are the same account.
        account=normalize_account(account) if account else None,
        snapshot_date=window_end or modified_at.date(),
        window_start=window_start,
        window_end=window_end,
        language=groups.get("language") or header_language,
    )


def normalize_account(name: str) -> str:
    return name.strip().lower()


def _folder_account(relative_path: str) -> str | None:
    folder = posixpath.basename(posixpath.dirname(relative_path))
    return folder or None


# Window dates in file names: 20220101 (X), 2025-03-22 (X, YouTube), Sep-30-2025 (Meta).
_WINDOW_DATE_STYLES = ("%Y%m%d", "%Y-%m-%d", "%b-%d-%Y")


def _parse_day(value: str | None) -> date | None:
    if not value:
        return None
    for style in _WINDOW_DATE_STYLES:
        try:
            return datetime.strptime(value, style).date()
        except ValueError:
            continue
    return None
