"""Bar and grouped bar charts, vertical or horizontal (horizontal suits long Chinese labels)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup

from reports.charts import palette
from reports.charts._layout import LegendItem, Series, draw_legend, value_axis, value_axis_width
from reports.charts._svg import AXIS, GRID, MUTED, TEXT, Svg, fit_text, text_width
from reports.charts.scales import LinearScale, nice_ticks, tick_label, value_range
from reports.formatting import fmt_value


def _finite(v: float | None) -> bool:
    return v is not None and math.isfinite(v)


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    width: float = 640,
    height: float | None = None,
    horizontal: bool = False,
    value_format: str = "int",
    show_values: bool = True,
    colors: Sequence[str] | None = None,
) -> Markup:
    """One bar per category and series; several series make grouped bars with a legend."""
    if any(len(s.values) != len(categories) for s in series):
        raise ValueError("every series needs one value per category")
    fills = list(colors) if colors else [palette.bar_fill(i) for i in range(len(series))]
    if horizontal:
        return _horizontal(categories, series, fills, title, width, height, value_format,
                           show_values)
    return _vertical(categories, series, fills, title, width, height or 240, value_format,
                     show_values)


def _vertical(categories, series, fills, title, width, height, fmt, show_values) -> Markup:
    svg = Svg(width, height, title)
    legend = [LegendItem(s.label, f, kind="box") for s, f in zip(series, fills, strict=True)]
    top = 8 + draw_legend(svg, legend if len(series) > 1 else [], 8, 6, width - 16)
    top += 12 if show_values else 0
    lo, hi = value_range([s.values for s in series], include_zero=True)
    left = 8 + value_axis_width(lo, hi, fmt)
    right, bottom = width - 8, height - 24
    y = value_axis(svg, lo, hi, top, bottom, left, right, fmt)
    n = max(1, len(categories))
    band = (right - left) / n
    group = band * 0.72
    bar = group / max(1, len(series))
    for i, category in enumerate(categories):
        x0 = left + i * band + (band - group) / 2
        for j, s in enumerate(series):
            value = s.values[i]
            if not _finite(value):
                continue
            y0, y1 = sorted((y(0), y(value)))
            svg.rect(x0 + j * bar, y0, bar - 1, max(0.8, y1 - y0), fills[j])
            if show_values and bar >= 14:
                svg.text(x0 + j * bar + bar / 2, y0 - 7 if value >= 0 else y1 + 7,
                         fmt_value(value, fmt), 9, anchor="middle", fill=TEXT)
        svg.text(left + i * band + band / 2, bottom + 12, fit_text(category, 10, band - 2), 10,
                 anchor="middle", fill=MUTED)
    svg.line(left, y(0), right, y(0), AXIS, 1)
    return svg.render()


def _horizontal(categories, series, fills, title, width, height, fmt, show_values) -> Markup:
    bar_h = 13 if len(series) > 1 else 16
    row = bar_h * len(series) + 10
    label_w = min(width * 0.32, max((text_width(c, 10.5) for c in categories), default=40) + 10)
    legend_h = 0.0
    probe = Svg(width, 0, title)
    legend = [LegendItem(s.label, f, kind="box") for s, f in zip(series, fills, strict=True)]
    if len(series) > 1:
        legend_h = draw_legend(probe, legend, 8, 6, width - 16)
    top = 10 + legend_h
    height = height or top + row * len(categories) + 24
    svg = Svg(width, height, title)
    if len(series) > 1:
        draw_legend(svg, legend, 8, 6, width - 16)
    left = 8 + label_w
    values = [v for s in series for v in s.values if _finite(v)]
    lo, hi = min(values + [0.0]), max(values + [0.0])
    value_room = text_width(fmt_value(hi, fmt), 9.5) + 8 if show_values else 8
    right, bottom = width - value_room, height - 20
    ticks = nice_ticks(lo, hi, 5)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    x = LinearScale(ticks[0], ticks[-1], left, right)
    for tick in ticks:
        svg.line(x(tick), top, x(tick), bottom, GRID, 1)
        svg.text(x(tick), bottom + 10, tick_label(tick, fmt, step), 9.5, anchor="middle",
                 fill=MUTED)
    for i, category in enumerate(categories):
        y0 = top + i * row + 5
        svg.text(left - 6, y0 + row / 2 - 5, fit_text(category, 10.5, label_w - 8), 10.5,
                 anchor="end", fill=TEXT)
        for j, s in enumerate(series):
            value = s.values[i]
            if not _finite(value):
                continue
            a, b = sorted((x(0), x(value)))
            svg.rect(a, y0 + j * bar_h, max(0.8, b - a), bar_h - 2, fills[j])
            if show_values:
                svg.text(b + 4, y0 + j * bar_h + (bar_h - 2) / 2, fmt_value(value, fmt), 9.5,
                         fill=TEXT)
    svg.line(x(0), top, x(0), bottom, AXIS, 1)
    return svg.render()
