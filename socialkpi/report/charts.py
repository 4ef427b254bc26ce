"""Charts as inline SVG, written here: the report opens with no network and runs no script.

Every chart is one `<svg class="chart" data-chart="...">`; every drawn data point (bar, dot,
cell) has class `mark` and a `<title>` that the browser shows on hover.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7f7f7f", "#000000")
TEXT, GRID, MUTED = "#1f2933", "#e4e7eb", "#7b8794"
Format = Callable[[float], str]
# A permalink is a link only when it is a web address: a `javascript:` or `data:` URL in an export
# file would run in the reader's browser on a click. Whitespace or control characters anywhere
# are refused too: browsers drop them from a scheme (`java\tscript:`).
_WEB_ADDRESS = re.compile(r"https?://[^\s\x00-\x1f\x7f]+", re.IGNORECASE)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]  # one per x label; None leaves a gap
    color: str


@dataclass(frozen=True)
class BarRow:
    label: str
    value: float
    detail: str = ""
    href: str | None = None
    color: str = PALETTE[0]


def _svg(chart_id: str, width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" data-chart="{escape(chart_id)}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="12" fill="{TEXT}">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, content: str, anchor: str = "start", **attributes: str) -> str:
    extra = "".join(f' {key.replace("_", "-")}="{value}"' for key, value in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(content)}</text>'


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (axis tops)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def _y_axis(top: float, bottom: float, left: float, right: float, y_max: float, fmt: Format) -> list[str]:
    parts = []
    for tick in range(5):
        value = y_max * tick / 4
        y = bottom - (bottom - top) * tick / 4
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        parts.append(_text(left - 6, y + 4, fmt(value), "end", fill=MUTED))
    return parts


def line_chart(
    chart_id: str, label: str, x_labels: Sequence[str], series: Sequence[Series], fmt: Format
) -> str:
    width, height, left, plot_right, top, bottom = 760, 300, 60, 600, 14, 262
    values = [v for s in series for v in s.values if v is not None]
    y_max = nice_ceiling(max(values, default=0))
    step = (plot_right - left) / max(len(x_labels) - 1, 1)
    body = _y_axis(top, bottom, left, plot_right, y_max, fmt)
    for i, x_label in enumerate(x_labels):
        if len(x_labels) <= 12 or i % 2 == 0:
            body.append(_text(left + i * step, bottom + 18, x_label, "middle", fill=MUTED))
    for n, line in enumerate(series):
        points = [
            (left + i * step, bottom - (bottom - top) * v / y_max, x_labels[i], v)
            for i, v in enumerate(line.values)
            if v is not None
        ]
        path = " ".join(f"{'M' if j == 0 else 'L'}{x:.1f},{y:.1f}" for j, (x, y, _, _) in enumerate(points))
        body.append(f'<path d="{path}" fill="none" stroke="{line.color}" stroke-width="2"/>')
        body += [
            f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{line.color}">'
            f"<title>{escape(line.name)}, {escape(month)}: {escape(fmt(v))}</title></circle>"
            for x, y, month, v in points
        ]
        body.append(
            f'<rect x="{plot_right + 16}" y="{top + n * 20}" width="12" height="12" fill="{line.color}"/>'
        )
        body.append(_text(plot_right + 34, top + n * 20 + 10, line.name))
    return _svg(chart_id, width, height, label, body)


def grouped_bars(
    chart_id: str, label: str, groups: Sequence[str], series: Sequence[Series], fmt: Format
) -> str:
    width, height, left, right, top, bottom = 760, 280, 60, 750, 30, 236
    values = [v for s in series for v in s.values if v is not None]
    y_max = nice_ceiling(max(values, default=0))
    slot = (right - left) / max(len(groups), 1)
    bar = min(36.0, slot * 0.8 / max(len(series), 1))
    body = _y_axis(top, bottom, left, right, y_max, fmt)
    for g, group in enumerate(groups):
        start = left + g * slot + (slot - bar * len(series)) / 2
        body.append(_text(left + (g + 0.5) * slot, bottom + 18, group, "middle", fill=MUTED))
        for s, bars in enumerate(series):
            value = bars.values[g]
            if value is None:
                continue
            bar_height = (bottom - top) * value / y_max
            x, y = start + s * bar, bottom - bar_height
            body.append(
                f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{bar - 2:.1f}" height="{bar_height:.1f}" '
                f'fill="{bars.color}"><title>{escape(group)}, {escape(bars.name)}: '
                f"{escape(fmt(value))}</title></rect>"
            )
            body.append(_text(x + (bar - 2) / 2, y - 4, fmt(value), "middle", font_size="10"))
    for s, bars in enumerate(series):
        body.append(f'<rect x="{left + s * 170}" y="4" width="12" height="12" fill="{bars.color}"/>')
        body.append(_text(left + s * 170 + 18, 14, bars.name))
    return _svg(chart_id, width, height, label, body)


def bar_rows(
    chart_id: str, label: str, rows: Sequence[BarRow], fmt: Format, reference: float | None = None
) -> str:
    """Horizontal bars on a 0..1 scale (percentiles), one row per item, the label to the left."""
    width, label_width, right, row_height, top = 760, 380, 700, 30, 22
    height = top + row_height * len(rows) + 10
    scale = right - label_width
    body = [_text(label_width, 14, "0%", fill=MUTED), _text(right, 14, "100%", "end", fill=MUTED)]
    if reference is not None:
        x = label_width + scale * reference
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="18" y2="{height - 6}" stroke="{MUTED}" '
            'stroke-dasharray="4 3"/>'
        )
        body.append(_text(x, 14, "usual", "middle", fill=MUTED))
    for i, row in enumerate(rows):
        y = top + i * row_height
        name = _text(label_width - 8, y + 13, _shorten(row.label, 48), "end")
        if web_address(row.href):
            name = f'<a href="{escape(row.href)}" target="_blank" rel="noopener">{name}</a>'
        body.append(name)
        body.append(_text(label_width - 8, y + 25, row.detail, "end", fill=MUTED, font_size="10"))
        body.append(
            f'<rect class="mark" x="{label_width}" y="{y + 4}" width="{max(scale * row.value, 1):.1f}" '
            f'height="{row_height - 10}" fill="{row.color}"><title>{escape(row.label)}: '
            f"{escape(fmt(row.value))}</title></rect>"
        )
        body.append(_text(label_width + scale * row.value + 6, y + 17, fmt(row.value), font_size="11"))
    return _svg(chart_id, width, height, label, body)


def web_address(url: str | None) -> bool:
    """An http(s) URL, the only kind the report makes a link of; any other is shown as text."""
    return bool(url) and _WEB_ADDRESS.fullmatch(url) is not None


def heatmap(
    chart_id: str, label: str, cells: dict[tuple[int, int], tuple[float, int, bool]], fmt: Format
) -> str:
    """Weekday (rows, Monday first) by local hour (columns); darker is a higher value. `cells` maps
    (weekday 1-7, hour 0-23) to (value, posts, enough posts to trust the value)."""
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    left, top, cell_width, cell_height = 40, 20, 28, 22
    width, height = left + 24 * cell_width + 10, top + 7 * cell_height + 8
    low = min((v for v, _, _ in cells.values()), default=0.0)
    high = max((v for v, _, _ in cells.values()), default=1.0)
    body = [
        _text(left + h * cell_width + cell_width / 2, 14, f"{h:02d}", "middle", fill=MUTED, font_size="10")
        for h in range(0, 24, 2)
    ]
    for d, day in enumerate(days):
        y = top + d * cell_height
        body.append(_text(left - 6, y + 15, day, "end", fill=MUTED))
        for hour in range(24):
            x = left + hour * cell_width
            if (d + 1, hour) not in cells:
                body.append(
                    f'<rect x="{x}" y="{y}" width="{cell_width - 2}" height="{cell_height - 2}" '
                    'fill="#f5f7fa"/>'
                )
                continue
            value, posts, enough = cells[(d + 1, hour)]
            shade = (value - low) / (high - low) if high > low else 1.0
            body.append(
                f'<rect class="mark" x="{x}" y="{y}" width="{cell_width - 2}" height="{cell_height - 2}" '
                f'fill="{_blue(shade)}" fill-opacity="{1 if enough else 0.35}"><title>{day} {hour:02d}:00, '
                f"{posts} post(s){'' if enough else ', too few to trust'}: median engagement "
                f"{escape(fmt(value))}</title></rect>"
            )
    return _svg(chart_id, width, height, label, body)


def _blue(shade: float) -> str:
    """From a pale to a deep blue; `shade` in [0, 1]."""
    pale, deep = (222, 235, 247), (8, 48, 107)
    r, g, b = (round(p + (d - p) * shade) for p, d in zip(pale, deep, strict=True))
    return f"#{r:02x}{g:02x}{b:02x}"


def _shorten(text: str, length: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
