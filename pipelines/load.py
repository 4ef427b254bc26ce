"""Load what is new in the exports folder into the warehouse's raw schemas.

Order matters for a run that is killed half-way: raw rows are loaded by dlt first, the ledger is
written after, batch by batch. A killed run never marks a file `loaded` whose rows are not in raw;
the rows it landed without recording them, and any dlt package it left pending, are undone by
the next run before it loads anything (pipelines/recovery.py), so every file lands exactly once.
"""

from __future__ import annotations

import gc
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from pipelines import checkpoints, ledger
from pipelines.errors import DUPLICATE, LOADED
from pipelines.exports import ExportFile, Listed, list_exports
from pipelines.formats import ALL_FORMATS
from pipelines.gc_pause import no_cycle_collection
from pipelines.lake import (
    expose_lake_tables,
    file_format,
    raw_destination,
    refuse_warehouse_rows,
    table_kinds,
)
from pipelines.ledger import LedgerEntry
from pipelines.progress import Counted
from pipelines.reader import ParsedExport, lineage_types, table_columns
from pipelines.reading import FileRead, read_files
from pipelines.recognise import short_cell
from pipelines.recovery import Recovery, landing_done, mark_landing, recover
from pipelines.warehouse import open_warehouse

Progress = Callable[[str], None]


@dataclass
class LoadReport:
    """What one load did: ledger entries of the files it looked at, and rows landed per table."""

    entries: list[LedgerEntry] = field(default_factory=list)
    loaded_now: list[LedgerEntry] = field(default_factory=list)
    unchanged: int = 0
    newly_refused: list[LedgerEntry] = field(default_factory=list)
    rows_by_table: Counter[str] = field(default_factory=Counter)
    recovery: Recovery = field(default_factory=Recovery)

    def count(self, status: str) -> int:
        return sum(1 for e in self.entries if e.status == status)

    @property
    def refused(self) -> list[LedgerEntry]:
        """Every file that could not be loaded, including ones refused on earlier runs (they are
        read again each run, so a new declaration or reader fix picks them up)."""
        return [e for e in self.entries if e.status not in (LOADED, DUPLICATE)]


# Parsed rows are landed (and their files recorded in the ledger) in batches of about this much
# Arrow data, so a first load of years of exports never holds them all in memory at once (the
# peak is a few times this), and a load killed half-way keeps what it had recorded.
BATCH_BYTES = 256 * 2**20


def load_exports(
    exports: str,
    warehouse: Path,
    pipelines_dir: Path,
    progress: Progress | None = None,
    recheck_failed_checks: bool = False,
    lake: Path | None = None,
) -> LoadReport:
    """Read every new or changed export file, land its rows, and record every file in the ledger.
    `recheck_failed_checks`: the dbt checks changed since files were taken out by one, so those
    files are read again (the build decides anew). `lake`: the rows land there as Parquet (the
    Spark engine, pipelines/lake.py), not in the warehouse file, which keeps the ledger."""
    say = progress or (lambda _message: None)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    if lake is not None and warehouse.exists():
        with open_warehouse(warehouse, read_only=True) as con:
            refuse_warehouse_rows(con)
    recovery = recover(warehouse, pipelines_dir, dlt_pipelines(), lake)
    if recovery:
        say(recovery.describe())
    with open_warehouse(warehouse) as con, no_cycle_collection():
        run = _Run(seen=ledger.read_ledger(con, recheck_failed_checks), now=datetime.now(UTC), lake=lake)
    run.report.recovery = recovery
    with no_cycle_collection():
        listing = list(list_exports(exports))
    to_read = [listed for listed in listing if not run.known(listed)]
    files_read = Counted(say, "read", "new or changed files")
    for index, (listed, read) in enumerate(read_files(to_read, run.now, set(run.seen.loaded_by_sha)), 1):
        files_read(index, len(to_read))
        if index == len(to_read) // 2:
            checkpoints.reached("extract")
        run.record_read(listed.file, read)
        if run.parsed_bytes >= BATCH_BYTES:
            run.flush(warehouse, pipelines_dir, say)
    say(f"looked at {len(run.report.entries)} files")
    run.flush(warehouse, pipelines_dir, say)
    return run.report


def dlt_pipelines() -> dict[str, str]:
    """Every dlt pipeline a load uses (one per channel), with its dataset."""
    return {f"socialkpi_{fmt.channel}": fmt.raw_schema for fmt in ALL_FORMATS}


