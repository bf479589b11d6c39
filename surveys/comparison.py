"""Segment comparison: one question's score in two segments of the respondents, with a
significance test and a plain Chinese sentence that says what the difference means.

Segments are the respondents of one channel, or those who gave one answer to a single-choice
or dropdown question (the same columns as the cross-tab). The score and the test follow the
question's type:

- NPS: the difference of the two NPS. Each respondent scores +1, 0 or −1, so NPS is 100 × a
  mean whose variance is p + d − (p − d)² (p, d the promoter and detractor shares); the two
  independent means are compared with a z test and a 95% interval of the difference.
- CSAT: the share of satisfied answers (4–5), with the two-proportion z test (pooled share for
  the test, unpooled standard error for the interval).
- Ratings, CES, numbers: the means, with Welch's t test (no equal-variance assumption) and the
  Welch–Satterthwaite degrees of freedom.

A test needs at least two answers in each segment (and some spread); with fewer the result
says so instead of giving a p-value. Segments under ``SMALL_BASE`` respondents are flagged.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from surveys.crosstab import BY_CHANNEL, BY_TYPES, CrossTabError
from surveys.definition import Question, Survey
from surveys.path import walk
from surveys.question_types.choice import selected
from surveys.responses import SurveyResponse
from surveys.scoring import Z_95, nps_group
from surveys.statistics import channel_label
from surveys.stats_results import SMALL_BASE

#: Question types a comparison can score.
COMPARABLE_TYPES = frozenset({"nps", "csat", "rating", "ces", "number"})
#: The usual threshold: below it a difference is called 显著.
ALPHA = 0.05
#: The segment key of responses without a channel.
NO_CHANNEL_KEY = "_none"


@dataclass(frozen=True)
class Segment:
    """One side of the comparison: its label, respondents and score."""

    key: str
    label: str
    n: int
    value: float | None

    @property
    def small(self) -> bool:
        """Whether the segment has fewer than ``SMALL_BASE`` respondents."""
        return self.n < SMALL_BASE


@dataclass(frozen=True)
class Comparison:
    """Two segments' scores, their difference (a − b) and the test of it."""

    question_id: str
    metric: str  # "NPS", "CSAT %" or "均值"
    test: str  # the test, named in Chinese
    a: Segment
    b: Segment
    difference: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    sentence: str

    @property
    def significant(self) -> bool:
        """Whether the difference is significant at ``ALPHA``."""
        return self.p_value is not None and self.p_value < ALPHA

    @property
    def small(self) -> bool:
        """Whether either segment is small."""
        return self.a.small or self.b.small


