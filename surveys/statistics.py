"""Per-question statistics of a survey over a set of responses.

Each response is walked through the survey's logic, so ``shown`` counts the respondents
whose path included the question and ``answered`` those who answered it; answers that do not
fit the (possibly edited) definition any more are left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from surveys.definition import Survey
from surveys.path import walk
from surveys.responses import SurveyResponse
from surveys.stats_results import CategoryCount, SurveyStatistics

NO_CHANNEL_LABEL = "未标注渠道"


def collect(survey: Survey, responses: Iterable[SurveyResponse]
            ) -> tuple[int, Counter[str], dict[str, list[Any]], list[SurveyResponse]]:
    """Walk every response: (count, shown per question, canonical answers per question,
    the responses as a list)."""
    shown: Counter[str] = Counter()
    answers: dict[str, list[Any]] = {q.id: [] for q in survey.questions}
    kept = []
    for r in responses:
        kept.append(r)
        w = walk(survey, r.answers, report=())
        shown.update(w.questions)
        for qid, value in w.known.items():
            answers[qid].append(value)
    return len(kept), shown, answers, kept


def channel_label(channel: str | None, labels: Mapping[str, str] | None) -> str:
    """How a channel is shown: its label, its code, or 未标注渠道."""
    if channel is None or channel == "":
        return NO_CHANNEL_LABEL
    return (labels or {}).get(channel, channel)


def compute_statistics(survey: Survey, responses: Iterable[SurveyResponse], *,
                       channel_labels: Mapping[str, str] | None = None) -> SurveyStatistics:
    """Statistics of every question, plus response counts per channel."""
    total, shown, answers, kept = collect(survey, responses)
    questions = tuple(q.qtype.summarise(q, answers[q.id], shown[q.id])
                      for q in survey.questions)
    channels = Counter(r.channel or None for r in kept)
    channel_rows = tuple(
        CategoryCount(key or "", channel_label(key, channel_labels), n,
                      100.0 * n / total, 100.0 * n / total)
        for key, n in sorted(channels.items(), key=lambda kv: (-kv[1], kv[0] is None,
                                                                kv[0] or "")))
    times = [r.submitted_at for r in kept if r.submitted_at is not None]
    return SurveyStatistics(total, questions, channel_rows,
                            min(times) if times else None, max(times) if times else None)
