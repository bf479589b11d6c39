"""What must hold for every report, whatever the data: the checks behind the property tests
and ``python -m bench report_check``.

``context_problems`` reads an assembled ``ReportContext``; ``text_problems`` reads the text
of a rendered report (``pdftotext`` output) the way a manager would, looking for figures that
cannot be right or that disagree. Each returns a list of plain descriptions, empty when the
report is sound.
"""

from __future__ import annotations

import re
from collections import defaultdict

from reports.analytics.correlation import SHOWN_BELOW_P
from reports.analytics.derived import MIN_PERCENT_BASE
from reports.context import ReportContext


def _rate(problems: list[str], name: str, value: float | None) -> None:
    if value is not None and not 0.0 <= value <= 1.0:
        problems.append(f"{name} = {value:.3f} is outside 0..100%")


def context_problems(ctx: ReportContext) -> list[str]:
    """Impossible or misleading figures in an assembled context."""
    problems: list[str] = []
    if ctx.suggestions is not None:
        for label, counts in (("current", ctx.suggestions.current),
                              ("previous", ctx.suggestions.previous)):
            if counts is None:
                continue
            _rate(problems, f"{label} reply rate", counts.reply_rate)
            _rate(problems, f"{label} resolution rate", counts.resolution_rate)
        for done in ctx.suggestions.completed:
            if done.praise and done.before_after:
                problems.append(f"compliment 「{done.title}」 is credited with a metric change")
    if ctx.surveys is not None:
        nps = ctx.surveys.nps
        if nps is not None and not -100.0 <= nps.score <= 100.0:
            problems.append(f"NPS {nps.score} is outside -100..100")
        for other in ctx.surveys.other_nps:
            if not -100.0 <= other.score <= 100.0:
                problems.append(f"NPS of 「{other.question}」 {other.score} is outside -100..100")
        for survey in ctx.surveys.surveys:
            _rate(problems, f"completion rate of 「{survey.title}」", survey.completion_rate)
            if (survey.open_theme_responses is not None
                    and survey.open_theme_responses > survey.responses):
                problems.append(f"「{survey.title}」 shows {survey.open_theme_responses} open "
                                f"answers in a theme for {survey.responses} responses")
    if ctx.themes is not None:
        for theme in ctx.themes.themes:
            _rate(problems, f"share of 「{theme.name}」", theme.share)
            _rate(problems, f"negative share of 「{theme.name}」", theme.negative_share)
            if theme.change_pct is not None and theme.previous_volume < MIN_PERCENT_BASE:
                problems.append(f"「{theme.name}」 has a percentage change from "
                                f"{theme.previous_volume} items")
            for scan in theme.correlations:
                if scan.best_p_adjusted is None or scan.best_p_adjusted >= SHOWN_BELOW_P:
                    problems.append(f"「{theme.name}」 shows a correlation with p = "
                                    f"{scan.best_p_adjusted}")
    if ctx.metrics is not None:
        for s in ctx.metrics.summaries:
            if (s.fmt == "int" and s.change_pct is not None and s.previous is not None
                    and abs(s.previous) < MIN_PERCENT_BASE):
                problems.append(f"{s.label} has a percentage change from {s.previous}")
    if ctx.summary is not None:
        for h in ctx.summary.highlights:
            if h.estimated:
                problems.append(f"estimated {h.label} is a headline")
            same = ctx.metrics.summary(h.key) if ctx.metrics else None
            if same is None or same.value != h.value:
                problems.append(f"headline {h.label} differs from the metrics section")
    return problems


_RATE = re.compile(r"([\u4e00-\u9fff]{1,6}率)\s*(\d[\d,]*(?:\.\d+)?)\s*%")
_NPS = re.compile(r"NPS\s*(?:为)?\s*(−?-?\d+(?:\.\d+)?)")
_PCT_FROM_BASE = re.compile(r"[+−-]\s*\d[\d,]*(?:\.\d+)?\s*%\s*（上期\s*(\d[\d,]*)\s*条）")
_COMMUNITY_NPS = re.compile(r"NPS\s*为\s*(−?-?\d+(?:\.\d+)?)")
_PREVIOUS_RATE = re.compile(
    r"([\u4e00-\u9fff]{1,6}率)\s*[\d.,]+\s*%\s*（上期\s*(\d[\d,]*(?:\.\d+)?)\s*%")
_NPS_CHART = re.compile(r"^\s*NPS\s+(−?-?\d+(?:\.\d+)?)\s", re.M)


def _number(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-"))


def text_problems(text: str) -> list[str]:
    """Impossible or conflicting figures in a report's text: rates above 100%, NPS outside
    −100..100, percentage changes from a base below ``MIN_PERCENT_BASE`` items, and a rate
    label or the community NPS printed with two different values."""
    problems: list[str] = []
    flat = re.sub(r"[ \t]+", " ", text)
    seen: dict[str, set[float]] = defaultdict(set)
    for label, value in _RATE.findall(flat):
        number = _number(value)
        if number > 100:
            problems.append(f"{label} {value}% is above 100%")
    for label, value in _PREVIOUS_RATE.findall(re.sub(r"\s+", " ", text)):
        if _number(value) > 100:
            problems.append(f"{label} of the previous period {value}% is above 100%")
    for value in _NPS.findall(flat):
        if not -100 <= _number(value) <= 100:
            problems.append(f"NPS {value} is outside -100..100")
    for base in _PCT_FROM_BASE.findall(flat):
        if _number(base) < MIN_PERCENT_BASE:
            problems.append(f"a percentage change from a base of {base} items")
    for value in _COMMUNITY_NPS.findall(flat) + _NPS_CHART.findall(text):
        seen["社群 NPS"].add(_number(value))
    for label, values in seen.items():
        if len(values) > 1:
            problems.append(f"{label} is printed as {sorted(values)}")
    return problems