@dataclass
class _Run:
    """One load's state: what the ledger knew before, and what this run found."""

    seen: ledger.LedgerView
    now: datetime
    lake: Path | None = None  # where the rows land on the Spark engine
    report: LoadReport = field(default_factory=LoadReport)
    parsed_by_channel: dict[str, list[ParsedExport]] = field(default_factory=lambda: defaultdict(list))
    loaded_this_run: dict[str, str] = field(default_factory=dict)
    recorded: int = 0  # entries [0, recorded) are in the ledger
    parsed_bytes: int = 0  # of the tables parsed since the last flush

    def flush(self, warehouse: Path, pipelines_dir: Path, say: Progress) -> None:
        """Land what was parsed since the last flush, then record those files in the ledger. A
        marker names the files being landed, so a run killed in between can undo their rows
        (pipelines/recovery.py) instead of landing them twice."""
        landing: dict[str, list[str]] = defaultdict(list)
        for parsed in self.parsed_by_channel.values():
            for part in parsed:
                shas = pc.unique(part.table["_file_sha256"]).to_pylist()
                landing[f"{part.format.raw_schema}.{part.format.table}"].extend(shas)
        if landing:
            mark_landing(pipelines_dir, landing)
        for channel, parsed in self.parsed_by_channel.items():
            self.report.rows_by_table.update(_land(channel, parsed, warehouse, pipelines_dir, say, self.lake))
        self.parsed_by_channel.clear()
        self.parsed_bytes = 0
        # dlt's run objects hold the landed tables in reference cycles, which Python frees only
        # at its rare full collections: without this, every batch stayed in memory until one ran.
        gc.collect()
        checkpoints.reached("ledger")
        with open_warehouse(warehouse) as con:
            ensure_raw_tables(con, self.lake)
            ledger.record(con, self.report.entries[self.recorded :])
        self.recorded = len(self.report.entries)
        landing_done(pipelines_dir)

    def known(self, listed: Listed) -> bool:
        """True for a file at the same place, with the same size and time, as one that loaded:
        not even read again."""
        file = listed.file
        known = self.seen.unchanged(file.url, file.size_bytes, file.modified_at)
        if known:
            known.last_seen_at = self.now
            self.report.unchanged += 1
            self.report.entries.append(known)
        return known is not None

    def record_read(self, file: ExportFile, read: FileRead) -> None:
        """Decide what becomes of a file that was read: refused, a duplicate, or loaded."""
        entry = _new_entry(file, read.sha256, self.seen.first_seen(file.url, read.sha256, self.now), self.now)
        earlier = self.seen.loaded_by_sha.get(read.sha256)
        original = earlier.relative_path if earlier else self.loaded_this_run.get(read.sha256)
        held = self.seen.held_back_by_sha.get(read.sha256)
        if read.problem or (read.refusal and not original):
            entry.status, entry.reason = read.problem or read.refusal
            self._refused(entry)
        elif held and not original:
            # These bytes were taken out after they loaded (a blocking check failed on their
            # rows, or a person unloaded them): the same bytes stay out, wherever they lie now.
            _describe_as(entry, held)
            entry.status, entry.reason = held.status, held.reason
            self._refused(entry)
        elif original and original != file.relative_path:
            entry.status, entry.reason = DUPLICATE, f"same content as {original}, loaded once"
        elif original:
            # The same file at a new URL (the exports folder was moved or copied): it keeps what
            # its first load found.
            _describe_as(entry, earlier)
            entry.status, entry.reason = LOADED, "already loaded"
        else:
            self.parsed_bytes += _describe(entry, read.parts, self.parsed_by_channel)
            self.loaded_this_run[entry.sha256] = file.relative_path
            self.report.loaded_now.append(entry)
        self.report.entries.append(entry)

    def _refused(self, entry: LedgerEntry) -> None:
        if not self.seen.same_refusal(entry):
            self.report.newly_refused.append(entry)


def _describe_as(entry: LedgerEntry, earlier: LedgerEntry | None) -> None:
    if earlier:
        entry.channel, entry.kind, entry.account = earlier.channel, earlier.kind, earlier.account
        entry.snapshot_date, entry.language, entry.row_count = (
            earlier.snapshot_date,
            earlier.language,
            earlier.row_count,
        )


def _new_entry(file: ExportFile, sha256: str, first_seen: datetime, now: datetime) -> LedgerEntry:
    return LedgerEntry(
        file_url=file.url,
        relative_path=file.relative_path,
        sha256=sha256,
        size_bytes=file.size_bytes,
        modified_at=file.modified_at,
        channel=None,
        kind=None,
        account=None,
        snapshot_date=None,
        language=None,
        status=LOADED,
        reason=None,
        row_count=None,
        first_seen_at=first_seen,
        last_seen_at=now,
    )


