"""Which account an export belongs to and which day its lifetime numbers were true (docs/design.md §3).

The account is the folder the user put the file in: the nearest folder above the file that is
not named after a platform or a generic word (`facebook/`, `downloads/`, `2025/`). The names the
export itself gives (the X handle in `tweet_activity_metrics_<handle>_…`, Meta's `Page name` and
`Account username`, a YouTube ZIP name) are aliases of that account, never a second one; dbt
staging maps aliases through seeds/accounts.csv. Only when no folder names the account is the
export's own name used, and the ledger says the account was taken from the file.

The snapshot date comes from the export's own window when its name has one, else from the file's
modification time. The download time (which of two downloads of one window is the newer) is the
time the name gives (LinkedIn's epoch milliseconds), else the file's modification time; never the
time we happened to load it. A window ending after the day of the load is refused (no platform
exports the future), and a modification time in the future is capped at the load time.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from pipelines.errors import QUARANTINED, UnreadableExport
from pipelines.formats import ExportFormat

# Folder names that say where a file came from or what it is, not whose it is: a file in
# `exports/facebook/` or `exports/downloads/2025/` has no account folder. Compared normalised.
# The SQL macro `path_meta_channel` (dbt_project/macros/accounts.sql) reads the Facebook and
# Instagram words of this list too; tests/test_accounts_and_channels.py keeps the two in step.
PLATFORM_FOLDERS = {
    "facebook": "facebook",
    "fb": "facebook",
    "instagram": "instagram",
    "ig": "instagram",
    "insta": "instagram",
    "twitter": "twitter",
    "x": "twitter",
    "linkedin": "linkedin",
    "youtube": "youtube",
    "yt": "youtube",
}
GENERIC_FOLDERS = frozenset(
    {
        *PLATFORM_FOLDERS,
        "meta",
        "meta_business_suite",
        "exports",
        "export",
        "downloads",
        "download",
        "data",
        "analytics",
        "insights",
        "stats",
        "statistics",
        "reports",
        "report",
        "files",
        "csv",
        "raw",
        "misc",
        "other",
        "archive",
        "archives",
        "backup",
        "new",
        "old",
        "tmp",
        "temp",
    }
)
# A folder without a letter (`2025`, `2025-03`, `03_2025`) is a period, not an account.
_NO_LETTER = re.compile(r"^[\W\d_]*$")

# Characters that separate words in account names: spaces of every width, `_` and `-`.
_SEPARATORS = re.compile(r"[ \t\r\n\u00a0\u202f_-]+")


@dataclass(frozen=True)
class Provenance:
    account: str
    # How the account was found: "folder", or what in the file named it ("the file name",
    # "the file's Page name"); anything but "folder" is a guess the ledger reports.
    account_from: str
    snapshot_date: date
    window_start: date | None
    window_end: date | None
    language: str | None
    # When the file was downloaded: the order of two downloads of the same window (dbt macro
    # newest_download_first). None only for a Provenance built without a load time.
    downloaded_at: datetime | None = None

    @property
    def account_guessed(self) -> str | None:
        """The ledger's note when the account was not given by a folder, else None."""
        if self.account_from == "folder":
            return None
        return f"account from {self.account_from}: no account folder"


