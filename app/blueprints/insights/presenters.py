"""Turning insight data into what the pages show: SVG charts (from ``reports.charts``), links
back to each item's source, and safe highlighting of search words."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from markupsafe import Markup, escape

from app.models import FeedbackItem, SourceKind
from app.services.insights.feedback_links import source_link
from reports.charts import Marker, Series, bar_chart, line_chart, sparkline
from reports.charts import stacked_percent_chart as stacked
from reports.charts.palette import SENTIMENT

MIX_COLORS = [SENTIMENT["negative"], SENTIMENT["neutral"], SENTIMENT["positive"]]


def mix_bar(negative: int, neutral: int, positive: int, *, width: int = 150) -> Markup:
    """A one-bar 100% chart of a sentiment mix."""
    title = _("情感分布：负面 %(n)d，中性 %(u)d，正面 %(p)d", n=negative, u=neutral, p=positive)
    return stacked([""], [Series(_("负面"), [negative]), Series(_("中性"), [neutral]),
                          Series(_("正面"), [positive])],
                   title=title, colors=MIX_COLORS, width=width, bar_height=14,
                   show_legend=False)


def trend_line(values: list[int], title: str) -> Markup:
    """A sparkline of weekly counts."""
    return sparkline([float(v) for v in values], title=title, width=120, height=28,
                     color="#0f766e", fill="#ccfbf1")


def sentiment_chart(weeks: list[date], weekly: dict[int, list[int]], *, title: str,
                    markers: list[tuple[date, str]] = ()) -> Markup:
    """Weekly negative, neutral and positive items of a theme, with action markers."""
    return line_chart(
        weeks,
        [Series(_("负面"), weekly[-1]), Series(_("中性"), weekly[0]),
         Series(_("正面"), weekly[1])],
        title=title, width=640, height=240,
        markers=[Marker(day, label) for day, label in markers],
    )


def sources_chart(sources: list[tuple[str, int]], labels: dict, *, title: str) -> Markup:
    """Items of a theme by source kind."""
    categories = [str(labels.get(kind, kind)) for kind, _n in sources]
    return bar_chart(categories, [Series(_("条数"), [n for _k, n in sources])], title=title,
                     width=420, horizontal=True)


def link_for(slug: str):
    """A function giving the in-context link of a feedback item (or None)."""

    def build(item: FeedbackItem) -> str | None:
        if item.source_kind == SourceKind.SURVEY_ANSWER.value:
            ref = item.source_ref or {}
            if ref.get("survey_id") and ref.get("response_id"):
                return (f"/c/{slug}/surveys/{int(ref['survey_id'])}/responses/"
                        f"{int(ref['response_id'])}#q-{ref.get('question_id', '')}")
            return None
        return source_link(item, slug)

    return build


def highlight(text: str, words: list[str]) -> Markup:
    """``text`` escaped, with the search words wrapped in ``<mark>``."""
    words = sorted({w for w in words if w and len(w) <= 40}, key=len, reverse=True)
    if not words:
        return escape(text)
    lowered = text.lower()
    out, i = [], 0
    while i < len(text):
        match = next((w for w in words if lowered.startswith(w, i)), None)
        if match is None:
            out.append(escape(text[i]))
            i += 1
        else:
            out.append(Markup("<mark>") + escape(text[i:i + len(match)]) + Markup("</mark>"))
            i += len(match)
    return Markup("").join(out)
