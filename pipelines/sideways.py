"""Tables written sideways under their title line: a row of labels over a row of values.

Meta's `Audience.csv` writes its `Top cities`, `Top countries` and `Top pages` blocks this way
(docs/formats.md §2.5). The reader turns such a block upright (one row per label) before it is
recognised, so the declaration (ExportFormat.label_rows) reads it like any two-column table.
"""

from __future__ import annotations

import csv
import functools
import io

from pipelines.decode import find_header
from pipelines.errors import QUARANTINED, UnreadableExport
from pipelines.formats import ALL_FORMATS, ExportFormat


@functools.lru_cache(maxsize=1024)  # asked for every CSV's title line, which a file may make up
def sideways_shape(title: str | None) -> ExportFormat | None:
    """The declared sideways shape whose label column is headed by this title line, if any."""
    if not title:
        return None
    return next(
        (f for f in ALL_FORMATS if f.label_rows and f.canonical_for(title) == f.columns[0].canonical),
        None,
    )


def upright(block: str) -> str:
    """The block with one row per label, under its title line and a header of two cells (the
    title, and the value column's name); a block that is not sideways is returned as it is."""
    layout = find_header(block)
    fmt = sideways_shape(layout.title)
    if fmt is None:
        return block
    rows = [row for row in csv.reader(io.StringIO(block)) if any(cell.strip() for cell in row)]
    written = rows[layout.preamble_rows :]
    if len(written) != 2 or len(written[0]) != len(written[1]):
        raise UnreadableExport(
            f"the {layout.title!r} block of {fmt.description} should be one row of labels over one "
            f"row of values, and it has {len(written)} row(s) of unequal or unexpected length; "
            "download the export again from the platform",
            QUARANTINED,
        )
    labels, values = written
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow([layout.title])
    writer.writerow([layout.title, fmt.spelling_of(fmt.columns[1].canonical)])
    writer.writerows(zip(labels, values, strict=True))
    return text.getvalue()
