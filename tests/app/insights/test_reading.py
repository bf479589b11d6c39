"""The read API for the reports: themes, weekly series, quotes, word clouds, actions, alerts."""

from __future__ import annotations

from datetime import timedelta

from app.models import InsightAlert, ItemAnalysis, utcnow
from app.services.insights import actions, reading
from app.services.insights.periods import local_today, week_start
from tests.factories import make_member


def test_themes_and_weekly_series_add_up_to_the_analysis(app, db, analysed):
    community, run = analysed
    themes = reading.themes(community)
    assert themes and all(t.size > 0 for t in themes)
    assert [t.size for t in themes] == sorted((t.size for t in themes), reverse=True)
    today = local_today(community)
    series = reading.weekly_series(community, today - timedelta(weeks=13), today)
    weeks = {len(points) for points in series.values()}
    assert weeks == {14}
    assert all(p.week == week_start(p.week) for points in series.values() for p in points)
    total = sum(p.items for points in series.values() for p in points)
    assert total == db.session.execute(db.select(db.func.count(ItemAnalysis.id)).where(
        ItemAnalysis.run_id == run.id)).scalar()
    negative = sum(p.negative for points in series.values() for p in points)
    assert negative == db.session.execute(db.select(db.func.count(ItemAnalysis.id)).where(
        ItemAnalysis.run_id == run.id, ItemAnalysis.sentiment_label == -1)).scalar()
    point = next(p for points in series.values() for p in points if p.items)
    assert 0.0 <= point.negative_share <= 1.0


def test_quotes_word_clouds_actions_and_alerts(app, db, analysed):
    community, _run = analysed
    theme = reading.themes(community)[0]
    quotes = reading.quotes(community, theme.key, limit=3)
    assert 1 <= len(quotes) <= 3 and all(q.text for q in quotes)
    assert reading.wordcloud(community, theme.key, size="small").startswith(b"\x89PNG")
    assert reading.wordcloud(community, 9999) is None
    from app.models import InsightTheme

    row = db.session.execute(db.select(InsightTheme).where(InsightTheme.key == theme.key)
                             ).scalar_one()
    when = utcnow() - timedelta(days=20)
    actions.act_on(community, row, note="改进了", actor=make_member(community, "operator"),
                   at=when)
    db.session.add(InsightAlert(community_id=community.id, kind="spike", theme_key=theme.key,
                                theme_name=theme.name, period_start=week_start(when.date()),
                                observed=9, baseline=2, threshold=6))
    db.session.commit()
    assert reading.acted_on(community)[0].acted_on_at == when
    assert reading.themes(community)[0].acted_on_at == when
    alerts = reading.alerts(community, since=when.date() - timedelta(days=7))
    assert alerts[0].theme_key == theme.key and not alerts[0].acknowledged
