"""One line on stderr for a run that failed or was stopped, whatever raised it.

A failure deep in dlt or dbt reaches the CLI wrapped: dlt's PipelineStepFailed says "... with
exception:" on its first line and keeps the real error in `.exception`; a full disk surfaces as
whichever write hit it first (DuckDB, dlt's load package, a Parquet file). The line is made from
the whole chain of causes, so a full disk and a signal read the same wherever they struck.
"""

from __future__ import annotations

import errno
import os
import re
import signal
import threading
from collections.abc import Iterator

# DuckDB's wording (an IOException, no errno): `Could not write file "<path>": No space left on device`.
_NO_SPACE = re.compile(r'(?:"(?P<file>[^"]+)"\S*\s*)?(?:No space left on device|Disk quota exceeded)')


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler stopping the job, a container shutting down), raised in the main thread
    like SIGINT's KeyboardInterrupt, so every `finally` and context manager on the way out runs
    (the writer lock, the half-built publish folder) and the user gets one line, not a traceback."""

    def __init__(self, signal_code: int = signal.SIGTERM) -> None:
        self.signal_code = signal_code
        super().__init__(f"received {signal.Signals(signal_code).name}")


# The signals that arrived, in order. DuckDB turns the exception a handler raises during a query
# into a RuntimeError ("Interrupted"), which code that handles a query's errors may take for a
# failed query and go on: raise_if_signalled ends the run at the next step all the same.
_received: list[int] = []


def _raise_terminated(signal_code: int, _frame) -> None:
    _received.append(signal_code)
    raise Terminated(signal_code)


def raise_on_signals() -> None:
    """SIGINT and SIGTERM raise Terminated from now on (Python's default for SIGTERM would end the
    process on the spot, with no cleanup), and are remembered. Only the main thread may install a
    handler; elsewhere this does nothing."""
    if threading.current_thread() is threading.main_thread():
        for received in (signal.SIGINT, signal.SIGTERM):
            signal.signal(received, _raise_terminated)


def raise_if_signalled() -> None:
    """Between two steps: a signal whose exception something swallowed still stops the run, before
    the next step (a publish) starts."""
    if _received:
        raise Terminated(_received.pop(0))


def quiet_dlt_logs() -> None:
    """dlt logs every retry of a failed load job with its traceback (a full disk printed twenty);
    the run's failure line already says what went wrong, with its cause. dlt's log is shown again
    with SOCIALKPI_DEBUG=1, or RUNTIME__LOG_LEVEL=WARNING (dlt's own setting, left as set)."""
    if not os.environ.get("SOCIALKPI_DEBUG"):
        os.environ.setdefault("RUNTIME__LOG_LEVEL", "CRITICAL")


def causes(error: BaseException) -> Iterator[BaseException]:
    """The error, then what it was raised from or while handling, and the error a wrapper holds
    (dlt keeps a failed step's error in `.exception`), outermost first, each once."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        held = getattr(current, "exception", None)
        pending += [e for e in (current.__cause__, current.__context__, held) if isinstance(e, BaseException)]


def first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0].strip() if text else ""


def stopped_by(error: BaseException) -> str | None:
    """The signal's name when a signal stopped the run: SIGINT (Ctrl-C), SIGTERM (Terminated, or
    dlt's SignalReceivedException, which derives from KeyboardInterrupt and carries the number)."""
    for cause in causes(error):
        if isinstance(cause, KeyboardInterrupt):
            code = getattr(cause, "signal_code", signal.SIGINT)
            try:
                return signal.Signals(code).name
            except ValueError:
                return f"signal {code}"
    return None


def disk_full(error: BaseException) -> OSError | None:
    """The write that found no space left (ENOSPC), anywhere in the chain. DuckDB reports it as an
    IOException without an errno; its message carries the C library's wording."""
    for cause in causes(error):
        if isinstance(cause, OSError) and cause.errno in (errno.ENOSPC, errno.EDQUOT):
            return cause
        named = _NO_SPACE.search(str(cause))
        if named:
            return OSError(errno.ENOSPC, named.group(0), named.group("file"))
    return None


def failure_line(error: BaseException, known: tuple[type[BaseException], ...]) -> str:
    """What went wrong, on one line: a signal, a full disk, or the error's own first line (the
    errors in `known` speak for themselves; others are prefixed with their type). A first line
    that only announces the error ("... with exception:") is followed by the innermost cause's."""
    signal_name = stopped_by(error)
    if signal_name:
        return f"stopped by {signal_name} before the run finished; run it again to complete it"
    full = disk_full(error)
    if full is not None:
        where = f" (writing {full.filename})" if full.filename else ""
        return f"the disk is full{where}: free space on it and run again"
    reason = first_line(error) or type(error).__name__
    if reason.endswith(":"):
        inner = [first_line(c) or type(c).__name__ for c in causes(error)][1:]
        reason = f"{reason} {inner[-1]}" if inner else reason.rstrip(":")
    return reason if isinstance(error, known) else f"{type(error).__name__}: {reason}"
