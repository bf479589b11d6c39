"""Histogram of a distribution (e.g. hours to first reply)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from markupsafe import Markup

from reports.charts._layout import value_axis, value_axis_width
from reports.charts._svg import AXIS, MUTED, Svg
from reports.charts.scales import LinearScale, nice_ticks, tick_label


def histogram(
    values: Sequence[float],
    *,
    title: str,
    bins: int | str = "auto",
    width: float = 640,
    height: float = 200,
    value_format: str = "float",
    color: str = "#1f4e79",
    clip_quantile: float | None = 0.98,
) -> Markup:
    """Counts of ``values`` in adjacent bins. Values above ``clip_quantile`` are pooled into
    the last bin so that one extreme value does not squash the rest of the chart."""
    svg = Svg(width, height, title)
    data = np.asarray([v for v in values if v is not None], dtype=float)
    data = data[np.isfinite(data)]
    if not len(data):
        svg.text(width / 2, height / 2, "暂无数据", 12, anchor="middle", fill=MUTED)
        return svg.render()
    if clip_quantile is not None and len(data) > 20:
        data = np.minimum(data, np.quantile(data, clip_quantile))
    counts, edges = np.histogram(data, bins=bins if len(data) > 1 else 1)
    if len(counts) > 40:
        counts, edges = np.histogram(data, bins=40)
    top, bottom = 10.0, height - 24
    left = 8 + value_axis_width(0, float(counts.max()), "int")
    right = width - 10
    y = value_axis(svg, 0, float(counts.max()), top, bottom, left, right, "int")
    x = LinearScale(float(edges[0]), float(edges[-1]), left, right)
    for count, a, b in zip(counts, edges[:-1], edges[1:], strict=True):
        if count:
            svg.rect(x(a) + 0.5, y(count), max(0.8, x(b) - x(a) - 1), bottom - y(count), color)
    ticks = [t for t in nice_ticks(float(edges[0]), float(edges[-1]), 7)
             if edges[0] - 1e-9 <= t <= edges[-1] + 1e-9]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    for tick in ticks:
        svg.line(x(tick), bottom, x(tick), bottom + 4, AXIS, 1)
        svg.text(x(tick), bottom + 12, tick_label(tick, value_format, step), 10,
                 anchor="middle", fill=MUTED)
    svg.line(left, bottom, right, bottom, AXIS, 1)
    return svg.render()
