"""Deterministic demo exports in the platforms' exact formats (`socialkpi demo`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from socialkpi.demo import linkedin, meta, twitter, youtube
from socialkpi.demo.twitter import DemoFile

# `small`: the default demo, a few months of every platform (the tests use it). `cern` and
# `agency`: years of weekly downloads, for the benchmark (demo/scale.py).
SCALES = ("small", "cern", "agency")
# Each channel's demo files, with paths relative to the channel's folder under the exports folder.
CHANNELS: tuple[tuple[str, Callable[[], list[DemoFile]]], ...] = (
    ("twitter", twitter.demo_files),
    ("facebook", meta.facebook_files),
    ("instagram", meta.instagram_files),
    ("linkedin", linkedin.demo_files),
    ("youtube", youtube.demo_files),
)


def write_demo_exports(folder: Path, scale: str = "small") -> list[Path]:
    """Write every demo export under `folder/<channel>/`, with the modification time of its
    download day (exports without a date in their name take their snapshot date from it)."""
    if scale not in SCALES:
        raise ValueError(f"unknown demo scale {scale!r}; known: {', '.join(SCALES)}")
    if scale != "small":
        from socialkpi.demo.scale import write_scale_exports

        return write_scale_exports(folder, scale)
    return [
        _write(folder / channel / demo_file.path, demo_file)
        for channel, demo_files in CHANNELS
        for demo_file in demo_files()
    ]


def _write(path: Path, demo_file: DemoFile) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != demo_file.content:
        path.write_bytes(demo_file.content)
    stamp = demo_file.downloaded_at.timestamp()
    os.utime(path, (stamp, stamp))
    return path
