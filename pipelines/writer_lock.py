"""One writer at a time on a warehouse.

Two refreshes at once on one warehouse each landed the same files (raw held every row twice, the
ledger once), and DuckDB's own file lock does not prevent it: each step opens and closes the file,
so two runs interleave between steps. Every command that writes takes this lock for its whole run:
an exclusive `flock` on `<warehouse>.lock` beside the warehouse, which the kernel releases when
the process ends, however it ends (no stale lock to clean up after a kill). The file records who
holds it (pid, command, start time), so a second writer can say whom it waits for.

A second writer exits at once by default (a nightly run and a manual one should not queue up
unseen); `SOCIALKPI_WRITER_WAIT_SECONDS` makes it wait that long for the lock first.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

WAIT_ENV = "SOCIALKPI_WRITER_WAIT_SECONDS"
_POLL_SECONDS = 0.5
# Paths this process holds: a command that runs another writing step inside its own lock (a
# refresh's load, build and publish) must not wait for itself (flock is per open file, so a second
# open of the same lock file in one process would block on the first).
_held: dict[Path, int] = {}


class WarehouseBusy(Exception):
    """Another process is writing this warehouse; the message names it."""


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


@contextmanager
def writing(warehouse: Path, command: str) -> Iterator[None]:
    """Hold the warehouse's writer lock for the block, or raise WarehouseBusy naming the holder."""
    path = lock_path(Path(warehouse).absolute())
    if path in _held:
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # not inherited by dbt or other children
    try:
        _acquire(fd, path, _wait_seconds())
        os.ftruncate(fd, 0)
        started = datetime.now(UTC).isoformat(timespec="seconds")
        os.pwrite(fd, f"pid {os.getpid()}, `{command}`, started {started}\n".encode(), 0)
        _held[path] = fd
        try:
            yield
        finally:
            del _held[path]
            os.ftruncate(fd, 0)  # no holder written while nobody holds it
    finally:
        os.close(fd)  # releases the lock


def _acquire(fd: int, path: Path, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise WarehouseBusy(_busy(path, wait_seconds)) from None
            time.sleep(_POLL_SECONDS)


def holder(path: Path) -> str:
    """Who holds the lock, as its holder wrote it."""
    try:
        return path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""


def _busy(path: Path, wait_seconds: float) -> str:
    waited = f" after waiting {wait_seconds:g} s" if wait_seconds else ""
    return (
        f"another socialkpi command is writing this warehouse ({holder(path) or 'holder unknown'}; "
        f"lock {path}){waited}: run again when it has finished, or set {WAIT_ENV} to wait for it"
    )


def _wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(WAIT_ENV, "0") or 0))
    except ValueError:
        return 0.0
