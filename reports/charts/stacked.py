"""Horizontal 100% stacked bars, e.g. the sentiment mix of each theme."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from reports.charts import palette
from reports.charts._layout import LegendItem, Series, draw_legend
from reports.charts._svg import TEXT, Svg, fit_text, text_width
from reports.formatting import fmt_percent


def stacked_percent_chart(
    categories: Sequence[str],
    parts: Sequence[Series],
    *,
    title: str,
    colors: Sequence[str] | None = None,
    width: float = 640,
    bar_height: float = 16,
    show_legend: bool = True,
) -> Markup:
    """One bar per category split into ``parts`` by share; labels show shares of 8% or more."""
    if any(len(p.values) != len(categories) for p in parts):
        raise ValueError("every part needs one value per category")
    fills = list(colors) if colors else [palette.bar_fill(i) for i in range(len(parts))]
    label_w = (min(width * 0.32, max((text_width(c, 10.5) for c in categories), default=0) + 10)
               if any(categories) else 0)
    legend = [LegendItem(p.label, f, kind="box") for p, f in zip(parts, fills, strict=True)]
    probe = Svg(width, 0, title)
    legend_h = draw_legend(probe, legend, 8, 4, width - 16) if show_legend else 0
    row = bar_height + 8
    height = legend_h + 8 + row * len(categories) + 4
    svg = Svg(width, height, title)
    if show_legend:
        draw_legend(svg, legend, 8, 4, width - 16)
    left, right = 8 + label_w, width - 8
    for i, category in enumerate(categories):
        y0 = legend_h + 8 + i * row
        if label_w:
            svg.text(left - 6, y0 + bar_height / 2, fit_text(category, 10.5, label_w - 8), 10.5,
                     anchor="end", fill=TEXT)
        values = [max(0.0, p.values[i] or 0.0) for p in parts]
        total = sum(values)
        if total <= 0:
            svg.rect(left, y0, right - left, bar_height, "#f0f0f0")
            continue
        x = left
        for value, fill in zip(values, fills, strict=True):
            w = (right - left) * value / total
            svg.rect(x, y0, w, bar_height, fill)
            share = value / total
            label = fmt_percent(share)
            if share >= 0.08 and text_width(label, 9.5) + 4 < w:
                svg.text(x + w / 2, y0 + bar_height / 2, label, 9.5, anchor="middle",
                         fill=palette.text_on(fill))
            x += w
    return svg.render()
