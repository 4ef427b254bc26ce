"""The file ledger `raw_ledger.export_files` (contract, docs/design.md §3): every file ever seen, what
became of it and why. One row per (file URL, content hash): a re-export saved over the same name
with changed numbers is a new row, and a new snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta

import duckdb
import pyarrow as pa

from pipelines.errors import LOADED, QUARANTINED

LEDGER_TABLE = "raw_ledger.export_files"

_DDL = f"""
create schema if not exists raw_ledger;
create table if not exists {LEDGER_TABLE} (
    file_url varchar not null,
    relative_path varchar not null,
    sha256 varchar not null,
    size_bytes bigint not null,
    modified_at timestamptz not null,
    channel varchar,
    kind varchar,
    account varchar,
    snapshot_date date,
    language varchar,
    status varchar not null,
    reason varchar,
    row_count bigint,
    first_seen_at timestamptz not null,
    last_seen_at timestamptz not null,
    primary key (file_url, sha256)
);
"""


# The ledger's `channel` is a platform, as the marts say it: twitter, facebook, instagram,
# linkedin, youtube (`+`-joined for a file of several). Meta's daily series (Follows.csv,
# Reach.csv) land in raw_meta because the file alone often does not say its platform: a bare
# title (`Reach`) is Facebook's or Instagram's by accounts.csv, the folder or the account's other
# exports. dbt decides it (stg_meta__daily_series.channel, what the marts use), so the ledger
# takes the build's decision instead of deciding again: empty until a build has decided.
UNDECIDED_CHANNEL = "meta"  # a raw schema, never a platform the ledger names
_DECIDED_BY_BUILD = "staging.stg_meta__daily_series"
_DECIDED_CHANNELS = f"""
    select file_sha256 as sha256, string_agg(distinct channel, '+' order by channel) as channel
    from {_DECIDED_BY_BUILD}
    where channel is not null
    group by file_sha256
"""
_NOTHING_DECIDED = "select null::varchar as sha256, null::varchar as channel where false"


def decided_channels(con: duckdb.DuckDBPyConnection) -> str:
    """A query of (sha256, channel): the platform the last build gave each Meta series file's
    rows; no rows before a first build, nor from a staging table an older version built without
    the file's hash (the next build adds it), so that the load before that build still runs."""
    (columns,) = con.execute(
        "select count(*) from information_schema.columns "
        "where table_schema || '.' || table_name = ? and column_name in ('file_sha256', 'channel')",
        [_DECIDED_BY_BUILD],
    ).fetchone()
    return _DECIDED_CHANNELS if columns == 2 else _NOTHING_DECIDED


def adopt_decided_channels(con: duckdb.DuckDBPyConnection) -> None:
    """Write the build's platform into the ledger rows of Meta series files, and clear the
    `meta` that ledgers written before this change hold (a migration on every writer's open: a
    warehouse of an older version reads right from its first load). Outside any transaction
    that changes the same rows (DuckDB refuses a second change of a row a transaction changed)."""
    ensure_ledger(con)
    con.execute(
        f"update {LEDGER_TABLE} set channel = decided.channel "
        f"from ({decided_channels(con)}) as decided "
        f"where {LEDGER_TABLE}.sha256 = decided.sha256 "
        f"and {LEDGER_TABLE}.channel is distinct from decided.channel"
    )
    con.execute(f"update {LEDGER_TABLE} set channel = null where channel = ?", [UNDECIDED_CHANNEL])


def ledger_listing(con: duckdb.DuckDBPyConnection, status: str | None = None) -> list[tuple]:
    """What `socialkpi files` shows, newest first, on a read-only connection: the platform as the
    last build decided it, also in a ledger no writer has opened since `meta` was retired."""
    return con.execute(
        "select ledger.relative_path, ledger.status, "
        f"coalesce(decided.channel, nullif(ledger.channel, '{UNDECIDED_CHANNEL}')) as channel, "
        "ledger.account, ledger.snapshot_date, ledger.row_count, ledger.reason "
        f"from {LEDGER_TABLE} as ledger left join ({decided_channels(con)}) as decided using (sha256) "
        "where ? is null or ledger.status = ? "
        "order by ledger.last_seen_at desc, ledger.relative_path",
        [status, status],
    ).fetchall()


def platform_channel(channel: str | None) -> str | None:
    """What the ledger records for a parsed file's formats' channels: `meta` is for the build to
    decide (empty until then)."""
    return None if channel == UNDECIDED_CHANNEL else channel


@dataclass
class LedgerEntry:
    file_url: str
    relative_path: str
    sha256: str
    size_bytes: int
    modified_at: datetime
    channel: str | None
    kind: str | None
    account: str | None
    snapshot_date: date | None
    language: str | None
    status: str
    reason: str | None
    row_count: int | None
    first_seen_at: datetime
    last_seen_at: datetime


