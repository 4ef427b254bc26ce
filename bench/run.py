"""`make bench [SCALE=cern|agency]`: how fast socialkpi refreshes a scale demo, against DuckDB alone.

Writes the scale's exports except its last download day, then measures, each as its own process
(wall time, CPU time of the process and its children, peak memory of the process tree):

1. `socialkpi refresh` from an empty warehouse;
2. `socialkpi refresh` again, with no new files;
3. `socialkpi refresh` after the last day's exports are added;
4. the baseline (bench/baseline.py): DuckDB alone reading the same files as (1) into one table
   per kind, plus the latest snapshot of every post.

and prints one table with the ratios the issue sets targets for: (1) / baseline, (2) / (1),
(3) / (1). Timings depend on what else the machine runs: the table says how busy it was.

`--engine spark` also runs (1), (2) and (3) on the Spark engine (SOCIALKPI_ENGINE=spark, a lake
beside the warehouse), each right after the DuckDB one on the same files, and prints each Spark
run beside the DuckDB one with their ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil

from socialkpi.demo.scale import SCALES, last_download_day, write_scale_exports

REPO = Path(__file__).resolve().parent.parent
SOCIALKPI = str(Path(sys.executable).parent / "socialkpi")


@dataclass(frozen=True)
class Measured:
    name: str
    wall_s: float
    cpu_s: float
    peak_mb: float
    returncode: int
    output: str
    # The peak resident memory (MB) seen during each step, a step being the last progress line the
    # command printed with its numbers blanked ("… read #/# new or changed files").
    peak_by_step: dict[str, float]

    def steps_at_peak(self, count: int = 3) -> list[tuple[str, float]]:
        return sorted(self.peak_by_step.items(), key=lambda item: -item[1])[:count]


def step_of(line: str) -> str:
    """A progress line as a step: numbers blanked, so each file count or row count is one step."""
    return re.sub(r"\d+", "#", line.strip())[:90] or "(starting)"


def measure(name: str, command: list[str], environment: dict[str, str] | None = None) -> Measured:
    """Run `command`; its CPU time from the kernel's accounting of waited-for children, its peak
    memory by sampling the resident memory of it and its children every 50 ms, and which step
    (the last line it printed) each sample fell in."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    env = os.environ | (environment or {})
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    peak_by_step: dict[str, int] = {}
    step = "(starting)"
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            try:
                tree = [process, *process.children(recursive=True)]
                resident = sum(p.memory_info().rss for p in tree)
                peak_by_step[step] = max(peak_by_step.get(step, 0), resident)
            except psutil.Error:
                pass
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    lines = []
    for line in process.stdout:
        lines.append(line)
        step = step_of(line)
    process.wait()
    wall = time.monotonic() - started
    done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    peak = max(peak_by_step.values(), default=0)
    by_step = {step: resident / 2**20 for step, resident in peak_by_step.items()}
    return Measured(name, wall, cpu, peak / 2**20, process.returncode, "".join(lines), by_step)


def refresh(exports: Path, warehouse: Path, name: str, lake: Path | None = None) -> Measured:
    """One `socialkpi refresh` (on Spark, with a lake); what it said is kept beside the warehouse
    (`<run>.log`)."""
    command = [SOCIALKPI, "refresh", "--exports", str(exports), "--warehouse", str(warehouse)]
    environment = {"SOCIALKPI_ENGINE": "spark", "SOCIALKPI_LAKE": str(lake)} if lake else {}
    result = measure(name, command, environment)
    log = warehouse.parent / f"{name.split(' (')[0].replace(' ', '_').replace(',', '')}.log"
    log.write_text(result.output)
    if result.returncode != 0:
        raise SystemExit(f"{name} failed ({result.returncode}):\n{result.output[-3000:]}")
    return result


