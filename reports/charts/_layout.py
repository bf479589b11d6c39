"""Shared chart pieces: series data, legends and value axes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from reports.charts._svg import GRID, MUTED, Svg, fit_text, text_width
from reports.charts.scales import LinearScale, nice_ticks, tick_label


@dataclass
class Series:
    """A named list of values (``None`` for gaps)."""

    label: str
    values: Sequence[float | None] = field(default_factory=list)


@dataclass
class Marker:
    """A dated event drawn as a vertical line on a time chart."""

    day: date
    label: str


@dataclass
class LegendItem:
    """One legend entry: a swatch (``line`` or ``box``) and its label."""

    label: str
    color: str
    dash: str | None = None
    kind: str = "line"


def draw_legend(svg: Svg, items: Sequence[LegendItem], x: float, y: float,
                max_width: float, size: float = 10.5) -> float:
    """Draw legend items in rows from (x, y); returns the height used."""
    if not items:
        return 0.0
    cx, cy, row_height = x, y + size / 2, size + 6
    for item in items:
        label = fit_text(item.label, size, max_width * 0.6)
        width = 22 + text_width(label, size) + 14
        if cx > x and cx + width > x + max_width:
            cx, cy = x, cy + row_height
        if item.kind == "line":
            svg.line(cx, cy, cx + 16, cy, item.color, 2.2, item.dash)
        else:
            svg.rect(cx + 3, cy - 5, 10, 10, item.color)
        svg.text(cx + 21, cy, label, size, fill=MUTED)
        cx += width
    return cy + size / 2 + 4 - y


def value_axis(svg: Svg, lo: float, hi: float, top: float, bottom: float, left: float,
               right: float, fmt: str, max_ticks: int = 5, size: float = 10) -> LinearScale:
    """Horizontal grid lines with labels on the left; returns the y scale."""
    ticks = nice_ticks(lo, hi, max_ticks)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    scale = LinearScale(ticks[0], ticks[-1], bottom, top)
    for tick in ticks:
        y = scale(tick)
        svg.line(left, y, right, y, GRID, 1)
        svg.text(left - 6, y, tick_label(tick, fmt, step), size, anchor="end", fill=MUTED)
    return scale


def value_axis_width(lo: float, hi: float, fmt: str, max_ticks: int = 5,
                     size: float = 10) -> float:
    """Room the value axis labels need on the left."""
    ticks = nice_ticks(lo, hi, max_ticks)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    return max(text_width(tick_label(t, fmt, step), size) for t in ticks) + 10
