"""Building a context from raw inputs: period summaries, derived measures, themes,
recommendations and the follow-up of the previous report, on a small constructed case."""

from dataclasses import replace
from datetime import UTC, date, datetime

import numpy as np
import pytest

from reports.assemble import AnalysisOptions, FollowUpStatus, ThemeInput, build_context
from reports.context import DailySeries, MetricDefinition, Period, ReportContext

START = date(2026, 3, 2)  # a Monday, 32 weeks before the end of October
OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30))
DAYS = (OCTOBER.end - START).days + 1
GENERATED = datetime(2026, 11, 1, 9, tzinfo=UTC)


def _index(day: date) -> int:
    return (day - START).days


def _metrics():
    oct0 = _index(OCTOBER.start)
    dau = np.full(DAYS, 100.0)
    dau[oct0:] = 90.0
    total = 1000.0 + np.arange(DAYS)
    return [
        DailySeries("new_members", START, [10.0] * DAYS),
        DailySeries("churned", START, [4.0] * DAYS),
        DailySeries("total_members", START, total.tolist()),
        DailySeries("dau", START, dau.tolist()),
        DailySeries("interactions", START, (dau * 3).tolist()),
        DailySeries("custom:posts", START, [2.0] * DAYS),
    ]


def _themes():
    rng = np.random.default_rng(0)
    weekly = rng.poisson(30, DAYS // 7 + 1).repeat(7)[:DAYS].astype(int)
    flat = np.full(DAYS, 2, dtype=int)
    rising = flat.copy()
    rising[_index(OCTOBER.start):] = 6
    return [
        ThemeInput("points", "积分兑换", "激励与积分", START, positive=(flat // 2).tolist(),
                   neutral=(flat // 2).tolist(), negative=rising.tolist(),
                   keywords=["积分", "兑换", "发货"], acted_on=date(2026, 10, 20)),
        ThemeInput("topics", "话题讨论", "用户互动", START, positive=weekly.tolist(),
                   neutral=[0] * DAYS, negative=[0] * DAYS, keywords=["话题"]),
    ]


@pytest.fixture(scope="module")
def ctx():
    return build_context(community_name="测试社群", period=OCTOBER, previous_period=SEPTEMBER,
                         metrics=_metrics(), themes=_themes(), generated_at=GENERATED,
                         metric_definitions=[MetricDefinition("custom:posts", "发帖数", "篇")])


def test_period_summaries_follow_each_metrics_aggregation(ctx):
    m = ctx.metrics
    new = m.summary("new_members")
    assert (new.value, new.previous) == (310.0, 300.0)      # flows are summed
    assert new.change_pct == pytest.approx(310 / 300 - 1)
    dau = m.summary("dau")
    assert (dau.value, dau.previous) == (90.0, 100.0)       # levels are averaged
    assert dau.change_pct == pytest.approx(-0.1)
    total = m.summary("total_members")                      # stocks take the last day
    assert total.value == 1000.0 + _index(OCTOBER.end)
    assert m.summary("custom:posts").label == "发帖数"


def test_derived_measures_and_the_stated_mau_approximation(ctx):
    m = ctx.metrics
    growth = m.summary("growth_rate")
    end_sep, end_oct = 1000.0 + _index(SEPTEMBER.end), 1000.0 + _index(OCTOBER.end)
    assert growth.value == pytest.approx(end_oct / end_sep - 1)
    assert m.summary("net_growth").value == 310 - 124
    assert m.summary("interactions_per_active").value == pytest.approx(3.0)
    # MAU was not given: 30 × DAU (2,700–3,000) exceeds the member total, which caps it
    mau = m.summary("mau")
    assert mau.derived and mau.value == end_oct
    sticky = m.summary("stickiness")
    assert sticky.value == pytest.approx(90 / np.mean(1000.0 + np.arange(_index(OCTOBER.start),
                                                                       _index(OCTOBER.end) + 1)))
    assert "下界" in sticky.note
    assert any("上界" in note for note in m.notes)


def test_theme_volumes_shares_and_sentiment(ctx):
    points = next(t for t in ctx.themes.themes if t.key == "points")
    assert points.volume == 31 * (1 + 1 + 6)
    assert points.previous_volume == 30 * (1 + 1 + 2)
    assert points.sentiment.negative == 31 * 6
    assert points.negative_share == pytest.approx(0.75)
    assert points.previous_negative_share == pytest.approx(0.5)
    assert sum(t.share for t in ctx.themes.themes) == pytest.approx(1.0)


def test_recommendations_rank_the_negative_growing_theme_with_playbook_actions(ctx):
    items = ctx.recommendations.items
    assert [r.theme_key for r in items] == ["points"]  # the other theme has no negatives
    top = items[0]
    assert top.report_area == "用户激励"
    assert len(top.actions) == 3  # a theme outside the frame borrows the 积分与权益 entry
    assert any("发货" in a or "兑换" in a for a in top.actions)
    assert top.priority.growth == pytest.approx(248 / 120 - 1)
    assert "100 × V × N × G" in ctx.recommendations.formula


def test_acted_on_dates_get_a_before_after_comparison_and_a_chart_marker(ctx):
    labels = {e.label for e in ctx.metrics.events}
    assert "「积分兑换」改进上线" in labels
    dau = next(b for b in ctx.metrics.before_after if b.metric_key == "dau")
    assert dau.event_date == date(2026, 10, 20)
    assert dau.n_after == 11
    assert dau.mean_before == pytest.approx((9 * 100 + 19 * 90) / 28)  # Sep 22 – Oct 19


def test_follow_up_reads_the_previous_report_from_json(ctx):
    previous = ReportContext.from_json(ctx.to_json())
    november = Period(date(2026, 11, 1), date(2026, 11, 30))
    later_metrics = [replace(s, values=s.values + [s.values[-1]] * 30) for s in _metrics()]
    later_themes = [replace(t, positive=t.positive + [1] * 30, neutral=t.neutral + [1] * 30,
                            negative=t.negative + [1] * 30) for t in _themes()]
    nxt = build_context(community_name="测试社群", period=november, previous=previous,
                        metrics=later_metrics, themes=later_themes, generated_at=GENERATED,
                        metric_definitions=[MetricDefinition("custom:posts", "发帖数", "篇")],
                        follow_up=[FollowUpStatus("points", "acted", date(2026, 10, 20),
                                                  "商品已补货")])
    (item,) = nxt.follow_up.items
    assert item.status_label == "已采纳"
    assert item.previous_volume == 248 and item.current_volume == 90
    assert item.note == "商品已补货"
    assert item.metric_changes and item.metric_changes[0].event_date == date(2026, 10, 20)
    assert item.summary.startswith("「积分兑换」已采纳")
    assert nxt.follow_up.previous_period == OCTOBER
    followup = next(f.text for f in nxt.summary.findings if f.kind == "followup")
    assert followup.startswith("上期 1 项改进建议中已采纳 1 项")


def test_defaults_and_validation():
    ctx = build_context(community_name="空社群", period=OCTOBER, generated_at=GENERATED)
    assert ctx.previous_period == Period(date(2026, 8, 31), date(2026, 9, 30))
    assert ctx.metrics is None and ctx.themes is None and ctx.recommendations is None
    with pytest.raises(ValueError, match="neither standard nor defined"):
        build_context(community_name="x", period=OCTOBER,
                      metrics=[DailySeries("mystery", START, [1.0])])
    with pytest.raises(ValueError, match="must end before"):
        build_context(community_name="x", period=OCTOBER, previous_period=OCTOBER)


def test_options_change_the_analysis(ctx):
    few = build_context(community_name="测试社群", period=OCTOBER, previous_period=SEPTEMBER,
                        metrics=_metrics(), themes=_themes(), generated_at=GENERATED,
                        metric_definitions=[MetricDefinition("custom:posts", "发帖数", "篇")],
                        options=AnalysisOptions(correlation_weeks=12, max_lag=2,
                                                actions_per_recommendation=1))
    assert len(few.recommendations.items[0].actions) == 1
    points = next(t for t in few.themes.themes if t.key == "points")
    assert len(points.weekly_volume.values) == 12
    assert all(s.max_lag == 2 for s in points.correlations)
