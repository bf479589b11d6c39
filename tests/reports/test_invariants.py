"""Property tests: whatever a community's numbers are, the assembled report holds no
impossible or misleading figure (reports.invariants), and the text checker catches the
figures the issue found in the old sample report."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.assemble import AnalysisOptions, ThemeInput, build_context
from reports.context import (
    CompletedSuggestion,
    DailySeries,
    Period,
    SuggestionCounts,
    SuggestionPipeline,
)
from reports.invariants import context_problems, text_problems

PERIOD = Period(date(2026, 10, 1), date(2026, 10, 31))
START = PERIOD.end - timedelta(days=26 * 7 + 40)
DAYS = (PERIOD.end - START).days + 1
OPTIONS = AnalysisOptions(bootstrap_samples=100, top_themes=4)


@st.composite
def series(draw, low: float, high: float) -> list[float]:
    """A daily series with a level, a trend and noise (a walk of whole numbers)."""
    level = draw(st.floats(low, high))
    slope = draw(st.floats(-0.5, 0.5)) * max(1.0, level / 100)
    noise = draw(st.lists(st.floats(-0.2, 0.2), min_size=8, max_size=8))
    return [max(0.0, round(level + slope * i + level * noise[i % 8])) for i in range(DAYS)]


@st.composite
def theme(draw, index: int) -> ThemeInput:
    rate = draw(st.floats(0, 3))
    negative = draw(st.floats(0, 1))
    days = draw(st.lists(st.integers(0, 6), min_size=DAYS, max_size=DAYS))
    counts = [round(d * rate) for d in days]
    neg = [round(c * negative) for c in counts]
    return ThemeInput(key=f"t{index}", name=f"主题{index}", area="内容与活动", start=START,
                      positive=[c - n for c, n in zip(counts, neg, strict=True)],
                      neutral=[0] * DAYS, negative=neg,
                      acted_on=draw(st.one_of(st.none(), st.dates(PERIOD.start - timedelta(40),
                                                                   PERIOD.end))))


@st.composite
def suggestions(draw) -> SuggestionPipeline:
    def counts():
        received = draw(st.integers(0, 60))
        replied = draw(st.integers(0, received))
        return SuggestionCounts(received=received, replied=replied,
                                resolved=draw(st.integers(0, 200)),
                                received_resolved=draw(st.integers(0, received)))
    done = [CompletedSuggestion(title=f"建议{i}", completed_on=PERIOD.start + timedelta(i * 5),
                                praise=draw(st.booleans())) for i in range(draw(st.integers(0, 3)))]
    return SuggestionPipeline(current=counts(), previous=counts(), completed=done)


@st.composite
def community(draw) -> dict:
    metrics = [DailySeries("dau", START, draw(series(0, 2000))),
               DailySeries("total_members", START, draw(series(0, 5000))),
               DailySeries("new_members", START, draw(series(0, 60))),
               DailySeries("churned", START, draw(series(0, 30))),
               DailySeries("interactions", START, draw(series(0, 9000)))]
    themes = [draw(theme(i)) for i in range(draw(st.integers(0, 4)))]
    return {"metrics": metrics, "themes": themes, "suggestions": draw(suggestions())}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(community())
def test_no_assembled_report_has_an_impossible_or_misleading_figure(inputs):
    ctx = build_context(community_name="随机社群", period=PERIOD, options=OPTIONS,
                        generated_at=datetime(2026, 11, 1, tzinfo=UTC), **inputs)
    assert context_problems(ctx) == []
    # a figure printed in several places is one computed figure
    if ctx.summary.highlights:
        for tile in ctx.summary.highlights:
            assert ctx.metrics.summary(tile.key) is tile


def test_the_text_check_finds_what_the_old_sample_report_showed():
    old = ("解决率 126%（上期 111%） 本期 NPS 为 21.3（80 份回答） NPS 21.2 贬损者 "
           "较上期 +833%（上期 3 条） NPS 为 130")
    problems = text_problems(old)
    assert any("解决率 126%" in p for p in problems)
    assert any("base of 3" in p for p in problems)
    assert any("outside" in p for p in problems)
    assert any("printed as" in p for p in problems)
    assert text_problems("解决率 46%（上期 37%） 社群 NPS 为 2.9 较上期 +12%（上期 40 条）") == []
