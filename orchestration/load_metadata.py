"""What a load did, as metadata a person reads on the ledger's materialization in the Dagster UI:
which files were loaded, skipped or refused this run, why, and how many rows each brought."""

from __future__ import annotations

import dagster as dg

from pipelines.errors import DUPLICATE, LOADED
from pipelines.ledger import LedgerEntry
from pipelines.load import LoadReport

# A folder of years of exports holds thousands of files; the table lists what this run did to
# each file it read, and counts the unchanged ones it did not need to read.
MAX_TABLE_ROWS = 200
UNCHANGED = "skipped (unchanged)"


def outcome(entry: LedgerEntry, loaded_now: set[int]) -> str:
    if id(entry) in loaded_now:
        return "loaded"
    if entry.status == LOADED:
        return UNCHANGED
    if entry.status == DUPLICATE:
        return "skipped (duplicate)"
    return entry.status  # quarantined or unrecognised


def load_metadata(report: LoadReport) -> dict[str, dg.RawMetadataValue]:
    loaded_now = {id(e) for e in report.loaded_now}
    outcomes = [(outcome(e, loaded_now), e) for e in report.entries]
    listed = [(o, e) for o, e in outcomes if o != UNCHANGED]
    counts = {name: sum(1 for o, _ in outcomes if o.startswith(name)) for name in ("loaded", "skipped")}
    return {
        "files_loaded": counts["loaded"],
        "files_skipped": counts["skipped"],
        "files_quarantined": report.count("quarantined"),
        "files_unrecognised": report.count("unrecognised"),
        "rows_loaded": sum(e.row_count or 0 for e in report.loaded_now),
        "files": dg.MetadataValue.md(files_table(listed, len(outcomes) - len(listed))),
        # For the failure alert: which files this run brought in.
        "loaded_files": dg.MetadataValue.json([e.relative_path for e in report.loaded_now[:MAX_TABLE_ROWS]]),
    }


def files_table(listed: list[tuple[str, LedgerEntry]], unchanged: int) -> str:
    if not listed and not unchanged:
        return "No export files in the exports folder."
    lines = ["| file | outcome | channel | kind | rows | reason |", "|---|---|---|---|---|---|"]
    lines += [
        f"| `{_cell(e.relative_path)}` | {o} | {e.channel or ''} | {e.kind or ''} | "
        f"{'' if e.row_count is None else e.row_count} | {_cell(e.reason or '')} |"
        for o, e in listed[:MAX_TABLE_ROWS]
    ]
    if len(listed) > MAX_TABLE_ROWS:
        lines.append(f"\n... and {len(listed) - MAX_TABLE_ROWS} more: `socialkpi files` lists them all.")
    if unchanged:
        lines.append(f"\n{unchanged} file(s) unchanged since they were loaded: not read again.")
    return "\n".join(lines)


def _cell(text: str) -> str:
    """Markdown table cells cannot hold pipes or line breaks."""
    return text.replace("|", "\\|").replace("\n", " ")