def write_history(scale: str, exports: Path) -> int:
    """The scale's exports up to (not including) its last download day, once per workdir."""
    stamp = exports / ".written"
    if stamp.exists():
        return sum(1 for p in exports.rglob("*") if p.is_file() and not p.name.startswith("."))
    shutil.rmtree(exports, ignore_errors=True)
    written = len(write_scale_exports(exports, scale, (None, last_download_day(scale))))
    stamp.write_text(str(written))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="cern")
    parser.add_argument("--workdir", type=Path, default=REPO / ".bench")
    parser.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
    args = parser.parse_args()
    root = args.workdir / args.scale
    exports, warehouse = root / "exports", root / "warehouse" / "socialkpi.duckdb"
    started = time.monotonic()
    history = write_history(args.scale, exports)
    print(f"{args.scale}: {history} export files written in {time.monotonic() - started:.0f} s", flush=True)

    shutil.rmtree(warehouse.parent, ignore_errors=True)
    # On Spark too: its own warehouse file (the ledger) and lake, the same exports.
    spark_warehouse, lake = root / "spark" / "warehouse" / "socialkpi.duckdb", root / "spark" / "lake"
    shutil.rmtree(root / "spark", ignore_errors=True)
    on_spark = args.engine == "spark"
    spark_runs: list[Measured] = []

    def both(name: str) -> Measured:
        measured = refresh(exports, warehouse, name)
        if on_spark:
            spark_runs.append(refresh(exports, spark_warehouse, f"Spark: {name}", lake))
        return measured

    load_before = os.getloadavg()[0]
    full = both("full refresh from empty")
    again = both("refresh, no new files")
    day = last_download_day(args.scale)
    added = len(write_scale_exports(exports, args.scale, (day, None)))
    one_day = both(f"refresh after one more day ({added} files)")
    (exports / ".written").unlink()  # the folder now holds the last day too: rewrite next time

    database = root / "baseline.duckdb"
    database.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.baseline", str(exports), str(database)]
    baseline = measure("baseline: DuckDB alone", command)
    load_after = os.getloadavg()[0]
    print_table(args.scale, history, [full, again, one_day, baseline], (load_before, load_after))
    if on_spark:
        print_engines(args.scale, [full, again, one_day], spark_runs)


# Issue 18's targets per scale: full refresh against the baseline, and no new files and one
# more day as shares of the full refresh.
TARGETS = {
    "cern": {"full": 2.0, "again": 3.0, "one_day": 15.0},
    "agency": {"full": 3.0, "again": 1.0, "one_day": 5.0},
}


def print_table(scale: str, files: int, runs: list[Measured], load: tuple[float, float]) -> None:
    full, again, one_day, baseline = runs
    target = TARGETS[scale]
    ratios = {
        full.name: f"{full.wall_s / baseline.wall_s:.2f}x baseline (target <= {target['full']:g}x)",
        again.name: f"{100 * again.wall_s / full.wall_s:.1f}% of full (target <= {target['again']:g}%)",
        one_day.name: f"{100 * one_day.wall_s / full.wall_s:.1f}% of full (target <= {target['one_day']:g}%)",
        baseline.name: "1.00x",
    }
    print()
    cores = os.cpu_count()
    print(
        f"scale {scale}: {files} files of history, {cores} cores, load average {load[0]:.1f} -> {load[1]:.1f}"
    )
    print(f"| {'run':<42} | {'wall s':>8} | {'CPU s':>8} | {'peak MB':>8} | ratio")
    print(f"|{'-' * 44}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 40}")
    for run in runs:
        figures = f"{run.wall_s:8.1f} | {run.cpu_s:8.1f} | {run.peak_mb:8.0f}"
        print(f"| {run.name:<42} | {figures} | {ratios[run.name]}")
    print_peak_steps(runs)


def print_peak_steps(runs: list[Measured]) -> None:
    """Where each run's memory peaked: the three steps with the highest resident memory."""
    print()
    print("peak memory by step (the progress line printed last before the sample)")
    for run in runs:
        steps = "; ".join(f"{mb:.0f} MB {step}" for step, mb in run.steps_at_peak())
        print(f"- {run.name}: {steps}")


def print_engines(scale: str, duckdb_runs: list[Measured], spark_runs: list[Measured]) -> None:
    """Each refresh on Spark beside the same refresh on DuckDB (Spark's wall time / DuckDB's)."""
    print()
    print(f"scale {scale}: the Spark engine (local[2], one machine) beside DuckDB")
    print(f"| {'run':<42} | {'DuckDB s':>8} | {'Spark s':>8} | {'Spark MB':>8} | Spark / DuckDB")
    print(f"|{'-' * 44}|{'-' * 10}|{'-' * 10}|{'-' * 10}|{'-' * 16}")
    for on_duckdb, on_spark in zip(duckdb_runs, spark_runs, strict=True):
        figures = f"{on_duckdb.wall_s:8.1f} | {on_spark.wall_s:8.1f} | {on_spark.peak_mb:8.0f}"
        print(f"| {on_duckdb.name:<42} | {figures} | {on_spark.wall_s / on_duckdb.wall_s:.2f}x")


if __name__ == "__main__":
    main()