def segments_of(survey: Survey, responses: Iterable[SurveyResponse], by: str,
                channel_labels: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """The segments ``by`` offers, as (key, label): the channels present in the responses
    (``NO_CHANNEL_KEY`` for none), or the options of a single-choice or dropdown question."""
    if by == BY_CHANNEL:
        seen: dict[str, int] = {}
        for r in responses:
            key = r.channel or NO_CHANNEL_KEY
            seen[key] = seen.get(key, 0) + 1
        keys = sorted(seen, key=lambda k: (k == NO_CHANNEL_KEY, -seen[k], k))
        return [(k, channel_label(None if k == NO_CHANNEL_KEY else k, channel_labels))
                for k in keys]
    question = _by_question(survey, by)
    return [(o.id, o.label) for o in question.options]


def _by_question(survey: Survey, by: str) -> Question:
    try:
        question = survey.question(by)
    except KeyError:
        raise CrossTabError(f"问卷中没有题目「{by}」") from None
    if question.type not in BY_TYPES:
        raise CrossTabError("只能按单选题、下拉题或渠道分组")
    return question


def _values(survey: Survey, responses: Iterable[SurveyResponse], question: Question, by: str,
            keys: tuple[str, str]) -> tuple[list[float], list[float]]:
    by_question = None if by == BY_CHANNEL else _by_question(survey, by)
    found: dict[str, list[float]] = {keys[0]: [], keys[1]: []}
    for r in responses:
        known = walk(survey, r.answers, report=()).known
        if by_question is None:
            key = r.channel or NO_CHANNEL_KEY
        else:
            answer = known.get(by_question.id)
            if answer is None:
                continue
            key = selected(answer)[0]
        value = known.get(question.id)
        if key in found and isinstance(value, int | float) and not isinstance(value, bool):
            found[key].append(float(value))
    return found[keys[0]], found[keys[1]]


def compare_segments(survey: Survey, responses: Iterable[SurveyResponse], question_id: str,
                     by: str, a: str, b: str, *,
                     channel_labels: Mapping[str, str] | None = None) -> Comparison:
    """Compare ``question_id``'s score between segments ``a`` and ``b`` of ``by`` (a channel
    key, ``NO_CHANNEL_KEY``, or an option id of the ``by`` question)."""
    try:
        question = survey.question(question_id)
    except KeyError:
        raise CrossTabError(f"问卷中没有题目「{question_id}」") from None
    if question.type not in COMPARABLE_TYPES:
        raise CrossTabError("分组对比只适用于 NPS、CSAT、CES、评分和数字题")
    if a == b:
        raise CrossTabError("请选择两个不同的分组")
    responses = list(responses)
    labels = dict(segments_of(survey, responses, by, channel_labels))
    if by != BY_CHANNEL:
        for key in (a, b):
            if key not in labels:
                raise CrossTabError(f"分组题没有选项「{key}」")
    xs, ys = _values(survey, responses, question, by, (a, b))
    label_a = labels.get(a) or channel_label(a, channel_labels)
    label_b = labels.get(b) or channel_label(b, channel_labels)
    if question.type == "nps":
        return _nps(question_id, (a, label_a, xs), (b, label_b, ys))
    if question.type == "csat":
        return _csat(question_id, (a, label_a, xs), (b, label_b, ys))
    return _means(question_id, (a, label_a, xs), (b, label_b, ys))


Side = tuple[str, str, list[float]]


def _normal_p(z: float) -> float:
    from scipy import stats as scipy_stats  # here: the survey pages must not load SciPy

    return float(2 * scipy_stats.norm.sf(abs(z)))


def _nps(question_id: str, a: Side, b: Side) -> Comparison:
    def summary(values: list[float]) -> tuple[float | None, float | None]:
        n = len(values)
        if not n:
            return None, None
        p = sum(1 for v in values if nps_group(int(v)) == "promoter") / n
        d = sum(1 for v in values if nps_group(int(v)) == "detractor") / n
        return 100.0 * (p - d), 100.0 ** 2 * (p + d - (p - d) ** 2) / n

    (va, var_a), (vb, var_b) = summary(a[2]), summary(b[2])
    return _z_result(question_id, "NPS", "NPS 差异的 z 检验", a, b, va, vb, var_a, var_b,
                     unit="分")


def _csat(question_id: str, a: Side, b: Side) -> Comparison:
    def share(values: list[float]) -> float | None:
        return sum(1 for v in values if v >= 4) / len(values) if values else None

    pa, pb = share(a[2]), share(b[2])
    na, nb = len(a[2]), len(b[2])
    var_a = 100.0 ** 2 * pa * (1 - pa) / na if pa is not None else None
    var_b = 100.0 ** 2 * pb * (1 - pb) / nb if pb is not None else None
    pooled_se = None
    if pa is not None and pb is not None:
        pooled = (pa * na + pb * nb) / (na + nb)
        pooled_se = 100.0 * math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb))
    return _z_result(question_id, "CSAT %", "两比例 z 检验", a, b,
                     None if pa is None else 100.0 * pa, None if pb is None else 100.0 * pb,
                     var_a, var_b, test_se=pooled_se, unit="个百分点")


def _z_result(question_id: str, metric: str, test: str, a: Side, b: Side,
              va: float | None, vb: float | None, var_a: float | None, var_b: float | None,
              *, test_se: float | None = None, unit: str) -> Comparison:
    seg_a = Segment(a[0], a[1], len(a[2]), va)
    seg_b = Segment(b[0], b[1], len(b[2]), vb)
    if va is None or vb is None or seg_a.n < 2 or seg_b.n < 2:
        return _untestable(question_id, metric, test, seg_a, seg_b)
    diff = va - vb
    se = math.sqrt(var_a + var_b)
    se_test = test_se if test_se is not None else se
    if se_test == 0:
        p = 1.0 if diff == 0 else 0.0
    else:
        p = _normal_p(diff / se_test)
    low, high = diff - Z_95 * se, diff + Z_95 * se
    return Comparison(question_id, metric, test, seg_a, seg_b, diff, low, high, p,
                      _sentence(metric, seg_a, seg_b, diff, low, high, p, unit))


