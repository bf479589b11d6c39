"""Cross-tabs: any question (rows) by a single-choice question or by channel (columns).

Rows are the question's categories: options for choice questions (multiple choice counts
each chosen option, so a column's percentages can add up to more than 100), scale points for
ratings, CSAT and CES, promoter / passive / detractor for NPS, a matrix row's scale points
(pass ``item``), the item ranked first for ranking (with each item's average position per
column in ``means``), value bins for numbers, months for dates, and "已作答" for text.

Column percentages are of the column's *base*: the respondents in that column who answered
the row question. Respondents who did not answer the "by" question are left out and counted
in ``excluded``; responses without a channel form the 未标注渠道 column.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from surveys.definition import Survey
from surveys.path import walk
from surveys.question_types.choice import selected
from surveys.responses import SurveyResponse
from surveys.statistics import NO_CHANNEL_LABEL, channel_label
from surveys.stats_results import CrossTab, CrossTabColumn, CrossTabRow

BY_CHANNEL = "@channel"
BY_TYPES = frozenset({"single_choice", "dropdown"})


class CrossTabError(ValueError):
    """The cross-tab asked for cannot be built (unknown question, wrong "by" type…)."""


def cross_tab(survey: Survey, responses: Iterable[SurveyResponse], question_id: str,
              by: str = BY_CHANNEL, *, item: str | None = None,
              channel_labels: Mapping[str, str] | None = None) -> CrossTab:
    """Counts and column percentages of ``question_id`` by ``by`` (a single-choice or
    dropdown question id, or ``BY_CHANNEL``)."""
    try:
        q = survey.question(question_id)
    except KeyError:
        raise CrossTabError(f"问卷中没有题目「{question_id}」") from None
    qtype = q.qtype
    if q.type == "matrix":
        if item not in q.item_index:
            raise CrossTabError("矩阵题的交叉分析需要指定一行（item）")
    elif item is not None:
        raise CrossTabError("只有矩阵题需要指定行（item）")
    by_question = None
    if by != BY_CHANNEL:
        try:
            by_question = survey.question(by)
        except KeyError:
            raise CrossTabError(f"问卷中没有题目「{by}」") from None
        if by_question.type not in BY_TYPES:
            raise CrossTabError("只能按单选题、下拉题或渠道进行交叉分析")

    records: list[tuple[str | None, Any]] = []
    excluded = 0
    channel_counts: Counter = Counter()
    for r in responses:
        w = walk(survey, r.answers, report=())
        if by_question is None:
            column = r.channel or None
            channel_counts[column] += 1
        else:
            by_answer = w.known.get(by_question.id)
            if by_answer is None:
                excluded += 1
                continue
            column = selected(by_answer)[0]
        answer = w.known.get(question_id)
        if answer is None or (item is not None and item not in answer):
            continue
        records.append((column, answer))

    if by_question is None:
        keys = sorted(channel_counts, key=lambda k: (k is None, -channel_counts[k], k or ""))
        column_defs = [(k, channel_label(k, channel_labels)) for k in keys]
    else:
        column_defs = [(o.id, o.label) for o in by_question.options]
    index = {k: n for n, (k, _) in enumerate(column_defs)}
    per_column: list[list[Any]] = [[] for _ in column_defs]
    for column, answer in records:
        per_column[index[column]].append(answer)

    all_answers = [a for _, a in records]
    categories = qtype.categories(q, all_answers, item)
    counts = {key: [0] * len(column_defs) for key, _ in categories}
    totals: Counter = Counter()
    for n, answers in enumerate(per_column):
        for answer in answers:
            for key in qtype.category_keys(q, answer, item, categories):
                if key in counts:
                    counts[key][n] += 1
                    totals[key] += 1
    bases = [len(a) for a in per_column]
    rows = []
    for key, label in categories:
        means = None
        if q.type == "ranking":
            means = tuple(qtype.row_mean(q, answers, key) for answers in per_column)
        rows.append(CrossTabRow(
            key, label, tuple(counts[key]),
            tuple(100.0 * c / b if b else 0.0 for c, b in zip(counts[key], bases, strict=True)),
            totals[key], 100.0 * totals[key] / len(records) if records else 0.0, means))
    columns = tuple(CrossTabColumn(k, label, b)
                    for (k, label), b in zip(column_defs, bases, strict=True))
    overall = qtype.score(q, all_answers, item)
    scores = None
    if overall is not None:
        scores = tuple(qtype.score(q, answers, item)[1] if answers else None
                       for answers in per_column)
    return CrossTab(question_id, item, by, columns, tuple(rows), len(records), excluded,
                    overall[0] if overall else None, scores, overall[1] if overall else None)


__all__ = ["BY_CHANNEL", "NO_CHANNEL_LABEL", "CrossTabError", "cross_tab"]
