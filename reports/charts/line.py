"""Multi-series line chart over dates, with optional event markers and a highlighted span."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from markupsafe import Markup

from reports.charts import palette
from reports.charts._layout import (
    LegendItem,
    Marker,
    Series,
    draw_legend,
    value_axis,
    value_axis_width,
)
from reports.charts._svg import AXIS, MUTED, TEXT, Svg, fit_text
from reports.charts.scales import LinearScale, date_ticks, value_range

BADGE_GAP = 15.0
MAX_BADGE_ROWS = 3


def badge_rows(positions: Sequence[float]) -> list[int]:
    """A row for each marker badge (positions in ascending order) so that badges closer
    than ``BADGE_GAP`` go one row up instead of overlapping."""
    ends: list[float] = []
    rows = []
    for x in positions:
        row = next((r for r, end in enumerate(ends) if x - end >= BADGE_GAP), len(ends))
        row = min(row, MAX_BADGE_ROWS - 1)
        if row < len(ends):
            ends[row] = x
        else:
            ends.append(x)
        rows.append(row)
    return rows


def line_chart(
    dates: Sequence[date],
    series: Sequence[Series],
    *,
    title: str,
    width: float = 640,
    height: float = 240,
    value_format: str = "int",
    include_zero: bool = True,
    markers: Sequence[Marker] = (),
    highlight: tuple[date, date] | None = None,
    show_points: bool | None = None,
) -> Markup:
    """A line per series over ``dates`` (each series has one value per date, ``None`` = gap).

    ``markers`` draw numbered dashed vertical lines, listed with their labels under the chart
    (e.g. the day a theme was acted on); ``highlight`` shades a span (e.g. the report
    period). Points get dots when there are few.
    """
    if any(len(s.values) != len(dates) for s in series):
        raise ValueError("every series needs one value per date")
    visible = sorted((m for m in markers if dates and dates[0] <= m.day <= dates[-1]),
                     key=lambda m: m.day)
    columns = 2 if width >= 400 else 1
    marker_rows = -(-len(visible) // columns)
    svg = Svg(width, height + (8 + 15 * marker_rows if visible else 0), title)
    if not dates:
        svg.text(width / 2, height / 2, "暂无数据", 12, anchor="middle", fill=MUTED)
        return svg.render()

    lo, hi = value_range([s.values for s in series], include_zero)
    left = 8 + value_axis_width(lo, hi, value_format)
    right, bottom = width - 12, height - 22
    x = LinearScale(0, max(1, (dates[-1] - dates[0]).days), left, right)

    def xpos(day: date) -> float:
        return x((day - dates[0]).days)

    rows = badge_rows([xpos(m.day) for m in visible])
    styles = [palette.line_style(i) for i in range(len(series))]
    legend = [LegendItem(s.label, c, d) for s, (c, d) in zip(series, styles, strict=True)]
    top = 8 + draw_legend(svg, legend if len(series) > 1 else [], 8, 6, width - 16)
    top += 14 * (max(rows) + 1) if rows else 0

    if highlight:
        a, b = max(highlight[0], dates[0]), min(highlight[1], dates[-1])
        if a <= b:
            svg.rect(xpos(a), top, max(1.5, xpos(b) - xpos(a)), bottom - top,
                     palette.HIGHLIGHT_BAND)
    y = value_axis(svg, lo, hi, top, bottom, left, right, value_format)
    svg.line(left, bottom, right, bottom, AXIS, 1)
    for day, label in date_ticks(dates[0], dates[-1], max(2, int((right - left) // 70))):
        svg.line(xpos(day), bottom, xpos(day), bottom + 4, AXIS, 1)
        svg.text(xpos(day), bottom + 12, label, 10, anchor="middle", fill=MUTED)
    dots = show_points if show_points is not None else len(dates) <= 16
    for s, (color, dash) in zip(series, styles, strict=True):
        points = [None if v is None or not math.isfinite(v) else (xpos(d), y(v))
                  for d, v in zip(dates, s.values, strict=True)]
        svg.polyline(points, color, 1.8, dash)
        if dots:
            for p in points:
                if p is not None:
                    svg.circle(p[0], p[1], 2.6, color, "#ffffff")

    # numbered markers: a badge above each dashed line, the labels listed under the chart
    column_width = (width - 16) / columns
    for number, (marker, row) in enumerate(zip(visible, rows, strict=True), start=1):
        mx, badge_y = xpos(marker.day), top - 10 - 14 * row
        svg.line(mx, badge_y + 6.5, mx, bottom, palette.MARKER, 1, "3 3")
        svg.circle(mx, badge_y, 6.5, "#ffffff", palette.MARKER)
        svg.text(mx, badge_y, str(number), 8.5, anchor="middle", fill=TEXT)
        list_row, column = divmod(number - 1, columns)
        lx, ly = 8 + column * column_width, height + 6 + list_row * 15
        svg.circle(lx + 6, ly, 6.5, "#ffffff", palette.MARKER)
        svg.text(lx + 6, ly, str(number), 8.5, anchor="middle", fill=TEXT)
        caption = f"{marker.day.month}/{marker.day.day} {marker.label}"
        svg.text(lx + 16, ly, fit_text(caption, 9.5, column_width - 24), 9.5, fill=MUTED)
    return svg.render()