_COLUMNS = [f.name for f in fields(LedgerEntry)]


def ensure_ledger(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_DDL)


# Reasons of files whose rows were taken out of the warehouse after they loaded: a blocking data
# check failed on their rows (socialkpi/build/isolation.py), or a person unloaded them (`socialkpi files
# --unload`). Unlike a file the reader refused, such a file is not read again: the same bytes
# would fail the same check. A new download (other bytes) loads; so does a file a check took out
# once the checks or the seeds changed (a person added the account's channel to accounts.csv).
FAILED_CHECK = "failed check "
UNLOADED_BY = "unloaded by "


def held_back(entry: LedgerEntry, recheck_failed_checks: bool = False) -> bool:
    """True for a file taken out after it loaded: not loaded again. A file a check took out
    (FAILED_CHECK) is read again when `recheck_failed_checks` (the dbt project changed since)."""
    if entry.status != "quarantined":
        return False
    reason = entry.reason or ""
    return reason.startswith(UNLOADED_BY) or (reason.startswith(FAILED_CHECK) and not recheck_failed_checks)


@dataclass
class LedgerView:
    """What earlier runs recorded, read once before a load."""

    latest_by_url: dict[str, LedgerEntry]
    loaded_by_sha: dict[str, LedgerEntry]
    held_back_by_sha: dict[str, LedgerEntry] = field(default_factory=dict)
    recheck_failed_checks: bool = False

    def unchanged(self, url: str, size_bytes: int, modified_at: datetime) -> LedgerEntry | None:
        """The entry of a file seen before with the same size and time that loaded (or was a
        duplicate, or was taken out after loading: `held_back`): no need to read or hash it
        again. Refused files are always read again, so a new declaration or a fixed reader
        picks them up."""
        entry = self.latest_by_url.get(url)
        if entry and (
            entry.status in ("loaded", "duplicate") or held_back(entry, self.recheck_failed_checks)
        ):
            if entry.size_bytes == size_bytes and entry.modified_at == modified_at:
                return entry
        return None

    def same_refusal(self, entry: LedgerEntry) -> bool:
        """True when this exact file was refused for the same reason before: not news."""
        before = self.latest_by_url.get(entry.file_url)
        return bool(before) and (before.sha256, before.status, before.reason) == (
            entry.sha256,
            entry.status,
            entry.reason,
        )

    def first_seen(self, url: str, sha256: str, default: datetime) -> datetime:
        entry = self.latest_by_url.get(url)
        return entry.first_seen_at if entry and entry.sha256 == sha256 else default


def read_ledger(con: duckdb.DuckDBPyConnection, recheck_failed_checks: bool = False) -> LedgerView:
    """What earlier runs recorded, once the last build's channel decisions are written in."""
    adopt_decided_channels(con)
    # The times come as microseconds since the epoch: DuckDB's own conversion of a timestamp
    # with time zone to Python (through pytz) took 3.8 s of the 4.3 s this costs at 98,800 files.
    columns = ", ".join(f"epoch_us({c}) as {c}" if c in _TIMES else c for c in _COLUMNS)
    order = "order by last_seen_at, first_seen_at"
    rows = con.execute(f"select {columns} from {LEDGER_TABLE} {order}").fetchall()
    entries = [LedgerEntry(*_with_times(row)) for row in rows]
    return LedgerView(
        latest_by_url={e.file_url: e for e in entries},
        loaded_by_sha={e.sha256: e for e in entries if e.status == "loaded" and e.row_count is not None},
        held_back_by_sha={e.sha256: e for e in entries if held_back(e, recheck_failed_checks)},
        recheck_failed_checks=recheck_failed_checks,
    )


_TIMES = ("modified_at", "first_seen_at", "last_seen_at")  # LedgerEntry's datetimes
_TIME_POSITIONS = [at for at, name in enumerate(_COLUMNS) if name in _TIMES]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _with_times(row: tuple) -> list:
    values = list(row)
    for at in _TIME_POSITIONS:
        if values[at] is not None:
            values[at] = _EPOCH + timedelta(microseconds=values[at])
    return values