def resolve(
    fmt: ExportFormat,
    relative_path: str,
    modified_at: datetime,
    header_language: str | None,
    named_in_rows: Iterable[str | None] = (),
    loaded_at: datetime | None = None,
) -> Provenance:
    """`named_in_rows`: the account name on each row, for shapes whose rows name their account
    (ExportFormat.account_column). `loaded_at`: when this load started; a window ending after
    its day is refused and a modification time after it is capped at it."""
    file_name = posixpath.basename(relative_path)
    match = fmt.file_name_pattern.search(file_name) if fmt.file_name_pattern else None
    groups = {k: v for k, v in (match.groupdict() if match else {}).items() if v}
    account, account_from = account_folder(relative_path), "folder"
    if not account and groups.get("account"):
        account, account_from = normalize_account(groups["account"]), "the file name"
    if not account and fmt.account_column:
        account = most_named_account(named_in_rows)
        account_from = f"the file's {_column_label(fmt, fmt.account_column)}"
    if not account:
        raise UnreadableExport(
            f"{fmt.description} files do not name the account and no folder above this one "
            "does; put the file in a folder named after the account (for example "
            f"{_example_location(relative_path)})",
            QUARANTINED,
        )
    window_start = _parse_day(groups.get("window_start"))
    # LinkedIn names files <org>_content_<download time in epoch ms>.xls: the download day.
    downloaded = groups.get("download_epoch_ms")
    named_download = datetime.fromtimestamp(int(downloaded) / 1000, UTC) if downloaded else None
    window_end = _parse_day(groups.get("window_end")) or (named_download.date() if named_download else None)
    downloaded_at = named_download or modified_at
    if loaded_at is not None:
        _refuse_a_future_window(window_end, loaded_at)
        downloaded_at = min(downloaded_at, loaded_at)
    return Provenance(
        account=account,
        account_from=account_from,
        snapshot_date=window_end or downloaded_at.date(),
        window_start=window_start,
        window_end=window_end,
        language=groups.get("language") or header_language,
        downloaded_at=downloaded_at,
    )


# A window's end is a day on the account's clock; the load's day is UTC's. The account's day can
# be one ahead of UTC's (UTC+14 at most), so a window ending tomorrow (UTC) may be today's there.
_AHEAD_OF_UTC = timedelta(days=1)


def _refuse_a_future_window(window_end: date | None, loaded_at: datetime) -> None:
    """A window ending after the day of the load was not written by a platform (a renamed file,
    a typed year): its snapshot date would outrank every real download of the same posts."""
    if window_end is not None and window_end > loaded_at.astimezone(UTC).date() + _AHEAD_OF_UTC:
        raise UnreadableExport(
            f"its window ends on {window_end.isoformat()}, after today: a platform never exports "
            "the future; fix the dates in the file name (the platform names a file after the "
            "window you chose) or download the export again",
            QUARANTINED,
        )


def normalize_account(name: str) -> str:
    """One spelling per account name: `PC Merchandise`, `pc merchandise`, `pc-merchandise` and
    `PC_Merchandise ` are `pc_merchandise`; `Été` is `ete`. Accents are dropped the way DuckDB's
    strip_accents drops them (every combining mark after canonical decomposition), so the dbt
    macro normalize_account gives the same name for the same text."""
    decomposed = unicodedata.normalize("NFD", name)
    unaccented = unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    )
    return _SEPARATORS.sub("_", unaccented.lower()).strip("_")


def account_folder(relative_path: str) -> str | None:
    """The nearest folder above the file that names an account, normalised; None when every
    folder on the way is a platform, a generic word or a period."""
    folders = posixpath.dirname(relative_path).split("/")
    for folder in reversed(folders):
        name = normalize_account(folder)
        if name and name not in GENERIC_FOLDERS and not _NO_LETTER.match(name):
            return name
    return None


def most_named_account(names: Iterable[str | None]) -> str | None:
    """The account most rows name (normalised), the first named on a tie; None if none does.
    dbt staging finds a file's own name the same way, so that rows naming another account are
    its collaborations."""
    counts = Counter(n for n in (normalize_account(name or "") for name in names) if n)
    return counts.most_common(1)[0][0] if counts else None


def _column_label(fmt: ExportFormat, canonical: str) -> str:
    column = next(c for c in fmt.columns if c.canonical == canonical)
    return column.en[0] if column.en else canonical


def _example_location(relative_path: str) -> str:
    """Where the file would name its account: exports/<its folders>/<account>/<file>."""
    folder, file_name = posixpath.split(relative_path)
    return posixpath.join("exports", folder, "<account>", file_name)


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
