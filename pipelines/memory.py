"""How much memory DuckDB may use in the steps that move all of history: landing, the dbt build
and the publish. Left alone, DuckDB takes up to 80% of the machine's memory and keeps what it
took, and a refresh of the agency scale grew past 3 GB; above this limit DuckDB spills to disk
instead. `SOCIALKPI_DUCKDB_MEMORY_LIMIT` (DuckDB's units: 512MB, 2GB) changes it; dbt gets the limit
its build may use (below) as SOCIALKPI_DBT_MEMORY_LIMIT (dbt_project/profiles.yml).

The dbt build runs models side by side (dbt threads) in one DuckDB, under that one limit. On a
build from scratch, four staging models at once, each reading a whole raw table, ran out of
memory under 1GB at the agency scale (a window over a whole table cannot always spill), so dbt
runs as many models at once as the limit gives MEMORY_PER_MODEL each, within the machine's
cores: 2 under the default 1GB, and under the ~870MB the cap leaves a small refresh. (An
incremental night at cern takes as long with 2 as with 4: 10.4 s of dbt either way; with 1, the
test suite's refreshes took 10 to 25 % longer.) `SOCIALKPI_DBT_THREADS` sets the number outright.
400MB is an estimate: models that run out of memory side by side are built again one at a time
(socialkpi/build/dbt_runner.py).

DuckDB's limit alone did not bound a refresh: at the agency scale the process already held ~630 MB
of its own (Python, dbt, dlt, what the load left) when the build began, and the build's DuckDB
took its 1GB and ~200 MB more outside it, a peak of 1.85 GB. So the whole process has a cap,
`SOCIALKPI_MEMORY_CAP` (default 1.5GB, `none` for no cap): each DuckDB opened during a refresh
(landing, the build, the publish) gets the configured limit, lowered when what the process holds
at that moment, plus the limit, plus what DuckDB allocates beyond it would pass the cap. DuckDB
then spills to disk sooner; dbt runs fewer models at once under a lower limit."""

from __future__ import annotations

import os
import re
from pathlib import Path

MEMORY_LIMIT_ENV = "SOCIALKPI_DUCKDB_MEMORY_LIMIT"
DEFAULT_MEMORY_LIMIT = "1GB"
DBT_MEMORY_LIMIT_ENV = "SOCIALKPI_DBT_MEMORY_LIMIT"  # set by socialkpi for each dbt run
MEMORY_CAP_ENV = "SOCIALKPI_MEMORY_CAP"
DEFAULT_MEMORY_CAP = "1.5GB"
NO_CAP = "none"
# What a process holds beyond DuckDB's limit while DuckDB works: DuckDB's allocations outside its
# buffer manager (hash tables being built, Arrow results) and Python's own growth. Measured on the
# agency build: a fresh dbt process peaked OUTSIDE_DUCKDB_LIMIT above what it held plus the limit.
OUTSIDE_DUCKDB_LIMIT = 300 * 10**6
# Below this DuckDB cannot build the widest marts, cap or not: a process that already holds
# nearly the whole cap gets it anyway, and passes the cap by what DuckDB then takes.
LEAST_DUCKDB_LIMIT = 256 * 10**6


def configured_memory_limit() -> str:
    """SOCIALKPI_DUCKDB_MEMORY_LIMIT as the user set it (DuckDB's units), or the default."""
    return os.environ.get(MEMORY_LIMIT_ENV) or DEFAULT_MEMORY_LIMIT


def duckdb_memory_limit() -> str:
    """The limit for a DuckDB opened now: the configured one, or less when what this process holds
    now, plus the limit, plus what DuckDB allocates beyond it would pass SOCIALKPI_MEMORY_CAP."""
    configured = configured_memory_limit()
    cap, held, wanted = memory_cap_bytes(), resident_bytes(), memory_limit_bytes(configured)
    if cap is None or held is None or wanted is None:
        return configured
    room = max(LEAST_DUCKDB_LIMIT, cap - held - OUTSIDE_DUCKDB_LIMIT)
    return configured if room >= wanted else f"{room // 10**6}MB"


def lowered_by_the_cap() -> str:
    """Why a DuckDB gets less than the configured limit, in the user's terms."""
    held = (resident_bytes() or 0) // 10**6
    configured = f"{MEMORY_LIMIT_ENV}={configured_memory_limit()}"
    return (
        f"not {configured}: the process already holds {held}MB of {MEMORY_CAP_ENV}={configured_memory_cap()}"
    )


def configured_memory_cap() -> str:
    """SOCIALKPI_MEMORY_CAP as the user set it, or the default."""
    return (os.environ.get(MEMORY_CAP_ENV) or DEFAULT_MEMORY_CAP).strip()


def memory_cap_bytes() -> int | None:
    """SOCIALKPI_MEMORY_CAP in bytes; None for `none`."""
    raw = configured_memory_cap()
    if raw.lower() == NO_CAP:
        return None
    cap = memory_limit_bytes(raw)
    if cap is None:
        raise ValueError(
            f"{MEMORY_CAP_ENV}={raw!r}: give bytes in DuckDB's units (1.5GB, 1536MiB) or {NO_CAP!r}"
        )
    return cap


def resident_bytes() -> int | None:
    """What this process holds in memory now (its resident set); None where /proc does not say."""
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE")


DBT_THREADS_ENV = "SOCIALKPI_DBT_THREADS"
MEMORY_PER_MODEL = 400 * 10**6  # DuckDB's 400MB
_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12}
_UNITS |= {"kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def memory_limit_bytes(limit: str) -> int | None:
    """DuckDB's memory_limit text in bytes (DuckDB reads MB and GB as powers of ten, MiB and GiB
    as powers of two); None for what it does not say in bytes (a percentage)."""
    found = re.fullmatch(r"\s*([0-9.]+)\s*([a-zA-Z]*)\s*", limit)
    if not found or found.group(2).lower() not in _UNITS:
        return None
    return int(float(found.group(1)) * _UNITS[found.group(2).lower()])


def dbt_threads(memory_limit: str) -> int:
    """How many models dbt builds at once: SOCIALKPI_DBT_THREADS, else one per MEMORY_PER_MODEL
    of the build's memory limit, at least 1 and at most the machine's cores."""
    raw = os.environ.get(DBT_THREADS_ENV, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    limit = memory_limit_bytes(memory_limit)
    cores = os.cpu_count() or 1
    return max(1, min(cores, (limit or cores * MEMORY_PER_MODEL) // MEMORY_PER_MODEL))


def release_freed_memory() -> None:
    """Hand the memory the load freed back to the system before the build. Python and Arrow free
    the read files' rows into their allocators, which keep the pages for reuse: at the agency
    scale the process still held ~630 MB after the load, and the dbt build on top of it (DuckDB up
    to its limit) peaked at 1.85 GB, against 1.47 GB for the same build in a fresh process. This
    took the agency full refresh's peak from 1,876 MB to 1,756 MB (`make bench SCALE=agency`);
    the rest is what the process keeps alive (dbt, dlt, the load's report)."""
    import ctypes
    import gc

    gc.collect()
    try:
        import pyarrow

        pyarrow.default_memory_pool().release_unused()
    except ImportError:  # pragma: no cover - pyarrow comes with dlt
        pass
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc: return the free pages of every arena
    except (OSError, AttributeError):  # another C library: its allocator keeps them
        pass