def record(con: duckdb.DuckDBPyConnection, entries: list[LedgerEntry]) -> None:
    """Upsert entries in one transaction: the ledger is never half-written. The rows go in as one
    Arrow table (row-by-row `executemany` costs ~20 ms a row: minutes for a large first load)."""
    if not entries:
        return
    ensure_ledger(con)
    columns = {name: [getattr(e, name) for e in entries] for name in _COLUMNS}
    columns["channel"] = [platform_channel(e.channel) for e in entries]
    incoming = pa.table(columns, schema=_ARROW_SCHEMA)  # noqa: F841 (DuckDB reads it by name)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS if c not in ("file_url", "sha256"))
    con.execute("begin transaction")
    try:
        con.execute(
            f"insert into {LEDGER_TABLE} ({', '.join(_COLUMNS)}) "
            f"select {', '.join(_COLUMNS)} from incoming "
            f"on conflict (file_url, sha256) do update set {updates}"
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


_ARROW_SCHEMA = pa.schema(
    [
        ("file_url", pa.string()),
        ("relative_path", pa.string()),
        ("sha256", pa.string()),
        ("size_bytes", pa.int64()),
        ("modified_at", pa.timestamp("us", tz="UTC")),
        ("channel", pa.string()),
        ("kind", pa.string()),
        ("account", pa.string()),
        ("snapshot_date", pa.date32()),
        ("language", pa.string()),
        ("status", pa.string()),
        ("reason", pa.string()),
        ("row_count", pa.int64()),
        ("first_seen_at", pa.timestamp("us", tz="UTC")),
        ("last_seen_at", pa.timestamp("us", tz="UTC")),
    ]
)


def newest_exports(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[date, str]]:
    """Per channel, the newest snapshot any loaded file brought, and that file: how current the
    warehouse can be, whatever ran last night."""
    ensure_ledger(con)
    rows = con.execute(
        f"""
        with loaded as (
            select
                unnest(string_split(channel, '+')) as channel,
                coalesce(snapshot_date, cast(modified_at as date)) as snapshot_date,
                relative_path
            from {LEDGER_TABLE}
            where status = 'loaded' and channel is not null
        )
        select channel, max(snapshot_date), arg_max(relative_path, snapshot_date)
        from loaded
        group by channel
        """
    ).fetchall()
    return {channel: (newest, path) for channel, newest, path in rows}


# The questions other modules ask of the ledger: the ledger's SQL stays in this module.


def loaded_hashes_digest(con: duckdb.DuckDBPyConnection) -> str:
    """Every loaded file's content hash, sorted and comma-joined (what a build is made from)."""
    (listed,) = con.execute(
        f"select coalesce(string_agg(sha256, ',' order by sha256), '') "
        f"from (select distinct sha256 from {LEDGER_TABLE} where status = 'loaded')"
    ).fetchone()
    return listed


def has_table(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """Whether `schema.table` exists yet (a read-only connection cannot create it to ask)."""
    schema, name = table.split(".")
    (found,) = con.execute(
        "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, name],
    ).fetchone()
    return bool(found)


def loaded_hashes(con: duckdb.DuckDBPyConnection) -> set[str]:
    """The content hashes of the loaded files; none before a first load made the ledger."""
    if not has_table(con, LEDGER_TABLE):
        return set()
    return {
        sha for (sha,) in con.execute(f"select sha256 from {LEDGER_TABLE} where status = 'loaded'").fetchall()
    }


def count_loaded(con: duckdb.DuckDBPyConnection) -> int:
    (loaded,) = con.execute(
        f"select count(distinct sha256) from {LEDGER_TABLE} where status = 'loaded'"
    ).fetchone()
    return loaded


def loaded_at_paths(con: duckdb.DuckDBPyConnection, paths: list[str]) -> dict[str, str]:
    """Content hash -> relative path of the loaded files at any of `paths`: paths as `socialkpi
    files` shows them (relative to the exports folder), or the files' URLs or absolute paths."""
    rows = con.execute(
        f"select sha256, min(relative_path) from {LEDGER_TABLE} where status = 'loaded' "
        "and (relative_path in (select unnest($paths)) or file_url in (select unnest($paths)) "
        "or file_url in (select 'file://' || unnest($paths))) group by sha256",
        {"paths": paths},
    ).fetchall()
    return dict(rows)


def loaded_paths_of(con: duckdb.DuckDBPyConnection, hashes: list[str]) -> dict[str, str]:
    """Content hash -> relative path of those of `hashes` that are loaded."""
    rows = con.execute(
        f"select sha256, min(relative_path) from {LEDGER_TABLE} "
        "where sha256 in (select unnest(?)) and status = 'loaded' group by 1",
        [hashes],
    ).fetchall()
    return dict(rows)


def mark_taken_out(con: duckdb.DuckDBPyConnection, reasons: dict[str, str]) -> None:
    """The loaded entries of these files (content hash -> why) become quarantined with that
    reason; in the caller's transaction, with the removal of their rows."""
    for sha, reason in reasons.items():
        con.execute(
            f"update {LEDGER_TABLE} set status = ?, reason = ? where sha256 = ? and status = ?",
            [QUARANTINED, reason, sha, LOADED],
        )


def loaded_row_counts() -> str:
    """A query of (sha256, file, rows_read): each loaded file and the rows its reader read, to
    reconcile with the rows raw holds (pipelines/reconcile.py)."""
    return (
        "select sha256, min(relative_path) as file, max(row_count) as rows_read "
        f"from {LEDGER_TABLE} where status = 'loaded' and row_count is not null group by sha256"
    )
