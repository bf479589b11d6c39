"""Sparklines: a small trend line without axes, for tables and tiles."""

from __future__ import annotations

import math
from collections.abc import Sequence

from markupsafe import Markup

from reports.charts._svg import Svg


def sparkline(
    values: Sequence[float | None],
    *,
    title: str,
    width: float = 120,
    height: float = 28,
    color: str = "#1f4e79",
    fill: str | None = "#dbe7f3",
) -> Markup:
    """A line through ``values`` (gaps break it), with the last point marked."""
    svg = Svg(width, height, title, css_class="sparkline")
    finite = [v for v in values if v is not None and math.isfinite(v)]
    if len(finite) < 2:
        return svg.render()
    lo, hi = min(finite), max(finite)
    span = hi - lo or 1.0
    pad = 3.0
    step = (width - 2 * pad) / max(1, len(values) - 1)

    def point(i: int, v: float) -> tuple[float, float]:
        return pad + i * step, height - pad - (v - lo) / span * (height - 2 * pad)

    points = [None if v is None or not math.isfinite(v) else point(i, v)
              for i, v in enumerate(values)]
    present = [p for p in points if p is not None]
    if fill and all(p is not None for p in points):
        svg.polygon([(present[0][0], height - pad), *present, (present[-1][0], height - pad)],
                    fill)
    svg.polyline(points, color, 1.4)
    svg.circle(present[-1][0], present[-1][1], 2.2, color)
    return svg.render()
