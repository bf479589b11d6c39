"""Executive-summary findings: 3–5 Chinese sentences with numbers, worded as associations."""

import re
from datetime import date, datetime

import pytest

from reports.context import Period, SentimentMix, ThemeSummary
from reports.findings import _theme_sentence
from reports.formatting import fmt_score
from reports.sample import sample_context

# written out here on purpose, independently of the code under test
CAUSAL_WORDS = ["导致", "造成", "因为", "由于", "引起", "使得", "致使", "归因", "所以", "因此",
                "带来", "引发", "促使", "得益于", "源于", "归咎"]


def _generated_texts(ctx):
    texts = [f.text for f in ctx.summary.findings]
    if ctx.recommendations:
        texts += [r.rationale for r in ctx.recommendations.items]
    if ctx.follow_up:
        texts += [i.summary for i in ctx.follow_up.items]
    return texts


@pytest.fixture(scope="module")
def contexts(sample_ctx):
    others = [sample_context(history_days=240, n_themes=n, seed=seed, wordclouds=False)
              for seed, n in ((1, 4), (2, 10))]
    return [sample_ctx, *others]


def test_three_to_five_findings_each_a_sentence_with_a_number(contexts):
    for ctx in contexts:
        findings = ctx.summary.findings
        assert 3 <= len(findings) <= 5
        for f in findings:
            assert f.text.endswith("。")
            assert re.search(r"\d", f.text), f.text


def test_generated_text_never_claims_causation(contexts):
    for ctx in contexts:
        for text in _generated_texts(ctx):
            for word in CAUSAL_WORDS:
                assert word not in text, f"{word!r} in {text!r}"


def test_the_leading_finding_states_the_association_with_r_and_lag(sample_ctx):
    lead = sample_ctx.summary.findings[0].text
    top = sample_ctx.recommendations.items[0]
    assert lead.startswith(f"「{top.theme_name}」相关反馈较上期")
    assert "负面占" in lead
    assert re.search(r"存在.{1,6}的(正|负)相关（r = −?\d\.\d\d，(同周|滞后 \d 周)）", lead), lead
    assert "同期" in lead


def test_findings_cover_metrics_surveys_and_suggestions(sample_ctx):
    kinds = [f.kind for f in sample_ctx.summary.findings]
    assert kinds[0] == "theme"
    assert {"metric", "survey", "suggestion"} <= set(kinds)
    survey = next(f.text for f in sample_ctx.summary.findings if f.kind == "survey")
    nps = sample_ctx.surveys.nps
    assert f"NPS 为 {fmt_score(nps.score)}" in survey
    assert fmt_score(nps.score)[0] in "+−0"


@pytest.mark.parametrize(("current", "previous", "words"), [
    (15, 1, "由上期 1 条增至 15 条"),
    (2, 4, "由上期 4 条降至 2 条"),
    (3, 0, "由上期 0 条增至 3 条"),
    (28, 3, "由上期 3 条增至 28 条"),
    (12, 6, "由上期 6 条增至 12 条"),
    (40, 20, "较上期增长 100%"),
    (26, 26, "较上期基本持平"),
])
def test_changes_from_a_small_base_read_as_counts_not_percentages(current, previous, words):
    from reports.formatting import count_change_words

    assert count_change_words(current, previous) == words


def test_a_theme_from_a_small_base_is_not_called_new():
    from reports.context import ReportContext

    theme = ThemeSummary(key="a", name="广告刷屏", area="", volume=12, share=0.5,
                         previous_volume=6, change_pct=None,
                         sentiment=SentimentMix(1, 2, 9))
    ctx = ReportContext(community_name="x", period=Period(date(2026, 10, 1),
                                                          date(2026, 10, 31)),
                        previous_period=Period(date(2026, 9, 1), date(2026, 9, 30)),
                        generated_at=datetime(2026, 11, 1))
    text = _theme_sentence(ctx, theme)
    assert "由上期 6 条增至 12 条" in text and "新出现" not in text
@pytest.mark.parametrize(("value", "text"), [
    (8.6, "+8.6"), (-12.04, "−12.0"), (0.0, "0.0"), (0.04, "0.0"), (None, "—"), (100, "+100.0"),
])
def test_scores_are_shown_with_their_sign(value, text):
    assert fmt_score(value) == text
