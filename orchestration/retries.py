"""Which failures Dagster retries by itself, and which wait for a person.

A held DuckDB file lock is transient: someone has the warehouse open in a DuckDB shell, or a
manual `socialkpi refresh` is writing. Those steps are retried with backoff. A data error (a
failed dbt test, raw rows that do not reconcile, a missing exports folder, a copy that does not
match) fails the same way on every retry, and so does a bug: they stop at once, and the alert
says what to fix. One data error is the exception: a blocking dbt check whose failing rows all
come from a few files quarantines those files and the dbt step runs again without them
(orchestration/transform.py, socialkpi/build/isolation.py), so a poison file fails only itself.
Crashed run workers (killed, out of memory) are retried whole by the instance (`run_retries` in
orchestration/dagster.yaml).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from pipelines.warehouse import is_lock_conflict

# 15, 30, 60, 120 s (each +/- up to 100% jitter): about four minutes for a DuckDB shell or an
# overlapping manual run to let go of the file before the run fails and the alert goes out.
WAREHOUSE_LOCK_RETRY = dg.RetryPolicy(
    max_retries=4, delay=15, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


class WarehouseLocked(Exception):
    """Another process holds the warehouse file; retried by WAREHOUSE_LOCK_RETRY."""


def is_lock_error(error: BaseException | str) -> bool:
    """True when this error, or one it was raised from (dlt and dbt wrap DuckDB's), is DuckDB
    refusing a held file lock (pipelines/warehouse.py knows its words)."""
    seen: set[int] = set()
    current: BaseException | str | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if is_lock_conflict(current):
            return True
        if isinstance(current, str):
            return False
        current = current.__cause__ or current.__context__
    return False


def first_line(error: BaseException | str) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def only_a_held_lock_is_retried(step: str) -> Iterator[None]:
    """Run a step: a held lock raises WarehouseLocked (retried with backoff); any other error
    becomes a Failure that is never retried, worded for the person who has to act. A data error
    fails the same way every time, and so does a bug: retrying them would only delay the alert."""
    try:
        yield
    except (dg.Failure, WarehouseLocked, dg.RetryRequested):  # the step decided already
        raise
    except Exception as error:
        if is_lock_error(error):
            raise WarehouseLocked(
                f"{step}: the warehouse is locked by another process: {first_line(error)}"
            ) from error
        line = first_line(error)
        # A step's own failure already names the step (the build's "dbt build failed: ..."):
        # worded once, where it was raised.
        described = line if line.startswith(step) else f"{step} failed ({type(error).__name__}): {line}"
        raise dg.Failure(description=described, allow_retries=False) from error
