"""The one reader: an export file's bytes -> an Arrow table of raw strings with canonical column
names and lineage. Every platform goes through here; what differs is the declaration it matched.

Values land as the platform wrote them (strings: `"104.0"`, `"-"`, `"Thu Mar 20 2025"`); types,
null tokens and date styles are applied in dbt staging. The reader only refuses a file whose
values a person would have to look at first (a count that is not a number, a date in a style no
declaration knows), so a bad file is quarantined with its row and column named instead of
loading NULLs nobody notices.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipelines.containers import unpack
from pipelines.decode import CsvLayout, bom_of, decode_text, find_header, find_header_in_rows, split_blocks
from pipelines.errors import QUARANTINED, UNRECOGNISED, UnreadableExport
from pipelines.exports import ExportFile
from pipelines.formats import ALL_FORMATS, ExportFormat
from pipelines.formats.spec import COUNT, DURATION, PERCENT, RATE, TIMESTAMP
from pipelines.provenance import Provenance, resolve
from pipelines.recognise import Recognition, recognise
from pipelines.sheets import excel_serial_date, is_spreadsheet, read_sheets
from pipelines.sideways import sideways_shape, upright

# Numbers as exports write them, each form unambiguous: plain or dot-decimal ("104.0", the X
# per-tweet files), comma-grouped thousands ("1,234", some X and Instagram exports), space-grouped
# thousands with a decimal comma ("1 234,5", French), a decimal comma ("13,4"), and k/M suffixes
# ("13,4 k", "1.3K"). dbt staging (macro export_number) reads exactly these forms. Anything else
# ("1.2.3", "12abc") is refused with its row and column named rather than guessed.
_SPACES = " \u00a0\u202f"  # space, no-break space, narrow no-break space (French grouping)


def _number_pattern(digits: str, groups: str, sign: str) -> str:
    """The number forms above. `digits` and `groups` bound the digits before the point (a regex
    repetition, and the most thousands groups), `sign` is "-?" where a minus sign is allowed."""
    d, p = digits, _SPACES
    return (
        rf"^\s*{sign}("
        rf"\d{d}(\.\d+)?([eE][-+]?\d+)?"
        rf"|\d{{1,3}}(,\d{{3}}){{1,{groups}}}(\.\d+)?"
        rf"|\d{{1,3}}([{p}]\d{{3}}){{1,{groups}}}(,\d+)?"
        rf"|\d{d},\d+"
        rf"|\d{d}([.,]\d+)?[{p}]?[kKmM]"
        r")\s*$"
    )


# Any number, as long as it is written in one of the forms: what "is not a number" means.
_NUMBER = _number_pattern("+", "", "-?")
# What loads: at most 15 digits before the point (staging casts counts to BIGINT; no platform
# counts 10^15 of anything), and a minus sign only where the column may be negative.
_BOUNDED_SIGNED = _number_pattern("{1,15}", "4", "-?")
_BOUNDED_UNSIGNED = _number_pattern("{1,15}", "4", "")
_DURATION = r"^\s*\d+:[0-5]\d:[0-5]\d\s*$"
_LINEAGE_TYPES = {
    "_source_file": pa.string(),
    "_file_sha256": pa.string(),
    "_row_number": pa.int64(),
    "_account": pa.string(),
    "_snapshot_date": pa.date32(),
    "_format": pa.string(),
    "_language": pa.string(),
    "_ingested_at": pa.timestamp("us", tz="UTC"),
    # When the file was downloaded (pipelines/provenance.py): which of two downloads is newer.
    "_downloaded_at": pa.timestamp("us", tz="UTC"),
}


@dataclass(frozen=True)
class ParsedExport:
    format: ExportFormat
    provenance: Provenance
    table: pa.Table
    unknown_headers: tuple[str, ...]
    # What the reader did that a person reading the ledger should know ("3 rows were Meta error
    # rows, not posts (content ids ...)").
    notes: tuple[str, ...] = ()


def read_export(data: bytes, file: ExportFile, sha256: str, ingested_at: datetime) -> list[ParsedExport]:
    """Parse one export file (every file inside it, for a ZIP; every sheet we know, for a
    workbook), or raise UnreadableExport with a reason a person can act on. A file loads whole or
    not at all."""
    parsed = []
    for member in unpack(data):
        where = _Where(file, f"{file.relative_path}::{member.name}" if member.name else file.relative_path)
        try:
            if is_spreadsheet(member.data):
                parsed.extend(_read_workbook(member.data, where, sha256, ingested_at))
            else:
                parsed.extend(_read_csv(member.data, where, sha256, ingested_at))
        except UnreadableExport as refusal:
            if member.name:
                raise UnreadableExport(
                    f"{member.name} in the archive: {refusal.reason}", refusal.status
                ) from None
            raise
    return parsed


@dataclass(frozen=True)
class _Where:
    """The export file, and the name its rows carry as lineage (file, file::member, file::sheet)."""

    file: ExportFile
    source: str


def _read_csv(data: bytes, where: _Where, sha256: str, ingested_at: datetime) -> list[ParsedExport]:
    text = decode_text(data)
    layout = find_header(text)
    if sideways_shape(layout.title):  # Audience.csv without its age block: no header to read yet
        return _read_blocks(text, where, sha256, ingested_at)
    recognition = recognise(layout.header)
    try:
        if recognition.format.stacked_blocks:
            return _read_blocks(text, where, sha256, ingested_at)
        table = _parse_rows(_without_trailer(text, recognition.format), layout, recognition)
        return [_finish(table, layout, recognition, where, sha256, ingested_at)]
    except UnreadableExport as refusal:
        raise _with_resave_evidence(refusal, bom_of(data), recognition.format) from None


_BOM_NAMES = {"utf-8": "a UTF-8", "utf-16-le": "a UTF-16", "utf-16-be": "a big-endian UTF-16"}


def _with_resave_evidence(refusal: UnreadableExport, bom: str, fmt: ExportFormat) -> UnreadableExport:
    """A refused value was changed after the download; when the file's byte-order mark is not the
    one the platform writes (ExportFormat.bom), the bytes show who changed it: a spreadsheet."""
    if fmt.bom is None or bom == fmt.bom or not refusal.reason.endswith(_CHANGED):
        return refusal
    found = f"starts with {_BOM_NAMES[bom]} byte-order mark" if bom else "has no byte-order mark"
    written = f"with {_BOM_NAMES[fmt.bom]} one" if fmt.bom else "without one"
    return UnreadableExport(
        f"{refusal.reason.removesuffix(_CHANGED)}the file {found}, and the platform writes this "
        f"export {written}: a spreadsheet re-saved it. Download it again from the platform and "
        "load it without opening it",
        refusal.status,
    )


def _read_blocks(text: str, where: _Where, sha256: str, ingested_at: datetime) -> list[ParsedExport]:
    """Each stacked table of the file is a part of its own; with more than one, each part's rows
    carry `file::<title>` as their source (as a workbook's sheets do), so their row numbers
    never collide."""
    blocks = [upright(block) for block in split_blocks(text)]
    parsed, sources = [], set()
    for number, block in enumerate(blocks, start=1):
        layout = find_header(block)
        recognition = recognise(layout.header)
        source = where.source
        if len(blocks) > 1:
            title = _title(layout, recognition) or f"block {number}"
            source = f"{where.source}::{title if title not in sources else f'{title} ({number})'}"
            sources.add(title)
        table = _parse_rows(block, layout, recognition)
        parsed.append(_finish(table, layout, recognition, _Where(where.file, source), sha256, ingested_at))
    return parsed


def _title(layout: CsvLayout, recognition: Recognition) -> str | None:
    """The series a table is: its title line, else (Meta's 2023 series) the header cell that
    names the metric."""
    return layout.title or recognition.metric_header


def _read_workbook(data: bytes, where: _Where, sha256: str, ingested_at: datetime) -> list[ParsedExport]:
    """Every sheet a declaration recognises; sheets no declaration knows (LinkedIn's demographic
    sheets, say) are skipped, but a workbook with none we know is unrecognised."""
    parsed, skipped = [], []
    for sheet in read_sheets(data):
        rows = [row for row in sheet.rows if any(cell.strip() for cell in row)]
        try:
            layout = find_header_in_rows(rows)
            recognition = recognise(layout.header, sheet=sheet.name)
        except UnreadableExport as refusal:
            if refusal.status != UNRECOGNISED:
                raise
            skipped.append(sheet.name or sheet.label)
            continue
        table = _sheet_table(rows, layout, recognition)
        sheet_where = _Where(where.file, f"{where.source}::{sheet.name or sheet.label}")
        parsed.append(_finish(table, layout, recognition, sheet_where, sha256, ingested_at))
    if not parsed:
        raise UnreadableExport(
            f"a workbook with no sheet of a known export (sheets: {', '.join(skipped) or 'none'}); "
            "socialkpi reads Page analytics exports as the platforms deliver them",
            UNRECOGNISED,
        )
    return parsed


def _finish(
    table: pa.Table,
    layout: CsvLayout,
    recognition: Recognition,
    where: _Where,
    sha256: str,
    ingested_at: datetime,
) -> ParsedExport:
    """What every table goes through, whatever file it came from."""
    fmt = recognition.format
    # Rows that name their account (Meta's Page name) name the file's account only when no
    # folder does; a row naming another one is a collaboration, told apart in dbt staging.
    named = table[fmt.account_column].to_pylist() if fmt.account_column in table.column_names else ()
    provenance = resolve(
        fmt, where.file.relative_path, where.file.modified_at, recognition.language, named, ingested_at
    )
    # A trailing comma on the header (or a padded sheet) makes empty, nameless columns: drop them.
    table = table.drop_columns(
        [
            n
            for n, h in zip(recognition.column_names, layout.header, strict=True)
            if not h.strip() and _all_blank(table[n])
        ]
    )
    if fmt.title_column:
        title = _title(layout, recognition)
        table = table.append_column(fmt.title_column, pa.array([title] * table.num_rows, pa.string()))
    table, notes = _without_error_rows(table, fmt)
    if provenance.account_guessed:  # the ledger says where the account came from
        notes = (*notes, provenance.account_guessed)
    _validate(table, recognition)
    table = _conform(table, fmt)
    table = _with_lineage(table, where.source, sha256, provenance, fmt, ingested_at)
    return ParsedExport(fmt, provenance, table, recognition.unknown_headers, notes)


def _without_error_rows(table: pa.Table, fmt: ExportFormat) -> tuple[pa.Table, tuple[str, ...]]:
    """Drop the rows the platform wrote where it failed to compute one (ExportFormat.error_rows),
    and say how many and which content they stood for."""
    rule = fmt.error_rows
    if not rule or not {rule.empty_column, rule.note_column} <= set(table.column_names):
        return table, ()
    empty = pc.equal(pc.utf8_trim_whitespace(table[rule.empty_column]), "")
    if not pc.any(empty).as_py():
        return table, ()
    notes = table[rule.note_column].to_pylist()
    matches = [
        rule.note_pattern.match(note) if blank else None
        for note, blank in zip(notes, empty.to_pylist(), strict=True)
    ]
    if not any(matches):
        return table, ()
    kept = table.filter(pa.array([match is None for match in matches]))
    ids = [m.groupdict().get("content_id") for m in matches if m and m.groupdict().get("content_id")]
    count = sum(1 for m in matches if m)
    said = f"1 row was {rule.what_one}" if count == 1 else f"{count} rows were {rule.what}"
    shown = ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
    return kept, (f"{said} (content id{'s' if len(ids) > 1 else ''} {shown})" if ids else said,)


def _sheet_table(rows: list[list[str]], layout: CsvLayout, recognition: Recognition) -> pa.Table:
    fmt = recognition.format
    names = recognition.column_names
    body = rows[layout.preamble_rows + 1 + fmt.description_rows :]
    while body and _is_trailer(body[-1][0], fmt):
        body.pop()
    width = len(names)
    timestamps = set(fmt.columns_of_kind(TIMESTAMP))
    for number, row in enumerate(body, start=1):
        if any(cell.strip() for cell in row[width:]):
            raise UnreadableExport(
                f"row {number} has {len(row)} cells, the header {width}; the sheet was edited: "
                "download it again",
                QUARANTINED,
            )
    columns = {name: [row[i] if i < len(row) else "" for row in body] for i, name in enumerate(names)}
    for name in timestamps.intersection(columns):
        # Older LinkedIn workbooks store dates as numbers (44008 = 2020-06-26): only a cell the
        # workbook holds as a number is read so, never text (nor any CSV cell).
        columns[name] = [excel_serial_date(cell) or cell for cell in columns[name]]
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})


def _without_trailer(text: str, fmt: ExportFormat) -> str:
    """Drop the rows a platform appends after the data (YouTube: "Showing top 500 results")."""
    if not fmt.trailer_pattern:
        return text
    lines = text.rstrip("\r\n").split("\n")
    while lines and (not lines[-1].strip() or _is_trailer(lines[-1], fmt)):
        lines.pop()
    return "\n".join(lines) + "\n"


def _is_trailer(line: str, fmt: ExportFormat) -> bool:
    """A row the platform appends after the data, compared without quotes and soft hyphens (the
    German UI writes "Die 500 be\u00adsten Er\u00adgeb\u00adnis\u00adse ...")."""
    cleaned = line.replace("\u00ad", "").strip().strip('"')
    return bool(fmt.trailer_pattern and fmt.trailer_pattern.match(cleaned))


def _parse_rows(text: str, layout: CsvLayout, recognition: Recognition) -> pa.Table:
    names = list(recognition.column_names)
    try:
        table = pacsv.read_csv(
            # A final newline lets a header-only export (X omits the last newline) parse as 0 rows.
            io.BytesIO((text if text.endswith("\n") else text + "\n").encode("utf-8")),
            read_options=pacsv.ReadOptions(
                skip_rows=layout.preamble_rows + 1 + recognition.format.description_rows,
                column_names=names,
                use_threads=False,  # files are small: a thread pool per file costs more than it saves
            ),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as error:
        detail = str(error).split("\n")[0].removeprefix("CSV parse error: ")
        raise UnreadableExport(
            f"the rows do not fit the header ({detail[:200]}); the file may be truncated or "
            "edited by hand: download it again",
            QUARANTINED,
        ) from None
    return table


def _all_blank(column: pa.ChunkedArray) -> bool:
    return not pc.any(pc.not_equal(pc.utf8_trim_whitespace(column), "")).as_py()


def _validate(table: pa.Table, recognition: Recognition) -> None:
    fmt = recognition.format
    present = set(table.column_names)
    counts, numeric = set(fmt.columns_of_kind(COUNT)), set(fmt.columns_of_kind(COUNT, RATE, PERCENT))
    numbers = [n for n in table.column_names if n in numeric]
    unsigned = [n for n in numbers if n in counts and n not in fmt.signed]
    signed = [n for n in numbers if n not in unsigned]
    for names, bounded in ((unsigned, _BOUNDED_UNSIGNED), (signed, _BOUNDED_SIGNED)):
        _check_pattern(table, names, fmt, bounded, _number_problem)
    _check_exponents(table, numbers)
    durations = [n for n in table.column_names if n in fmt.columns_of_kind(DURATION)]
    _check_pattern(table, durations, fmt, _DURATION, lambda _value: _NOT_A_DURATION)
    for name in present.intersection(fmt.columns_of_kind(TIMESTAMP)):
        _check_timestamps(table[name], name, fmt)


def _check_pattern(
    table: pa.Table, names: list[str], fmt: ExportFormat, pattern: str, problem: Callable[[str], str]
) -> None:
    """Every cell of the columns `names` is a null token or matches `pattern`. The columns are
    tested as one array (a load reads thousands of files), and most cells are plain counts: those
    are passed by one vectorised test (ASCII digits, at most 15 of them, which every number
    pattern accepts), and only the distinct other values go through the regex. A failure names its
    own row and column."""
    if not names or not table.num_rows:
        return
    cells = pa.chunked_array([chunk for name in names for chunk in table[name].chunks], pa.string())
    plain = pc.and_(pc.ascii_is_decimal(cells), pc.less_equal(pc.utf8_length(cells), 15))
    if pc.all(plain).as_py():
        return
    accepted = _accepting(pattern, fmt.null_tokens)
    others = pc.unique(pc.filter(cells, pc.invert(plain))).to_pylist()
    bad = [value for value in others if not accepted.match(value)]
    if bad:
        bad_index = pc.index(pc.is_in(cells, value_set=pa.array(bad, pa.string())), True).as_py()
        name, row = names[bad_index // table.num_rows], bad_index % table.num_rows
        _refuse(table[name], row, name, problem(table[name][row].as_py()))


@functools.cache
def _accepting(pattern: str, null_tokens: frozenset[str]) -> re.Pattern[str]:
    """The pattern or a null token, with RE2's meaning of the classes (ASCII `\\d` and `\\s`), as
    pyarrow's regex functions would read it."""
    return re.compile(_or_null_token(pattern, null_tokens), re.ASCII)


@functools.cache
def _or_null_token(pattern: str, null_tokens: frozenset[str]) -> str:
    tokens = "|".join(re.escape(token) for token in sorted(null_tokens))
    return rf"^\s*(?:{tokens})\s*$|{pattern}"


def _check_exponents(table: pa.Table, names: list[str]) -> None:
    """The bounded patterns refuse negative counts (a mart's test would fail on every run until
    someone deleted raw rows by hand) and more than 15 digits before the point (staging casts
    counts to BIGINT); a large exponent ("1e30") is caught here, in Python: exponents are rare,
    and plain digits (most cells) have none."""
    if not names or not table.num_rows:
        return
    cells = pa.chunked_array([chunk for name in names for chunk in table[name].chunks], pa.string())
    others = pc.filter(cells, pc.invert(pc.ascii_is_decimal(cells)))
    for value in pc.unique(others).to_pylist():
        if _EXPONENT.match(value) and abs(float(value)) >= 1e15:
            index = pc.index(cells, value).as_py()
            name, row = names[index // table.num_rows], index % table.num_rows
            _refuse(table[name], row, name, _TOO_LARGE)


_EXPONENT = re.compile(r"^\s*-?\d+(\.\d+)?[eE][-+]?\d+\s*$")
# Each refusal names the physical impossibility it guards; the value cannot have come from the
# platform, so it was changed after the download.
_CHANGED = "the value was changed after the download: download the export again from the platform"
_TOO_LARGE = "is too large for any platform's count (more than 15 digits before the point)"
_NOT_A_NUMBER = "is not a number, and the platform writes a number or nothing in this column"
_NEGATIVE = (
    "is negative, and the platform never writes this count below zero (only net changes, such as "
    "LinkedIn's daily reactions or YouTube's net subscribers, are)"
)
_NOT_A_DURATION = "is not a duration, and the platform writes every duration as H:MM:SS"
# What a spreadsheet leaves in a cell when it re-saves a file, and no platform writes: the only
# case where the advice names a spreadsheet.
_SPREADSHEET_MARKS = (
    (re.compile(r"^\s*-?\d(\.\d+)?E\+\d+\s*$"), "scientific notation, as a spreadsheet shows long numbers"),
    (
        re.compile(r"^\s*\d{1,2}[./]\d{1,2}[./]\d{2}(\s.*)?$"),
        "a two-digit year, as a spreadsheet writes dates",
    ),
    (
        re.compile(r"^\s*\d{1,2}\.\d{1,2}\.\d{4}(\s.*)?$"),
        "a day.month.year date, as a spreadsheet writes dates",
    ),
)


def _number_problem(value: str) -> str:
    if not re.match(_NUMBER, value):
        return _NOT_A_NUMBER
    return _NEGATIVE if value.strip().startswith("-") else _TOO_LARGE


def _check_timestamps(column: pa.ChunkedArray, name: str, fmt: ExportFormat) -> None:
    """Every distinct value is a null token, the totals label or a date in a declared style, as
    Python's strptime reads it (that is the rule). A per-tweet export has a million distinct
    minutes, so the values written exactly as a declared style writes a date are passed first
    by one vectorised test; only the others (unpadded days, `February 29` without a year, null
    tokens, bad dates) go through Python, in first-seen order, so the first refused is the
    first bad row, as before."""
    values = pc.unique(column)
    others = pc.filter(values, pc.invert(_written_in_a_style(values, fmt.timestamp_styles)))
    for value in others.to_pylist():
        stripped = value.strip()
        if (
            stripped in fmt.null_tokens
            or fmt.is_total_label(stripped)
            or _parses(stripped, fmt.timestamp_styles)
        ):
            continue
        _refuse(column, pc.index(column, value).as_py(), name, _date_problem(fmt))


def _written_in_a_style(values: pa.Array, styles: tuple[str, ...]) -> pa.BooleanArray:
    """Which values are a date exactly as one of `styles` writes it. pyarrow's strptime is laxer
    than Python's (it reads "2024-02-30" as March 1st, "Fri Mar 20 2025" although that day is a
    Thursday, year 0, a leading space), so a value passes only when writing the parsed moment
    back in the same style gives the value itself, in a year Python's datetime holds: such a
    value is one Python's strptime accepts too. Anything else is left to the Python test."""
    passed = pa.repeat(pa.scalar(False), len(values))
    for style in styles:
        try:
            moments = pc.strptime(values, format=style, unit="s", error_is_null=True)
            written = pc.and_(
                pc.equal(pc.strftime(moments, format=style), values),
                pc.and_(pc.greater_equal(pc.year(moments), 1), pc.less_equal(pc.year(moments), 9999)),
            )
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # a directive pyarrow lacks
            continue
        passed = pc.or_(passed, pc.fill_null(written, False))
    return passed


def _date_problem(fmt: ExportFormat) -> str:
    """A date no declared style parses, with what the platform writes instead."""
    examples = " or ".join(f'"{_EXAMPLE_MOMENT.strftime(style)}"' for style in fmt.timestamp_styles[:2])
    return f"is a date in a style this export never uses (it writes {examples})"


_EXAMPLE_MOMENT = datetime(2024, 12, 1, 21, 13, tzinfo=UTC)  # aware: styles with %z show +0000


@functools.lru_cache(maxsize=200_000)  # weekly downloads repeat most dates four times and more
def _parses(value: str, styles: tuple[str, ...]) -> bool:
    for style in styles:
        # A style without a year ("August 19"): check the day against a leap year, so that
        # "February 29" is a date; staging supplies the real year.
        text, pattern = (value, style) if "%Y" in style else (f"{value} 2000", f"{style} %Y")
        try:
            datetime.strptime(text, pattern)
        except ValueError:
            continue
        return True
    return False


def _refuse(column: pa.ChunkedArray, index: int, name: str, problem: str) -> None:
    value = column[index].as_py()
    spreadsheet = next((sign for mark, sign in _SPREADSHEET_MARKS if mark.match(value)), None)
    if spreadsheet:
        problem = (
            f"{problem}; it is written in {spreadsheet}: the file was re-saved by a "
            "spreadsheet. Download it again from the platform and load it without opening it"
        )
    else:
        problem = f"{problem}; {_CHANGED}"
    raise UnreadableExport(f"row {index + 1}, column {name}: {value[:40]!r} {problem}", QUARANTINED)


def table_columns(fmt: ExportFormat) -> tuple[str, ...]:
    """Every canonical column of the raw table `fmt` lands in, across all shapes landing there,
    so the raw table has the same columns whichever generation arrived first."""
    return _raw_table_columns(fmt.channel, fmt.table)


@functools.cache  # asked for every file read
def _raw_table_columns(channel: str, table: str) -> tuple[str, ...]:
    names: dict[str, None] = {}
    for other in ALL_FORMATS:
        if (other.channel, other.table) == (channel, table):
            names.update(dict.fromkeys(c.canonical for c in other.columns))
    return tuple(names)


def _conform(table: pa.Table, fmt: ExportFormat) -> pa.Table:
    declared = table_columns(fmt)
    present = set(table.column_names)
    extras = [n for n in table.column_names if n not in declared]
    columns = [table[n] if n in present else pa.nulls(table.num_rows, pa.string()) for n in declared]
    return pa.table([*columns, *(table[n] for n in extras)], names=[*declared, *extras])


def _with_lineage(
    table: pa.Table,
    source: str,
    sha256: str,
    provenance: Provenance,
    fmt: ExportFormat,
    ingested_at: datetime,
) -> pa.Table:
    rows = table.num_rows
    values = {
        "_source_file": source,
        "_file_sha256": sha256,
        "_row_number": None,
        "_account": provenance.account,
        "_snapshot_date": provenance.snapshot_date,
        "_format": fmt.name,
        "_language": provenance.language,
        "_ingested_at": ingested_at,
        "_downloaded_at": provenance.downloaded_at,
    }
    arrays = []
    for name, value in values.items():
        if name == "_row_number":
            arrays.append(pa.array(range(1, rows + 1), pa.int64()))
        else:
            arrays.append(pa.repeat(pa.scalar(value, _LINEAGE_TYPES[name]), rows))
    return pa.table([*table.columns, *arrays], names=[*table.column_names, *values])


def lineage_types() -> dict[str, pa.DataType]:
    return dict(_LINEAGE_TYPES)
