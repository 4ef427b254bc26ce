"""Header row -> which declared export shape this is, and what each header cell means."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from pipelines.errors import QUARANTINED, UNRECOGNISED, UnreadableExport
from pipelines.formats import ALL_FORMATS, ExportFormat

# Unknown columns are kept in raw, one raw column each: a file that brings hundreds of them at once
# is not a platform's new column but a hand-made or broken file, and would widen raw for ever.
MAX_UNKNOWN_COLUMNS = 200


@dataclass(frozen=True)
class Recognition:
    """A header matched to a shape: one output column name per header cell."""

    format: ExportFormat
    column_names: tuple[str, ...]
    unknown_headers: tuple[str, ...]
    language: str | None
    # The header cell that named the shape's metric-named column (`Facebook reach` in Meta's
    # 2023 series), when one did: it says which series the rows are.
    metric_header: str | None = None


def recognise(
    header: tuple[str, ...], formats: tuple[ExportFormat, ...] = ALL_FORMATS, sheet: str | None = None
) -> Recognition:
    """Pick the declared shape this header belongs to, by content alone.

    A shape is a candidate when all its `identify` columns are present. Among candidates, one that
    has every required column wins over one that does not, then the one that explains the most
    header cells (so generation A's "favorites" file goes to generation A, not B).
    """
    if formats is ALL_FORMATS:
        return _recognise_declared(tuple(header), sheet)
    return _recognise(tuple(header), formats, sheet)


@functools.lru_cache(maxsize=4096)
def _recognise_declared(header: tuple[str, ...], sheet: str | None) -> Recognition:
    """Cached: thousands of files share a few dozen headers."""
    return _recognise(header, ALL_FORMATS, sheet)


def _recognise(header: tuple[str, ...], formats: tuple[ExportFormat, ...], sheet: str | None) -> Recognition:
    candidates = [f for f in formats if f.allows_sheet(sheet) and f.identify <= _mapped(f, header)]
    if not candidates:
        _refuse_near_miss(header, formats, sheet)
        shown = ", ".join(short_cell(h) for h in header[:8] if h.strip())
        raise UnreadableExport(
            f"no known export shape has this header ({shown}, ...); if it is a platform export, "
            "report it with this header so the format can be declared",
            UNRECOGNISED,
        )
    # A shape that knows the cells by name wins over one that places a cell by position only
    # (`Date, Views` is YouTube's Totals.csv, not a Meta series of a metric called Views).
    best = max(
        candidates,
        key=lambda f: (not _missing(f, header), len(_mapped_by_name(f, header)), len(_mapped(f, header))),
    )
    metric_at = _metric_named_cell(best, header)
    metric_header = header[metric_at] if metric_at is not None else None
    if metric_at is not None:
        header = (*header[:metric_at], best.spelling_of(best.metric_named_column), *header[metric_at + 1 :])
    missing = _missing(best, header)
    unknown = tuple(h for h in header if h.strip() and best.canonical_for(h) is None)
    if len(unknown) > MAX_UNKNOWN_COLUMNS:
        raise UnreadableExport(
            f"looks like {best.description} but has {len(header)} columns, {len(unknown)} of them "
            f"unknown ({', '.join(short_cell(h) for h in unknown[:3])}, ...); platforms add a few "
            "columns at a time, so this file was assembled by hand or by a tool: load the export "
            "as the platform delivers it",
            QUARANTINED,
        )
    if missing:
        raise UnreadableExport(
            f"looks like {best.description} but the column(s) {', '.join(missing)} are missing; "
            "re-export it from the platform without removing columns",
            QUARANTINED,
        )
    return Recognition(
        format=best,
        column_names=_column_names(best, header),
        unknown_headers=unknown,
        language=_language(best, header),
        metric_header=metric_header,
    )


def _refuse_near_miss(header: tuple[str, ...], formats: tuple[ExportFormat, ...], sheet: str | None) -> None:
    """A header that lacks one of a shape's identifying columns but is otherwise clearly that
    shape (most of its cells are the shape's columns) is that export with a column removed: say
    which, rather than "unknown shape"."""
    cells = [h for h in header if h.strip()]
    for fmt in formats:
        mapped = _mapped(fmt, header)
        lacking = fmt.identify - mapped
        if fmt.allows_sheet(sheet) and len(lacking) == 1 and len(mapped) >= max(4, 0.6 * len(cells)):
            missing = [c for c in fmt.required if c not in mapped] or sorted(lacking)
            raise UnreadableExport(
                f"looks like {fmt.description} but the column(s) {', '.join(missing)} are missing; "
                "re-export it from the platform without removing columns",
                QUARANTINED,
            )


def short_cell(cell: str, width: int = 40) -> str:
    cell = " ".join(cell.split())
    return cell if len(cell) <= width else cell[: width - 1] + "…"


def _mapped(fmt: ExportFormat, header: tuple[str, ...]) -> set[str]:
    by_position = {fmt.metric_named_column} if _metric_named_cell(fmt, header) is not None else set()
    return _mapped_by_name(fmt, header) | by_position


def _mapped_by_name(fmt: ExportFormat, header: tuple[str, ...]) -> set[str]:
    return {c for c in (fmt.canonical_for(h) for h in header) if c}


def _metric_named_cell(fmt: ExportFormat, header: tuple[str, ...]) -> int | None:
    """Where a shape may name a column after its metric (ExportFormat.metric_named_column), the
    index of the header cell that stands for it: the one non-empty cell the shape does not
    know, in a header that lacks the column by its usual name, and that looks like a metric's
    name (ExportFormat.metric_names)."""
    column = fmt.metric_named_column
    if not column or column in _mapped_by_name(fmt, header):
        return None
    unknown = [i for i, h in enumerate(header) if h.strip() and fmt.canonical_for(h) is None]
    if len(unknown) != 1 or not (fmt.metric_names and fmt.metric_names.match(header[unknown[0]].strip())):
        return None
    return unknown[0]


def _missing(fmt: ExportFormat, header: tuple[str, ...]) -> tuple[str, ...]:
    present = _mapped(fmt, header)
    return tuple(c for c in fmt.required if c not in present)


def _language(fmt: ExportFormat, header: tuple[str, ...]) -> str | None:
    """The interface language whose spellings explain the most header cells."""
    votes: Counter[str] = Counter()
    for cell in header:
        languages = fmt.languages_for(cell)
        if len(languages) == 1:  # cells spelled alike in both languages say nothing
            votes.update(languages)
    return votes.most_common(1)[0][0] if votes else None


def slug(header: str) -> str:
    """A column name for a header we do not know: kept in raw, never dropped."""
    ascii_name = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    name = re.sub(r"[^0-9a-zA-Z]+", "_", ascii_name).strip("_").lower()
    return name or "unnamed"


def _column_names(fmt: ExportFormat, header: tuple[str, ...]) -> tuple[str, ...]:
    """Canonical names for known cells, slugs for the rest; a repeated name gets the first numeric
    suffix no other column has taken (legacy exports repeat header names, `Poll votes, Poll votes,
    Poll votes 2` slug to a suffix another cell already took, and a column is never silently
    overwritten)."""
    names: list[str] = []
    taken: set[str] = set()
    for index, cell in enumerate(header):
        name = fmt.canonical_for(cell) or (
            f"extra_{slug(cell)}" if cell.strip() else f"extra_column_{index + 1}"
        )
        unique, suffix = name, 1
        while unique in taken:
            suffix += 1
            unique = f"{name}_{suffix}"
        taken.add(unique)
        names.append(unique)
    return tuple(names)
