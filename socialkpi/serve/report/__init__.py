"""`socialkpi report`: one self-contained HTML page for the social-media manager, built from the
published copy (never the warehouse, so it can run while a refresh does)."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from pipelines.settings import Settings
from socialkpi.serve.access import open_published
from socialkpi.serve.report.data import read_report_data
from socialkpi.serve.report.page import render_page
from socialkpi.serve.report.reach import read_reach
from socialkpi.serve.report.reach_page import render_reach


def build_report(settings: Settings, output: Path | None = None, month: date | None = None) -> Path:
    """Write the report to `output` (default `published/report/socialkpi-report.html`) and return
    its path. The file is replaced by a rename, so a browser never opens half a page."""
    target = Path(output) if output else settings.report_html
    with open_published(settings) as con:
        data = read_report_data(con, month)
        reach = read_reach(con)
    html = render_page(data, str(settings.published_marts), datetime.now(), [render_reach(reach)])
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    partial.write_text(html, encoding="utf-8")
    os.replace(partial, target)
    return target
