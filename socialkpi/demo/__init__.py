"""Deterministic demo exports in the platforms' exact formats (`socialkpi demo`)."""

from __future__ import annotations

import os
from pathlib import Path

from socialkpi.demo import twitter

SCALES = ("cern",)


def write_demo_exports(folder: Path, scale: str = "cern") -> list[Path]:
    """Write every demo export under `folder`, with the modification time of its download day
    (exports without a date in their name take their snapshot date from it)."""
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; known: {', '.join(SCALES)}")
    written = []
    for demo_file in twitter.demo_files():
        path = folder / "twitter" / demo_file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_bytes() != demo_file.content:
            path.write_bytes(demo_file.content)
        stamp = demo_file.downloaded_at.timestamp()
        os.utime(path, (stamp, stamp))
        written.append(path)
    return written
