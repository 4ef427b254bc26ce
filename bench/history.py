"""`make bench` (history): does one more day cost more when the warehouse holds more years?

For each history length (1, 5 and 10 years of the `cern` scale's weekly downloads, each ending
the day before the scale's last download day), in its own folder:

1. write that history's exports and refresh from an empty warehouse (not timed here: the full
   refresh is bench/run.py's);
2. add the last download day's exports and time `socialkpi refresh` (wall, CPU, peak memory).

and prints the one-day times side by side, each as a ratio of the 1-year one. The issue's target:
at most 1.2x from 1 to 10 years (the nightly cost follows the new data, not the history).
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from datetime import timedelta
from pathlib import Path

from bench.run import REPO, Measured, refresh
from socialkpi.demo.scale import SCALES, last_download_day, write_scale_exports

YEARS = (1, 5, 10)
SCALE = "cern"


def one_day_after(years: int, root: Path) -> tuple[int, Measured]:
    """Files of `years` of history, and the measured refresh that adds the last day to them."""
    exports, warehouse = root / "exports", root / "warehouse" / "socialkpi.duckdb"
    shutil.rmtree(root, ignore_errors=True)
    last = last_download_day(SCALE)
    first = max(SCALES[SCALE].first, last - timedelta(weeks=52 * years))
    files = len(write_scale_exports(exports, SCALE, (first, last)))
    refresh(exports, warehouse, f"{years} years: full refresh")
    added = len(write_scale_exports(exports, SCALE, (last, None)))
    return files, refresh(exports, warehouse, f"{years} years: one more day ({added} files)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=REPO / ".bench" / "history")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    runs = [(years, *one_day_after(years, args.workdir / f"{years}y")) for years in YEARS]
    load_after = os.getloadavg()[0]
    print()
    print(
        f"one more day against the history held ({SCALE}, {os.cpu_count()} cores, load average "
        f"{load_before:.1f} -> {load_after:.1f}, {time.monotonic() - started:.0f} s in all)"
    )
    print(
        f"| {'history':<8} | {'files':>6} | {'wall s':>7} | {'CPU s':>7} | {'peak MB':>8} | ratio to 1 year"
    )
    print(f"|{'-' * 10}|{'-' * 8}|{'-' * 9}|{'-' * 9}|{'-' * 10}|{'-' * 30}")
    first_wall = runs[0][2].wall_s
    for years, files, day in runs:
        ratio = f"{day.wall_s / first_wall:.2f}x" + (" (target <= 1.20x)" if years == YEARS[-1] else "")
        figures = f"{day.wall_s:7.1f} | {day.cpu_s:7.1f} | {day.peak_mb:8.0f}"
        print(f"| {years:>2} years | {files:>6} | {figures} | {ratio}")


if __name__ == "__main__":
    main()
