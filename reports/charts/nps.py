"""NPS breakdown: the score, the promoter/passive/detractor split, and the 0–10 answers."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from reports.charts import palette
from reports.charts._layout import LegendItem, draw_legend
from reports.charts._svg import AXIS, MUTED, TEXT, Svg, text_width
from reports.charts.scales import LinearScale
from reports.formatting import fmt_int, fmt_percent, fmt_score


def nps_chart(
    promoters: int,
    passives: int,
    detractors: int,
    *,
    title: str,
    distribution: Sequence[int] = (),
    width: float = 640,
    score: float | None = None,
) -> Markup:
    """The NPS, a 100% bar of the three groups and, if given, bars for answers 0–10.

    Pass the ``score`` the page prints elsewhere, so that the chart shows the same figure
    (it is computed from the counts only when not given)."""
    total = promoters + passives + detractors
    has_dist = len(distribution) == 11 and sum(distribution) > 0
    height = 78 + (96 if has_dist else 0)
    svg = Svg(width, height, title)
    if total == 0:
        svg.text(width / 2, 40, "暂无回答", 12, anchor="middle", fill=MUTED)
        return svg.render()
    if score is None:
        score = 100.0 * (promoters - detractors) / total
    svg.text(8, 22, "NPS", 11, fill=MUTED)
    svg.text(8 + text_width("NPS ", 11), 22, fmt_score(score), 20, fill=TEXT, weight="bold")
    groups = [("贬损者（0–6）", detractors, palette.NPS["detractors"]),
              ("中立者（7–8）", passives, palette.NPS["passives"]),
              ("推荐者（9–10）", promoters, palette.NPS["promoters"])]
    draw_legend(svg, [LegendItem(f"{name} {fmt_int(count)}", color, kind="box")
                      for name, count, color in groups], width * 0.38, 12, width * 0.62 - 8)
    x, left, right, y0 = 8.0, 8.0, width - 8, 44.0
    for _name, count, color in groups:
        w = (right - left) * count / total
        svg.rect(x, y0, w, 22, color)
        label = fmt_percent(count / total)
        if text_width(label, 10) + 6 < w:
            svg.text(x + w / 2, y0 + 11, label, 10, anchor="middle", fill=palette.text_on(color))
        x += w
    if has_dist:
        top, bottom = 92.0, height - 18
        peak = max(distribution)
        band = (right - left) / 11
        y = LinearScale(0, peak, bottom, top + 10)
        for score_value, count in enumerate(distribution):
            color = (palette.NPS["detractors"] if score_value <= 6 else
                     palette.NPS["passives"] if score_value <= 8 else palette.NPS["promoters"])
            bx = left + score_value * band + band * 0.15
            svg.rect(bx, y(count), band * 0.7, bottom - y(count), color)
            if count:
                svg.text(bx + band * 0.35, y(count) - 6, fmt_int(count), 9, anchor="middle",
                         fill=TEXT)
            svg.text(bx + band * 0.35, bottom + 9, str(score_value), 9.5, anchor="middle",
                     fill=MUTED)
        svg.line(left, bottom, right, bottom, AXIS, 1)
    return svg.render()
