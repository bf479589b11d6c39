"""Charts of survey results, drawn with the shared SVG chart module the PDF reports use
(``reports.charts``), plus the numbers shown beside each chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup

import surveys as domain
from reports.charts import Series, bar_chart, line_chart, nps_chart, palette, stacked_percent_chart
from reports.formatting import fmt_float, fmt_percent, fmt_score
from surveys.stats_results import NumericSummary

CHOICE_TYPES = ("single_choice", "dropdown", "multiple_choice")
SCALE_TYPES = ("rating", "csat", "ces")
# Likert scales read from negative (red) through neutral (grey) to positive (green).
NPS_GROUP_COLORS = {"promoter": palette.NPS["promoters"], "passive": palette.NPS["passives"],
                    "detractor": palette.NPS["detractors"]}
LIKERT_COLORS = {
    2: ["#b8412f", "#2f7d57"],
    3: ["#b8412f", "#d5d9de", "#2f7d57"],
    4: ["#b8412f", "#e39b8f", "#8cc5a5", "#2f7d57"],
    5: ["#b8412f", "#e39b8f", "#d5d9de", "#8cc5a5", "#2f7d57"],
    6: ["#8f2f22", "#b8412f", "#e39b8f", "#8cc5a5", "#2f7d57", "#1f5a3d"],
    7: ["#8f2f22", "#b8412f", "#e39b8f", "#d5d9de", "#8cc5a5", "#2f7d57", "#1f5a3d"],
}


@dataclass
class QuestionBlock:
    """One question on the statistics page."""

    number: int
    question: domain.Question
    stats: domain.QuestionStats
    chart: Markup | None = None
    score: tuple[str, str, str] | None = None
    table: list[tuple[str, int, float]] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)


def _pct(value: float | None) -> str:
    return fmt_percent(value / 100) if value is not None else "—"


def _signed(value: float | None) -> str:
    return fmt_score(value)


def _numeric_facts(n: NumericSummary | None) -> list[tuple[str, str]]:
    if n is None or not n.count:
        return []
    facts = [(_("平均"), fmt_float(n.mean, 2)), (_("中位数"), fmt_float(n.median, 1)),
             (_("最小 / 最大"), f"{fmt_float(n.minimum, 1)} / {fmt_float(n.maximum, 1)}")]
    if n.stdev is not None:
        facts.append((_("标准差"), fmt_float(n.stdev, 2)))
    return facts


def _block(number: int, q: domain.Question, s: domain.QuestionStats) -> QuestionBlock:
    block = QuestionBlock(number, q, s)
    title = f"{number}. {q.title}"
    if s.categories is not None and q.type not in ("matrix",):
        block.table = [(c.label, c.count, c.percent) for c in s.categories]
    if not s.answered:
        return block
    if q.type in CHOICE_TYPES:
        labels = [c.label for c in s.categories]
        block.chart = bar_chart(labels, [Series(_("人数"), [c.count for c in s.categories])],
                                title=title, horizontal=True)
        if s.other_texts:
            block.facts.append((_("填写了「其他」"), str(s.other_texts)))
    elif q.type == "nps" and s.nps is not None:
        nps = s.nps
        block.chart = nps_chart(nps.promoters, nps.passives, nps.detractors, title=title,
                                distribution=[c.count for c in s.categories])
        if nps.ci_low is not None:
            note = _("95%% 置信区间 %(low)s ～ %(high)s", low=_signed(nps.ci_low),
                     high=_signed(nps.ci_high))
        else:
            note = _("回答太少，无法估计区间")
        block.score = ("NPS", _signed(nps.score), note)
        block.facts = [(_("推荐者（9–10）"), f"{nps.promoters} · {_pct(nps.promoter_percent)}"),
                       (_("中立者（7–8）"), f"{nps.passives} · {_pct(nps.passive_percent)}"),
                       (_("贬损者（0–6）"), f"{nps.detractors} · {_pct(nps.detractor_percent)}")]
        block.facts += _numeric_facts(s.numeric)[:2]
    elif q.type in SCALE_TYPES:
        block.chart = bar_chart([c.label for c in s.categories],
                                [Series(_("人数"), [c.count for c in s.categories])],
                                title=title, height=220)
        block.facts = _numeric_facts(s.numeric)
        if q.type == "csat" and s.csat is not None and s.csat.percent is not None:
            block.score = ("CSAT", _pct(s.csat.percent),
                           _("满意（4–5 分）%(n)d 人；95%% 区间 %(low)s ～ %(high)s",
                             n=s.csat.satisfied, low=_pct(s.csat.ci_low),
                             high=_pct(s.csat.ci_high)))
        if q.type == "ces" and s.ces is not None and s.ces.mean is not None:
            block.score = ("CES", fmt_float(s.ces.mean, 2),
                           _("认为容易（5–7 分）的占 %(p)s", p=_pct(s.ces.easy_percent)))
        if q.type == "rating" and s.numeric is not None and s.numeric.mean is not None:
            block.score = (_("平均分"), fmt_float(s.numeric.mean, 2),
                           _("满分 %(n)d 星", n=q.config.max_rating))
    elif q.type == "matrix" and s.matrix:
        scale = q.config.scale
        parts = [Series(p.label, [next((c.count for c in row.distribution
                                        if c.key == str(p.value)), 0) for row in s.matrix])
                 for p in scale]
        block.chart = stacked_percent_chart([row.label for row in s.matrix], parts, title=title,
                                            colors=LIKERT_COLORS.get(len(scale)))
        block.facts = [(row.label, _("均值 %(m)s · 中位数 %(d)s", m=fmt_float(row.mean, 2),
                                     d=fmt_float(row.median, 1))) for row in s.matrix]
    elif q.type == "ranking" and s.ranking:
        block.chart = bar_chart([r.label for r in s.ranking],
                                [Series(_("平均名次"), [r.average_position for r in s.ranking])],
                                title=title + _("（平均名次，越小越靠前）"), horizontal=True,
                                value_format="float")
        block.table = [(r.label, r.first_place, r.first_place_percent) for r in s.ranking]
        block.facts = [(_("排在第一位最多"), s.ranking[0].label)] if s.ranking else []
    elif q.type in ("number", "date") and s.categories:
        block.chart = bar_chart([c.label for c in s.categories],
                                [Series(_("人数"), [c.count for c in s.categories])],
                                title=title, height=220)
        block.facts = _numeric_facts(s.numeric)
    elif s.text is not None:
        block.facts = [(_("回答数"), str(s.text.count)),
                       (_("平均字数"), fmt_float(s.text.average_length, 0))]
    return block


def question_charts(definition: domain.Survey, stats: domain.SurveyStatistics
                    ) -> list[QuestionBlock]:
    """A block with chart, score and numbers for every question, in survey order."""
    return [_block(n, q, stats.question(q.id))
            for n, q in enumerate(definition.questions, start=1)]


def timeline_chart(daily: tuple[tuple[date, int], ...]) -> Markup | None:
    """Responses per day (None with fewer than two days of data)."""
    if len(daily) < 2:
        return None
    days = [d for d, _n in daily]
    return line_chart(days, [Series(_("每日回答数"), [n for _d, n in daily])],
                      title=_("每日回答数"), width=1100, height=190)


def crosstab_chart(table: domain.CrossTab) -> Markup | None:
    """Column percentages as 100% stacked bars (one bar per column)."""
    if not table.rows or not table.columns or table.total_base == 0:
        return None
    if any(sum(r.percents[i] for r in table.rows) > 100.5 for i in range(len(table.columns))):
        return None  # multiple choice: shares overlap, a stacked bar would mislead
    columns = [c.label for c in table.columns]
    parts = [Series(r.label, list(r.percents)) for r in table.rows]
    colors = None
    if {r.key for r in table.rows} == set(NPS_GROUP_COLORS):
        # NPS groups keep the colours they have in every other chart
        colors = [NPS_GROUP_COLORS[r.key] for r in table.rows]
    return stacked_percent_chart(columns, parts, title=_("交叉分析（列百分比）"), colors=colors)
