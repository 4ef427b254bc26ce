"""How far a long step is (files read of the total, dbt nodes done of the total), said at most
every few seconds: a first load of 5,000 files, or a build of 180 nodes, writes a line every
couple of seconds to a log, not one per file. The last count is always said, so a log ends with
what was done."""

from __future__ import annotations

import time
from collections.abc import Callable

Say = Callable[[str], None]
EVERY_SECONDS = 2.0


class Counted:
    """Says `<what> <done>/<total> <unit>` (`read 120/5390 files`, `dbt 40/93 nodes`) when
    EVERY_SECONDS passed since it last spoke, and when the count reaches the total."""

    def __init__(self, say: Say, what: str, unit: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._say, self._what, self._unit, self._clock = say, what, unit, clock
        self._last_said: float | None = None

    def __call__(self, done: int, total: int) -> None:
        now = self._clock()
        due = self._last_said is None or now - self._last_said >= EVERY_SECONDS
        if done >= total or due:
            self._say(f"{self._what} {done}/{total} {self._unit}")
            self._last_said = now
