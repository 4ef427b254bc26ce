"""The README's questions on a published warehouse, as a BI tool asks them: p95 time per question.

Every read query of the README (a ```sql block starting with `select` or `with`) runs on the
published copy through the hardened read-only connection an analyst gets
(socialkpi.serve.access.open_published): one warm-up, then RUNS timed runs, each on a connection
kept open like a BI tool's. Issue 18 sets the budget: p95 under 100 ms per question.

`make bench` runs it on the warehouse the refresh benchmark leaves:
    python -m bench.questions --warehouse .bench/agency/warehouse/socialkpi.duckdb
"""

from __future__ import annotations

import argparse
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from pipelines.settings import load_settings
from socialkpi.serve.access import open_published

README = Path(__file__).resolve().parent.parent / "README.md"
RUNS = 20
BUDGET_MS = 100.0


@dataclass(frozen=True)
class Question:
    section: str
    title: str
    sql: str


def readme_questions(section: str | None = None) -> list[Question]:
    """The README's read queries in order, each titled by the bold words opening a line in the
    few lines before it (the question), else by its section. `section` keeps only those under
    that `## ` heading."""
    text = README.read_text(encoding="utf-8")
    questions = []
    for block in re.finditer(r"```sql\n(.*?)```", text, flags=re.DOTALL):
        sql = block.group(1)
        if not re.match(r"\s*(select|with)\b", sql, flags=re.IGNORECASE):
            continue  # a setting to paste, not a question
        before = text[: block.start()]
        heading = re.findall(r"^## (.+)$", before, flags=re.MULTILINE)[-1]
        lead_in = "\n".join(before[before.rfind("\n## ") :].splitlines()[-12:])
        bold = re.findall(r"^\*\*(.+?)\*\*", lead_in, flags=re.MULTILINE)
        questions.append(Question(heading, bold[-1] if bold else heading, sql))
    return [q for q in questions if section is None or q.section == section]


def percentile_95(timings: list[float]) -> float:
    return statistics.quantiles(timings, n=20, method="inclusive")[-1]


def time_question(con, sql: str) -> tuple[list[float], int]:
    rows = len(con.execute(sql).fetchall())  # warm-up: the first read of each column's blocks
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        con.execute(sql).fetchall()
        timings.append(time.perf_counter() - started)
    return timings, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    settings = load_settings(None, parser.parse_args().warehouse)
    questions = readme_questions()
    print()
    print(f"README questions on {settings.published_marts} ({RUNS} runs each after a warm-up)")
    print(f"| {'question':<58} | {'rows':>5} | {'median ms':>9} | {'p95 ms':>7} | budget")
    print(f"|{'-' * 60}|{'-' * 7}|{'-' * 11}|{'-' * 9}|{'-' * 20}")
    missed = 0
    with open_published(settings) as con:
        for question in questions:
            timings, rows = time_question(con, question.sql)
            p95 = 1000 * percentile_95(timings)
            verdict = "met" if p95 < BUDGET_MS else "MISSED"
            missed += p95 >= BUDGET_MS
            median = 1000 * statistics.median(timings)
            title = question.title[:58]
            print(f"| {title:<58} | {rows:>5} | {median:9.1f} | {p95:7.1f} | < {BUDGET_MS:g} ms {verdict}")
    print(f"{len(questions) - missed} of {len(questions)} questions within the p95 budget")


if __name__ == "__main__":
    main()
