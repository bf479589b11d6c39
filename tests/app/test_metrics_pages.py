"""The metrics pages: derived measures and charts, custom metrics, and the link between
feedback themes and metrics fed with known synthetic series."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.services.metrics import analysis as metrics_analysis
from reports.context import Period
from tests.factories_reports import (
    install_theme_provider,
    seed_metric,
    theme_input,
    weekly_pattern_daily,
)

MONDAY = date(2026, 3, 2)
WEEKS = 30
#: A theme's weekly volume with ups and downs (no trend, so the answer is clean).
THEME_WEEKLY = [12, 30, 18, 25, 9, 40, 22, 15, 33, 11, 27, 19, 36, 14, 24, 8, 31, 20, 29, 10,
                38, 16, 26, 13, 34, 21, 17, 28, 23, 35]


@pytest.fixture
def themes(monkeypatch):
    found: list = []
    install_theme_provider(monkeypatch, found)
    return found


def test_metrics_page_shows_derived_measures_and_svg_charts(app, client, db, login_as,
                                                            community):
    first = date(2026, 9, 1)
    days = 61
    seed_metric(community, "dau", first, [200] * days)
    seed_metric(community, "total_members", first, [1000 + i for i in range(days)])
    seed_metric(community, "content_views", first, [1000] * days)
    seed_metric(community, "clicks", first, [100] * days)
    seed_metric(community, "interactions", first, [600] * days)
    db.session.commit()
    login_as("operator")
    html = client.get("/c/photo/metrics/?range=custom&start=2026-10-01&end=2026-10-31"
                      ).get_data(as_text=True)
    assert html.count("role=\"img\" aria-label") >= 4
    assert "点击率" in html and "10.0%" in html          # 100 clicks / 1000 views
    assert "人均互动" in html and "3.00" in html         # 600 interactions / 200 active
    assert "黏性" in html
    assert "日活跃成员" in html


def test_metrics_page_without_data_says_so(app, client, login_as, community):
    login_as("operator")
    html = client.get("/c/photo/metrics/").get_data(as_text=True)
    assert "这段时间还没有指标数据" in html
    assert "chart-card" not in html and "role=\"img\" aria-label" not in html


def test_weekly_theme_volume_and_dau_feed_the_lagged_correlation(app, db, community, themes):
    # DAU one week after a busy theme week is lower: dau[t + 1] = 600 - 5 × volume[t]
    dau_weekly = [500.0] + [600 - 5 * v for v in THEME_WEEKLY[:-1]]
    seed_metric(community, "dau", MONDAY, weekly_pattern_daily(dau_weekly))
    theme_daily = [v if i % 7 == 0 else 0 for v in THEME_WEEKLY for i in range(7)]
    themes.append(theme_input("ads", "广告刷屏", MONDAY, theme_daily))
    db.session.commit()
    end = MONDAY + timedelta(weeks=WEEKS) - timedelta(days=1)  # a Sunday
    view = metrics_analysis.links(community, Period(end - timedelta(days=27), end))
    assert view.has_metrics and view.has_themes
    (link,) = view.themes
    scan = next(s for s in link.theme.correlations
                if s.metric_key == "dau" and s.theme_series == "volume")
    assert scan.best_lag == 1
    assert scan.best.pearson_r == pytest.approx(-1.0, abs=1e-9)
    assert scan.best.n == 24  # 26 weeks, minus one for differencing, minus the lag
    assert all(abs(c.pearson_r) < 0.99 for c in scan.by_lag if c.lag != 1)


def test_before_after_compares_the_weeks_around_a_theme_acted_on(app, db, community, themes):
    start = date(2026, 9, 1)
    acted_on = start + timedelta(days=40)
    seed_metric(community, "dau", start, [100] * 40 + [100] + [130] * 40)
    themes.append(theme_input("ads", "广告刷屏", start, [3] * 81, acted_on=acted_on))
    db.session.commit()
    view = metrics_analysis.links(community, Period(start + timedelta(days=30),
                                                    start + timedelta(days=80)))
    (result,) = [b for b in view.before_after if b.metric_key == "dau"]
    assert result.event_date == acted_on
    assert (result.n_before, result.n_after) == (28, 28)
    assert result.mean_before == pytest.approx(100)
    assert result.mean_after == pytest.approx(130)
    assert result.change_pct == pytest.approx(0.30)


def test_links_page_states_the_method_and_caveats(app, client, db, login_as, community,
                                                  themes):
    dau_weekly = [500.0] + [600 - 5 * v for v in THEME_WEEKLY[:-1]]
    seed_metric(community, "dau", MONDAY, weekly_pattern_daily(dau_weekly))
    theme_daily = [v if i % 7 == 0 else 0 for v in THEME_WEEKLY for i in range(7)]
    themes.append(theme_input("ads", "广告刷屏", MONDAY, theme_daily))
    db.session.commit()
    login_as("operator")
    end = MONDAY + timedelta(weeks=WEEKS) - timedelta(days=1)
    html = client.get(f"/c/photo/metrics/links?range=custom&start={end - timedelta(days=27)}"
                      f"&end={end}").get_data(as_text=True)
    assert "广告刷屏" in html
    assert "相关不等于因果" in html
    assert "-1.00" in html and "1 周" in html
    assert "Bonferroni" in html


def test_links_page_without_themes_is_honest(app, client, db, login_as, community):
    seed_metric(community, "dau", date(2026, 9, 1), [100] * 30)
    db.session.commit()
    login_as("operator")
    html = client.get("/c/photo/metrics/links").get_data(as_text=True)
    assert "这段时间还没有主题数据" in html


def test_custom_metrics_are_defined_edited_and_deleted(app, client, db, login_as, community):
    from app.models import CustomMetric, MetricValue

    login_as("operator")
    response = client.post("/c/photo/metrics/custom", data={
        "key": "checkins", "name": "作业打卡", "unit": "人次", "aggregation": "sum",
        "higher_is_better": "y"})
    assert response.status_code == 302
    metric = db.session.execute(db.select(CustomMetric)).scalar_one()
    duplicate = client.post("/c/photo/metrics/custom", data={
        "key": "dau", "name": "别的", "aggregation": "sum"}).get_data(as_text=True)
    assert "内置指标" in duplicate
    client.post(f"/c/photo/metrics/custom/{metric.id}", data={
        "name": "每日打卡", "unit": "人次", "aggregation": "mean"})
    db.session.refresh(metric)
    assert (metric.name, metric.aggregation, metric.higher_is_better) == ("每日打卡", "mean",
                                                                         False)
    seed_metric(community, "checkins", date(2026, 10, 1), [5, 6])
    db.session.commit()
    client.post(f"/c/photo/metrics/custom/{metric.id}/delete")
    assert db.session.execute(db.select(db.func.count(CustomMetric.id))).scalar_one() == 0
    assert db.session.execute(db.select(db.func.count(MetricValue.id))).scalar_one() == 0
