"""How much one export file may make the reader hold, whatever its bytes claim. Real platform
exports are small (a YouTube ZIP holds 3 CSVs of a few hundred rows; a year of LinkedIn daily
metrics is ~10,000 cells), so these bounds sit far above any real download and far below what
takes a 2-core, few-GB machine down. A file past a bound is quarantined, its reason naming the
setting, and the other files load.

Each bound is an environment variable (a plain integer); unset or unreadable means the default.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

MAX_ZIP_MEMBERS_ENV = "SOCIALKPI_MAX_ZIP_MEMBERS"
MAX_INFLATED_BYTES_ENV = "SOCIALKPI_MAX_INFLATED_BYTES"
MAX_COMPRESSION_RATIO_ENV = "SOCIALKPI_MAX_COMPRESSION_RATIO"
MAX_SHEET_CELLS_ENV = "SOCIALKPI_MAX_SHEET_CELLS"

# A reader holds a member's bytes, its decoded text and its Arrow table at once (~4x the bytes):
# 256 MiB keeps one file's peak near 1 GB.
DEFAULT_MAX_INFLATED_BYTES = 256 * 2**20
# Platform downloads hold a handful of files; thousands are a folder zipped by hand (or a bomb).
DEFAULT_MAX_ZIP_MEMBERS = 100
# Real CSVs deflate 5-20x; a ratio past this on a member over RATIO_FLOOR_BYTES is padding or a
# bomb (runs of one byte deflate ~1000x).
DEFAULT_MAX_COMPRESSION_RATIO = 200
RATIO_FLOOR_BYTES = 2**20
# calamine holds every cell of a sheet's bounding box (32 bytes each), and the rows become Python
# objects after that: 2 million cells is ~0.3 GB at the peak, 200x a year of LinkedIn metrics.
DEFAULT_MAX_SHEET_CELLS = 2_000_000


@dataclass(frozen=True)
class Limit:
    """One bound: its setting's name and value, and how the reason names it."""

    env: str
    value: int

    def named(self) -> str:
        return f"{self.env}={self.value}"


def _setting(env: str, default: int) -> Limit:
    raw = os.environ.get(env, "").strip().replace("_", "")
    try:
        value = int(raw) if raw else default
    except ValueError:
        value = default
    return Limit(env, value if value > 0 else default)


def max_zip_members() -> Limit:
    return _setting(MAX_ZIP_MEMBERS_ENV, DEFAULT_MAX_ZIP_MEMBERS)


def max_inflated_bytes() -> Limit:
    return _setting(MAX_INFLATED_BYTES_ENV, DEFAULT_MAX_INFLATED_BYTES)


def max_compression_ratio() -> Limit:
    return _setting(MAX_COMPRESSION_RATIO_ENV, DEFAULT_MAX_COMPRESSION_RATIO)


def max_sheet_cells() -> Limit:
    return _setting(MAX_SHEET_CELLS_ENV, DEFAULT_MAX_SHEET_CELLS)
