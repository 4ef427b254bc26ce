"""Named points of a refresh where a crash test stops the process on purpose.

`SOCIALKPI_TEST_PAUSE_AT=<point>` makes the run say `paused at <point>` on stderr and sleep, so a
test can SIGKILL it exactly there (tests/test_crash_safety.py). Without the variable, a
checkpoint does nothing. Points: `extract` (half the files read), `dlt-load` (a channel's rows
extracted and normalised by dlt, not yet loaded), `ledger` (rows landed, ledger not yet written),
`build` (dbt three nodes into the build), `publish` (new copy written, not yet swapped in),
`swap` (previous copy kept, new copy not yet renamed over the published one).
"""

from __future__ import annotations

import os
import sys
import time

PAUSE_ENV = "SOCIALKPI_TEST_PAUSE_AT"
POINTS = ("extract", "dlt-load", "ledger", "build", "publish", "swap")


def reached(point: str) -> None:
    if os.environ.get(PAUSE_ENV) == point:
        print(f"paused at {point}", file=sys.stderr, flush=True)
        time.sleep(3600)
