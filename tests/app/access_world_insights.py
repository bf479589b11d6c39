"""Insight objects for the access world: a finished analysis of community A with two themes,
analysed items, a correction, an alert and a failed run (written directly, so that building
the world stays fast)."""

from __future__ import annotations

from datetime import timedelta

from app.extensions import db
from app.models import (
    AnalysisRun,
    Correction,
    InsightAlert,
    InsightState,
    InsightTheme,
    ItemAnalysis,
    RunStatus,
    utcnow,
)
from app.services.insights.feedback import FeedbackInput, record_feedback
from tests.app.access_world import world_builder

TEXTS = ["群里广告太多了，正经讨论都被淹没了", "刷屏的广告号进群就发二维码",
         "直播课卡得不行，画面一直转圈", "直播回放找不到，很可惜"]


def _record(name: str, key: int, theme_key: int | None = None) -> dict:
    return {"id": key, "name": name, "term_weights": {name[:2]: 1.0}, "name_edited": False,
            "status": "active", "merged_into": None, "seed_words": [], "area": None}


@world_builder
def insights(w) -> None:
    """Community A analysed into 广告刷屏 (key 1) and 直播卡顿 (key 2)."""
    now = utcnow()
    items = [record_feedback(FeedbackInput(
        community_id=w.a.id, source_kind="import", source_key=f"import:w:{i}", text=text,
        occurred_at=now - timedelta(days=i))) for i, text in enumerate(TEXTS)]
    snapshot = {"themes": [_record("广告刷屏", 1), _record("直播卡顿", 2)],
                "pinned": {}, "next_id": 3}
    assignments = {str(it.id): 1 if i < 2 else 2 for i, it in enumerate(items)}
    run = AnalysisRun(community_id=w.a.id, status=RunStatus.SUCCEEDED.value, n_items=4,
                      n_themes=2, snapshot=snapshot, assignments=assignments, themes=[],
                      started_at=now,
                      finished_at=now, diff={"first": True})
    db.session.add(run)
    db.session.flush()
    db.session.add(InsightState(community_id=w.a.id, current_run_id=run.id, switched_at=now))
    w.theme = InsightTheme(community_id=w.a.id, key=1, name="广告刷屏", keywords=["广告"],
                           keyword_weights={"广告": 1.0}, size=2,
                           sentiment_mix={"-1": 2, "0": 0, "1": 0}, first_run_id=run.id,
                           last_run_id=run.id, quote_item_ids=[items[0].id])
    db.session.add_all([
        w.theme,
        InsightTheme(community_id=w.a.id, key=2, name="直播卡顿", keywords=["直播"],
                     keyword_weights={"直播": 1.0}, size=2,
                     sentiment_mix={"-1": 2, "0": 0, "1": 0}, first_run_id=run.id,
                     last_run_id=run.id),
        InsightTheme(community_id=w.a.id, key=0, name="其他", is_other=True),
    ])
    for i, item in enumerate(items):
        db.session.add(ItemAnalysis(
            run_id=run.id, community_id=w.a.id, feedback_item_id=item.id,
            occurred_at=item.occurred_at, day=item.occurred_at.date().toordinal(),
            source_kind=item.source_kind,
            theme_key=1 if i < 2 else 2, sentiment_label=-1, model_label=-1,
            sentiment_score=0.2, confidence=0.6, clauses=[], keywords=[]))
    w.item = items[0]
    w.insight_run = run
    w.failed_run = AnalysisRun(community_id=w.a.id, status=RunStatus.FAILED.value,
                               error="RuntimeError: test", created_at=now)
    db.session.add(w.failed_run)
    db.session.flush()
    w.correction = Correction(
        community_id=w.a.id, run_id=run.id, actor_id=w.users["operator"].id, kind="archive",
        params={"theme": 2}, summary={"theme": "直播卡顿"}, theme_keys=[2], item_ids=[],
        before={"themes": {}, "items": {}, "labels": {}, "snapshot": {}},
        after={"themes": {}, "items": {}, "labels": {}, "snapshot": {}})
    w.alert = InsightAlert(community_id=w.a.id, kind="spike", theme_key=1, theme_name="广告刷屏",
                           period_start=now.date(), observed=9, baseline=2, threshold=6)
    db.session.add_all([w.correction, w.alert])
    db.session.flush()