def _describe(
    entry: LedgerEntry, parts: tuple[ParsedExport, ...], parsed_by_channel: dict[str, list[ParsedExport]]
) -> int:
    """Describe a parsed file in its ledger entry and queue its tables for landing; return the
    bytes of Arrow data it added."""
    first = parts[0].provenance
    entry.channel = _joined(p.format.channel for p in parts)
    entry.kind = _joined(p.format.name for p in parts)
    entry.account = _joined(a for p in parts for a in _accounts(p) if a)
    entry.snapshot_date, entry.language = first.snapshot_date, first.language
    entry.row_count = sum(p.table.num_rows for p in parts)
    unknown = [h for p in parts for h in p.unknown_headers]
    said = list(dict.fromkeys(note for p in parts for note in p.notes))  # what the reader dropped
    if unknown:
        shown = ", ".join(short_cell(h) for h in dict.fromkeys(unknown))
        said.append(f"kept unknown columns in raw: {shown}")
    if said:
        entry.reason = "; ".join(said)
    for part in parts:
        parsed_by_channel[part.format.channel].append(part)
    return sum(part.table.nbytes for part in parts)


def _accounts(part: ParsedExport) -> list[str | None]:
    """The file's account (pipelines/provenance.py): rows naming another account (an Instagram
    collaboration post) are still the file's, so the ledger names one account per file."""
    return [part.provenance.account]


def _joined(values) -> str:
    return "+".join(dict.fromkeys(values)) or None


def _land(
    channel: str,
    parsed: list[ParsedExport],
    warehouse: Path,
    pipelines_dir: Path,
    say: Progress,
    lake: Path | None,
) -> Counter[str]:
    """One dlt run per channel into dataset `raw_<channel>` (of the warehouse file, or of the
    lake), one resource per raw table, each fed whole Arrow tables (the row-by-row path is 25x
    slower, docs/design.md §9)."""
    import dlt  # ~1.5 s to import: a refresh with nothing new never needs it

    by_table: dict[str, list[pa.Table]] = defaultdict(list)
    for p in parsed:
        by_table[p.format.table].append(p.table)
    rows = Counter({f"raw_{channel}.{t}": sum(x.num_rows for x in ts) for t, ts in by_table.items()})
    resources = [
        dlt.resource(
            # A generator, not a list: dlt keeps its resources after the run (in the pipeline's
            # trace), and a list would keep every batch's rows in memory until the load ends.
            _concatenated(by_table, table),
            name=table,
            # Files are loaded once each (the ledger sees to that), so appending is exact;
            # "latest snapshot wins" is a modelling decision and lives in dbt.
            write_disposition="append",
        )
        for table, tables in by_table.items()
    ]
    pipeline = dlt.pipeline(
        pipeline_name=f"socialkpi_{channel}",
        destination=raw_destination(warehouse, lake),
        dataset_name=f"raw_{channel}",
        pipelines_dir=str(pipelines_dir),
    )
    say(f"loading {rows.total()} {channel} rows: extracting")
    pipeline.extract(resources, loader_file_format=file_format(lake))
    pipeline.normalize()
    say(f"loading {rows.total()} {channel} rows into raw_{channel}")
    checkpoints.reached("dlt-load")
    pipeline.load().raise_on_failed_jobs()
    return rows


def _concatenated(by_table: dict[str, list[pa.Table]], table: str) -> Iterator[pa.Table]:
    yield pa.concat_tables(by_table.pop(table), promote_options="default")


def ensure_raw_tables(con: duckdb.DuckDBPyConnection, lake: Path | None = None) -> None:
    """Create every declared raw table that no file has filled yet, so dbt's sources always exist
    (a warehouse with only X account-overview files still builds the tweet models, empty), and
    give every raw table each lineage column: a table landed before a column existed (rows landed
    before downloads were timed have no `_downloaded_at`) gets it, NULL in its old rows, so the
    models read every raw table alike. With a lake, its tables with files are views first
    (pipelines/lake.py); their rows all have every lineage column."""
    if lake is not None:
        expose_lake_tables(con, lake)
    views = {name for name, kind in table_kinds(con).items() if kind == "VIEW"}
    types = {pa.string(): "varchar", pa.int64(): "bigint", pa.date32(): "date"}
    lineage = {name: types.get(t, "timestamptz") for name, t in lineage_types().items()}
    for fmt in {(f.channel, f.table): f for f in ALL_FORMATS}.values():
        columns = {**dict.fromkeys(table_columns(fmt), "varchar"), **lineage}
        table = f"{fmt.raw_schema}.{fmt.table}"
        if table in views:
            continue
        con.execute(f"create schema if not exists {fmt.raw_schema}")
        typed = ", ".join(f"{name} {kind}" for name, kind in columns.items())
        con.execute(f"create table if not exists {table} ({typed})")
        for name, kind in lineage.items():
            con.execute(f"alter table {table} add column if not exists {name} {kind}")
