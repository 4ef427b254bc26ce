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

from socialkpi.serve.report.text import fit, text_width

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


def _svg(chart_id: str, width: int, height: float, label: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" data-chart="{escape(chart_id)}" viewBox="0 0 {width} {height:.0f}" '
        f'width="100%" role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif" font-size="12" fill="{TEXT}">' + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, content: str, anchor: str = "start", **attributes: str) -> str:
    extra = "".join(f' {key.rstrip("_").replace("_", "-")}="{value}"' for key, value in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{extra}>{escape(content)}</text>'


def _fitted_text(
    x: float, y: float, content: str, width: float, anchor: str = "start", **attributes: str
) -> str:
    """A label shortened to `width` pixels; when shortened, hovering it shows the whole text."""
    size = float(attributes.get("font_size", 12))
    shown = fit(content, width, size)
    drawn = _text(x, y, shown, anchor, **attributes)
    return drawn if shown == " ".join(content.split()) else f"<g><title>{escape(content)}</title>{drawn}</g>"


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (axis tops)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def nice_ticks(low: float, high: float, whole: bool = False, most: int = 6) -> list[float]:
    """Axis ticks from at or below min(low, 0) to at or above high, 1, 2 or 5 times a power of ten
    apart, at most `most` of them. `whole` keeps them integers (counts: no "0.5 followers")."""
    low, high = min(low, 0.0), max(high, 0.0)
    if high <= low:
        high = low + 1.0
    step = nice_ceiling((high - low) / (most - 1))
    if whole:
        step = max(step, 1.0)
    start, stop = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    return [round(i * step, 12) for i in range(start, stop + 1)]


def tick_labels(ticks: Sequence[float], fmt: Format) -> list[str]:
    """The chart's own format when it tells every tick apart, else the same with more decimals
    (a 0..1 count axis read "0, 0, 1, 1" when rounded to whole numbers)."""
    labels = [fmt(tick) for tick in ticks]
    if len(set(labels)) == len(labels):
        return labels
    percent = all(label.endswith("%") for label in labels)
    for decimals in range(1, 8):
        if percent:
            labels = [f"{tick * 100:.{decimals}f}%" for tick in ticks]
        else:
            labels = [f"{tick:,.{decimals}f}" for tick in ticks]
        if len(set(labels)) == len(labels):
            break
    return labels


@dataclass(frozen=True)
class _Axis:
    """A vertical value axis: maps values to y between `bottom` (lowest tick) and `top`."""

    ticks: list[float]
    top: float
    bottom: float

    def y(self, value: float) -> float:
        low, high = self.ticks[0], self.ticks[-1]
        return self.bottom - (self.bottom - self.top) * (value - low) / (high - low)


def _y_axis(axis: _Axis, left: float, right: float, fmt: Format) -> list[str]:
    parts = []
    for tick, label in zip(axis.ticks, tick_labels(axis.ticks, fmt), strict=True):
        y = axis.y(tick)
        stroke = MUTED if tick == 0 and axis.ticks[0] < 0 else GRID
        parts.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{stroke}"/>')
        parts.append(_text(left - 6, y + 4, label, "end", fill=MUTED, class_="tick"))
    return parts


def _legend(
    entries: Sequence[tuple[str, str]], left: float, top: float, width: float
) -> tuple[list[str], float]:
    """Legend entries (name, colour) left to right, wrapped onto as many rows as they need inside
    `width`; returns the parts and the height used. Each name is whole unless it alone is wider
    than the chart."""
    parts, x, y = [], left, top
    for name, color in entries:
        shown = fit(name, width - 18, 12)
        entry_width = 18 + text_width(shown, 12) + 18
        if x > left and x + entry_width > left + width:
            x, y = left, y + 20
        title = f"<title>{escape(name)}</title>" if shown != name else ""
        parts.append(
            f'<g class="legend-entry" data-name="{escape(name)}">{title}'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="12" height="12" fill="{color}"/>'
            f"{_text(x + 18, y + 10, shown)}</g>"
        )
        x += entry_width
    return parts, (y - top + 20) if entries else 0


def line_chart(
    chart_id: str,
    label: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    fmt: Format,
    hollow: Callable[[int, int], str | None] | None = None,
) -> str:
    """One line per series over `x_labels`. `hollow(series, x)` gives a note for a point drawn
    hollow (a period only partly covered by the data), or None for a solid one."""
    width, left, right, top, bottom = 760, 60, 724, 14, 262
    values = [v for s in series for v in s.values if v is not None]
    axis = _Axis(nice_ticks(min(values, default=0), max(values, default=0), whole=True), top, bottom)
    step = (right - left) / max(len(x_labels) - 1, 1)
    body = _y_axis(axis, left, right, fmt)
    every = 1 if len(x_labels) <= 12 else 2
    for i, x_label in enumerate(x_labels):
        if i % every == 0:
            body.append(_text(left + i * step, bottom + 18, x_label, "middle", fill=MUTED))
    for n, line in enumerate(series):
        points = [(i, left + i * step, axis.y(v), v) for i, v in enumerate(line.values) if v is not None]
        # A None leaves a gap (Series): a month with no value is not drawn across.
        path = " ".join(
            f"{'M' if j == 0 or points[j - 1][0] != i - 1 else 'L'}{x:.1f},{y:.1f}"
            for j, (i, x, y, _) in enumerate(points)
        )
        body.append(f'<path d="{path}" fill="none" stroke="{line.color}" stroke-width="2"/>')
        for i, x, y, v in points:
            note = hollow(n, i) if hollow else None
            fill = "#fff" if note else line.color
            body.append(
                f'<circle class="mark" cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{fill}" stroke="{line.color}" '
                f'stroke-width="1.5"><title>{escape(line.name)}, {escape(x_labels[i])}: {escape(fmt(v))}'
                f"{escape(', ' + note) if note else ''}</title></circle>"
            )
    legend, legend_height = _legend([(s.name, s.color) for s in series], left, bottom + 34, right - left)
    return _svg(chart_id, width, bottom + 34 + legend_height + 6, label, body + legend)


def grouped_bars(
    chart_id: str, label: str, groups: Sequence[str], series: Sequence[Series], fmt: Format
) -> str:
    """One row per group (an account) with one horizontal bar per series: a row's name has the
    whole width of the label column, however many accounts there are."""
    width, label_width, right, bar = 760, 210, 700, 12
    legend, legend_height = _legend([(s.name, s.color) for s in series], label_width, 4, right - label_width)
    top = 24 + legend_height  # under the legend and the value axis' labels
    row_height = bar * len(series) + 12
    values = [v for s in series for v in s.values if v is not None]
    ticks = nice_ticks(min(values, default=0), max(values, default=0))
    bottom = top + row_height * len(groups)

    def x_of(value: float) -> float:
        return label_width + (right - label_width) * (value - ticks[0]) / (ticks[-1] - ticks[0])

    body = list(legend)
    for tick, tick_label in zip(ticks, tick_labels(ticks, fmt), strict=True):
        x = x_of(tick)
        body.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{bottom}" stroke="{GRID}"/>')
        body.append(_text(x, top - 8, tick_label, "middle", fill=MUTED, class_="x-tick"))
    for g, group in enumerate(groups):
        y = top + g * row_height
        body.append(_fitted_text(label_width - 10, y + row_height / 2 + 4, group, label_width - 14, "end"))
        for s, bars in enumerate(series):
            value = bars.values[g]
            bar_y = y + 6 + s * bar
            if value is None:
                body.append(_text(label_width + 4, bar_y + bar - 2, "no value", fill=MUTED, font_size="9"))
                continue
            start, end = sorted((x_of(0), x_of(value)))
            body.append(
                f'<rect class="mark" x="{start:.1f}" y="{bar_y:.1f}" width="{max(end - start, 1):.1f}" '
                f'height="{bar - 2}" fill="{bars.color}"><title>{escape(group)}, {escape(bars.name)}: '
                f"{escape(fmt(value))}</title></rect>"
            )
            body.append(_text(end + 4, bar_y + bar - 2, fmt(value), font_size="9"))
    return _svg(chart_id, width, bottom + 8, label, body)


def bar_rows(
    chart_id: str, label: str, rows: Sequence[BarRow], fmt: Format, reference: float | None = None
) -> str:
    """Horizontal bars on a 0..1 scale (percentiles), one row per item, the label to the left."""
    width, label_width, right, row_height, top = 760, 380, 700, 34, 22
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
        name = _fitted_text(label_width - 8, y + 14, row.label, label_width - 16, "end")
        if web_address(row.href):
            name = f'<a href="{escape(row.href)}" target="_blank" rel="noopener">{name}</a>'
        body.append(name)
        body.append(
            _fitted_text(
                label_width - 8, y + 29, row.detail, label_width - 16, "end", fill=MUTED, font_size="10"
            )
        )
        body.append(
            f'<rect class="mark" x="{label_width}" y="{y + 6}" width="{max(scale * row.value, 1):.1f}" '
            f'height="{row_height - 14}" fill="{row.color}"><title>{escape(row.label)}: '
            f"{escape(fmt(row.value))}</title></rect>"
        )
        body.append(_text(label_width + scale * row.value + 6, y + 20, fmt(row.value), font_size="11"))
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