def _means(question_id: str, a: Side, b: Side) -> Comparison:
    xs, ys = a[2], b[2]
    seg_a = Segment(a[0], a[1], len(xs), sum(xs) / len(xs) if xs else None)
    seg_b = Segment(b[0], b[1], len(ys), sum(ys) / len(ys) if ys else None)
    test = "Welch t 检验"
    if seg_a.n < 2 or seg_b.n < 2:
        return _untestable(question_id, "均值", test, seg_a, seg_b)
    var_a = _sample_variance(xs) / seg_a.n
    var_b = _sample_variance(ys) / seg_b.n
    diff = seg_a.value - seg_b.value
    se = math.sqrt(var_a + var_b)
    if se == 0:
        p = 1.0 if diff == 0 else 0.0
        low = high = diff
    else:
        from scipy import stats as scipy_stats

        df = (var_a + var_b) ** 2 / (var_a ** 2 / (seg_a.n - 1) + var_b ** 2 / (seg_b.n - 1))
        p = float(2 * scipy_stats.t.sf(abs(diff / se), df))
        margin = float(scipy_stats.t.ppf(0.975, df)) * se
        low, high = diff - margin, diff + margin
    return Comparison(question_id, "均值", test, seg_a, seg_b, diff, low, high, p,
                      _sentence("平均分", seg_a, seg_b, diff, low, high, p, "分", digits=2))


def _sample_variance(values: list[float]) -> float:
    mean = sum(values) / len(values)
    return sum((v - mean) ** 2 for v in values) / (len(values) - 1)


def _untestable(question_id: str, metric: str, test: str, a: Segment, b: Segment
                ) -> Comparison:
    few = "、".join(f"「{s.label}」只有 {s.n} 人" for s in (a, b) if s.n < 2)
    sentence = f"{few}作答，回答太少，无法检验两组的差异。"
    return Comparison(question_id, metric, test, a, b, None, None, None, None, sentence)


def _num(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace("-", "−")


def _signed(value: float, digits: int) -> str:
    text = _num(value, digits)
    return ("+" + text) if round(value, digits) > 0 else text


def _p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def _sentence(metric: str, a: Segment, b: Segment, diff: float, low: float, high: float,
              p: float, unit: str, digits: int = 1) -> str:
    show = _signed if metric == "NPS" else _num
    suffix = "%" if metric == "CSAT %" else ""
    # a space between Latin and Chinese text, none between Chinese characters
    name = {"NPS": " NPS ", "CSAT %": " CSAT 满意率"}.get(metric, metric)
    higher = "高" if diff > 0 else "低"
    parts = [f"「{a.label}」（{a.n} 人）的{name}为 {show(a.value, digits)}{suffix}，"
             f"「{b.label}」（{b.n} 人）为 {show(b.value, digits)}{suffix}"]
    if round(diff, digits) == 0:
        parts.append("，两组几乎相同")
    else:
        parts.append(f"，{higher} {_num(abs(diff), digits)} {unit}")
    parts.append(f"（95% 置信区间 {_signed(low, digits)} ～ {_signed(high, digits)}）。")
    if p < ALPHA:
        parts.append(f"{_p_text(p)}：差异在统计上显著，不太像只是抽样的偶然波动。")
    else:
        parts.append(f"{_p_text(p)}：差异不显著，可能只是抽样的偶然波动，不宜据此下结论。")
    small = [s for s in (a, b) if s.small]
    if small:
        names = "、".join(f"「{s.label}」" for s in small)
        parts.append(f"{names}不足 {SMALL_BASE} 人，结论仅供参考。")
    return "".join(parts)


def comparable(question: Question) -> bool:
    """Whether a comparison can score this question."""
    return question.type in COMPARABLE_TYPES


__all__ = ["ALPHA", "COMPARABLE_TYPES", "NO_CHANNEL_KEY", "Comparison", "Segment",
           "comparable", "compare_segments", "segments_of"]
