"""Segment comparison: scores and tests checked against scipy and hand-computed numbers."""

from __future__ import annotations

import math

import pytest
from scipy import stats

from surveys import Survey
from surveys.comparison import compare_segments, segments_of
from surveys.crosstab import BY_CHANNEL, CrossTabError
from surveys.responses import SurveyResponse

DEFINITION = Survey.from_dict({
    "schema_version": 1, "title": "对比",
    "pages": [{"id": "p1", "title": "全部", "questions": [
        {"id": "group", "type": "single_choice", "title": "你在哪个群？",
         "options": [{"id": "a", "label": "一群"}, {"id": "b", "label": "二群"}]},
        {"id": "nps", "type": "nps", "title": "推荐意愿"},
        {"id": "csat", "type": "csat", "title": "满意度"},
        {"id": "stars", "type": "rating", "title": "打分"},
        {"id": "say", "type": "long_text", "title": "想说的话"},
    ]}],
})


def responses(rows):
    return [SurveyResponse(answers, channel=channel, id=str(n))
            for n, (answers, channel) in enumerate(rows)]


def test_nps_difference_uses_the_variance_of_the_plus_one_zero_minus_one_scores():
    group_a = [10] * 30 + [8] * 10 + [3] * 10  # NPS +40 of 50
    group_b = [10] * 10 + [7] * 10 + [5] * 20  # NPS −25 of 40
    rows = ([({"nps": v}, "wx-1") for v in group_a] + [({"nps": v}, "wx-2") for v in group_b])
    result = compare_segments(DEFINITION, responses(rows), "nps", BY_CHANNEL, "wx-1", "wx-2",
                              channel_labels={"wx-1": "微信1群", "wx-2": "微信2群"})
    assert (result.a.value, result.b.value) == (pytest.approx(40.0), pytest.approx(-25.0))
    assert result.difference == pytest.approx(65.0)
    var = (0.6 + 0.2 - 0.4 ** 2) / 50 + (0.25 + 0.5 - 0.25 ** 2) / 40
    z = 0.65 / math.sqrt(var)
    assert result.p_value == pytest.approx(2 * stats.norm.sf(z))
    assert result.ci_low == pytest.approx(65 - 1.959964 * 100 * math.sqrt(var), abs=1e-3)
    assert result.significant and not result.small
    assert result.sentence.startswith(
        "「微信1群」（50 人）的 NPS 为 +40.0，「微信2群」（40 人）为 −25.0，高 65.0 分")
    assert "差异在统计上显著" in result.sentence and "p < 0.001" in result.sentence


def test_csat_uses_the_two_proportion_test_and_small_groups_are_flagged():
    rows = ([({"group": "a", "csat": v}, None) for v in [5, 4, 4, 2, 1, 5, 4, 3]]
            + [({"group": "b", "csat": v}, None) for v in [5, 2, 2, 1, 3, 4, 2]])
    result = compare_segments(DEFINITION, responses(rows), "csat", "group", "a", "b")
    pa, pb = 5 / 8, 2 / 7
    pooled = 7 / 15
    z = (pa - pb) / math.sqrt(pooled * (1 - pooled) * (1 / 8 + 1 / 7))
    assert result.p_value == pytest.approx(2 * stats.norm.sf(z))
    assert result.test == "两比例 z 检验" and result.small
    assert "差异不显著" in result.sentence and "不足 30 人，结论仅供参考" in result.sentence
    assert "CSAT 满意率为 62.5%" in result.sentence


def test_means_use_welch_t_test_as_scipy_does():
    xs, ys = [5, 4, 5, 3, 5, 4, 4, 5], [2, 3, 1, 4, 2, 5, 3, 2, 1, 2]
    rows = ([({"group": "a", "stars": v}, None) for v in xs]
            + [({"group": "b", "stars": v}, None) for v in ys])
    result = compare_segments(DEFINITION, responses(rows), "stars", "group", "a", "b")
    expected = stats.ttest_ind(xs, ys, equal_var=False)
    assert result.p_value == pytest.approx(expected.pvalue)
    assert result.test == "Welch t 检验" and result.significant
    assert "平均分为 4.38" in result.sentence


def test_too_few_answers_are_not_tested_and_bad_choices_are_refused():
    rows = [({"group": "a", "nps": 9}, None), ({"group": "b", "nps": 3}, None),
            ({"group": "b", "nps": 4}, None)]
    result = compare_segments(DEFINITION, responses(rows), "nps", "group", "a", "b")
    assert result.p_value is None and "「一群」只有 1 人作答" in result.sentence
    for question, by, a, b in (("say", "group", "a", "b"), ("nps", "group", "a", "a"),
                               ("nps", "group", "a", "zz"), ("nps", "stars", "a", "b")):
        with pytest.raises(CrossTabError):
            compare_segments(DEFINITION, responses(rows), question, by, a, b)


def test_segments_are_the_channels_present_or_the_options():
    rows = [({"nps": 9}, "wx-1"), ({"nps": 9}, "wx-1"), ({"nps": 3}, None)]
    assert segments_of(DEFINITION, responses(rows), BY_CHANNEL, {"wx-1": "微信1群"}) == [
        ("wx-1", "微信1群"), ("_none", "未标注渠道")]
    assert segments_of(DEFINITION, responses(rows), "group") == [("a", "一群"), ("b", "二群")]
