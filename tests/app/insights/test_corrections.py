"""Corrections: every kind, its record, its exact undo, and its survival through the next
full analysis; corrections made during a run are replayed onto it."""

from __future__ import annotations

import pytest

from app.models import (
    AnalysisRun,
    Correction,
    FeedbackItem,
    InsightTheme,
    ItemAnalysis,
    ItemLabel,
    ModelLayer,
    ThemeStatus,
)
from app.services.errors import Conflict, NotFound, ServiceError
from app.services.insights import analysis, corrections, labelling
from tests.app.insights.conftest import analyse
from tests.factories import make_member


def state(run_id: int) -> tuple:
    """Everything a correction may touch, in comparable form."""
    from app.extensions import db

    themes = sorted(
        (t.key, t.name, t.status, t.merged_into_key, t.parent_key, t.size,
         sorted((t.sentiment_mix or {}).items()), t.name_edited, list(t.seed_words),
         list(t.keywords), list(t.quote_item_ids))
        for t in db.session.execute(db.select(InsightTheme)).scalars())
    items = sorted(db.session.execute(db.select(
        ItemAnalysis.feedback_item_id, ItemAnalysis.theme_key, ItemAnalysis.sentiment_label,
        ItemAnalysis.sentiment_corrected, ItemAnalysis.theme_corrected
    ).where(ItemAnalysis.run_id == run_id)).all())
    labels = sorted(db.session.execute(db.select(ItemLabel.feedback_item_id,
                                                 ItemLabel.sentiment_label)).all())
    run = db.session.get(AnalysisRun, run_id)
    db.session.refresh(run)
    snap = run.snapshot
    snapshot = (sorted((r["id"], r["name"], r["status"], r["merged_into"], r["name_edited"],
                        tuple(r["seed_words"]), tuple(sorted(r["term_weights"].items())))
                       for r in snap["themes"]),
                sorted(snap["pinned"].items()), sorted(run.assignments.items()),
                snap["next_id"])
    return themes, items, labels, snapshot


def themes_by_size(db):
    return db.session.execute(
        db.select(InsightTheme).where(InsightTheme.is_other.is_(False),
                                      InsightTheme.status == ThemeStatus.ACTIVE.value)
        .order_by(InsightTheme.size.desc(), InsightTheme.key)).scalars().all()


def items_of(db, run_id, key):
    return db.session.execute(db.select(ItemAnalysis.feedback_item_id).where(
        ItemAnalysis.run_id == run_id, ItemAnalysis.theme_key == key)).scalars().all()


def params_for(kind, db, run, community):
    themes = themes_by_size(db)
    big, second = themes[0], themes[1]
    if kind == "rename":
        return {"theme": big.key, "name": "签到与积分"}
    if kind == "merge":
        return {"source": second.key, "target": big.key}
    if kind == "split":
        return {"theme": big.key, "parts": 2}
    if kind == "move":
        return {"items": items_of(db, run.id, second.key)[:3], "target": big.key}
    if kind == "sentiment":
        row = db.session.execute(db.select(ItemAnalysis).where(
            ItemAnalysis.run_id == run.id, ItemAnalysis.sentiment_label != 1)).scalars().first()
        return {"item": row.feedback_item_id, "label": 1}
    if kind == "seed":
        return {"name": "广告治理", "words": ["广告", "刷屏"]}
    if kind == "archive":
        return {"theme": second.key}
    raise AssertionError(kind)


KINDS = ["rename", "merge", "split", "move", "sentiment", "seed", "archive"]


@pytest.mark.parametrize("kind", KINDS)
def test_each_correction_is_recorded_and_undo_restores_the_exact_state(app, db, analysed,
                                                                      kind):
    community, run = analysed
    operator = make_member(community, "operator")
    db.session.commit()
    before = state(run.id)
    correction = corrections.apply(community, kind, params_for(kind, db, run, community),
                                   actor=operator)
    db.session.commit()
    assert correction.kind == kind and correction.actor_id == operator.id
    assert correction.run_id == run.id and correction.created_at is not None
    assert correction.before and correction.after and correction.summary
    assert state(run.id) != before
    corrections.undo(correction, actor=operator)
    db.session.commit()
    assert state(run.id) == before
    assert correction.undone_at is not None and correction.undone_by_id == operator.id
    with pytest.raises(Conflict):
        corrections.undo(correction, actor=operator)


def test_rename_merge_archive_and_move_do_what_they_say(app, db, analysed):
    community, run = analysed
    operator = make_member(community, "operator")
    big, second, third = themes_by_size(db)[:3]
    moved = items_of(db, run.id, third.key)[:2]
    second_items = set(items_of(db, run.id, second.key))
    corrections.apply(community, "rename", {"theme": big.key, "name": "积分与奖励"},
                      actor=operator)
    corrections.apply(community, "merge", {"source": second.key, "target": big.key},
                      actor=operator)
    corrections.apply(community, "move", {"items": moved, "target": big.key}, actor=operator)
    corrections.apply(community, "archive", {"theme": third.key}, actor=operator)
    db.session.commit()
    assert big.name == "积分与奖励" and big.name_edited
    assert second.status == ThemeStatus.MERGED and second.merged_into_key == big.key
    assert items_of(db, run.id, second.key) == []
    assert second_items | set(moved) <= set(items_of(db, run.id, big.key))
    assert big.size == len(items_of(db, run.id, big.key))
    assert third.status == ThemeStatus.ARCHIVED


def test_split_makes_new_themes_from_one_theme(app, db, analysed):
    community, run = analysed
    operator = make_member(community, "operator")
    big = themes_by_size(db)[0]
    items = set(items_of(db, run.id, big.key))
    correction = corrections.apply(community, "split", {"theme": big.key, "parts": 3},
                                   actor=operator)
    db.session.commit()
    parts = db.session.execute(db.select(InsightTheme).where(
        InsightTheme.parent_key == big.key)).scalars().all()
    assert 2 <= len(parts) <= 3 and big.status == ThemeStatus.SPLIT
    assert set().union(*(set(items_of(db, run.id, p.key)) for p in parts)) == items
    assert len({p.name for p in parts}) == len(parts)
    assert correction.summary["into"] == [p.name for p in sorted(parts, key=lambda p: p.key)]


def test_seed_words_gather_the_items_that_use_them(app, db, analysed):
    community, run = analysed
    operator = make_member(community, "operator")
    correction = corrections.apply(community, "seed",
                                   {"name": "积分商城", "words": ["积分"]}, actor=operator)
    db.session.commit()
    key = max(correction.theme_keys)
    theme = db.session.execute(db.select(InsightTheme).where(InsightTheme.key == key)
                               ).scalar_one()
    texts = db.session.execute(db.select(FeedbackItem.redacted_text).join(
        ItemAnalysis, ItemAnalysis.feedback_item_id == FeedbackItem.id).where(
        ItemAnalysis.run_id == run.id, ItemAnalysis.theme_key == key)).scalars().all()
    assert theme.seed_words == ["积分"] and texts
    assert all("积分" in t for t in texts)


def test_bad_corrections_are_refused_with_a_message(app, db, analysed):
    community, run = analysed
    operator = make_member(community, "operator")
    big, second = themes_by_size(db)[:2]
    cases = [
        ("rename", {"theme": big.key, "name": "  "}),
        ("rename", {"theme": big.key, "name": second.name}),
        ("rename", {"theme": big.key, "name": "其他"}),
        ("merge", {"source": big.key, "target": big.key}),
        ("split", {"theme": big.key, "parts": 9}),
        ("move", {"items": [], "target": big.key}),
        ("sentiment", {"item": items_of(db, run.id, big.key)[0], "label": 5}),
        ("seed", {"name": "空主题", "words": []}),
        ("frobnicate", {}),
    ]
    for kind, params in cases:
        with pytest.raises(ServiceError) as info:
            corrections.apply(community, kind, params, actor=operator)
        assert info.value.message
        db.session.rollback()
    with pytest.raises(NotFound):
        corrections.apply(community, "rename", {"theme": 9999, "name": "x"}, actor=operator)
    db.session.rollback()
    assert db.session.execute(db.select(Correction)).first() is None


def test_undo_refuses_while_a_later_correction_touches_the_same_theme(app, db, analysed):
    community, run = analysed
    operator = make_member(community, "operator")
    big = themes_by_size(db)[0]
    first = corrections.apply(community, "rename", {"theme": big.key, "name": "甲"},
                              actor=operator)
    second = corrections.apply(community, "rename", {"theme": big.key, "name": "乙"},
                               actor=operator)
    db.session.commit()
    with pytest.raises(Conflict):
        corrections.undo(first, actor=operator)
    corrections.undo(second, actor=operator)
    corrections.undo(first, actor=operator)
    db.session.commit()
    assert big.name not in ("甲", "乙") and not big.name_edited


def test_corrections_survive_the_next_full_analysis(app, db, analysed):
    community, run = analysed
    operator = make_member(community, "operator")
    themes = themes_by_size(db)
    big, merged, archived, target = themes[0], themes[1], themes[2], themes[3]
    moved = items_of(db, run.id, archived.key)[:2]
    merged_items = set(items_of(db, run.id, merged.key))
    flipped = db.session.execute(db.select(ItemAnalysis.feedback_item_id).where(
        ItemAnalysis.run_id == run.id, ItemAnalysis.sentiment_label == -1,
        ItemAnalysis.model_label == -1)).scalars().first()
    for kind, params in [
        ("rename", {"theme": big.key, "name": "签到与积分"}),
        ("merge", {"source": merged.key, "target": big.key}),
        ("move", {"items": moved, "target": target.key}),
        ("archive", {"theme": archived.key}),
        ("sentiment", {"item": flipped, "label": 1}),
        ("seed", {"name": "广告治理", "words": ["广告"]}),
    ]:
        corrections.apply(community, kind, params, actor=operator)
    db.session.commit()
    seed_key = max(corrections.history(community.id, limit=1)[0].theme_keys)

    second = analyse(community)
    assert second.id != run.id

    def theme(key):
        return db.session.execute(db.select(InsightTheme).where(InsightTheme.key == key)
                                  ).scalar_one()

    assert theme(big.key).name == "签到与积分" and theme(big.key).status == "active"
    assert theme(merged.key).status == ThemeStatus.MERGED
    now_in_big = set(items_of(db, second.id, big.key))
    assert items_of(db, second.id, merged.key) == []
    assert len(merged_items & now_in_big) >= len(merged_items) * 0.8
    assert set(moved) <= set(items_of(db, second.id, target.key))
    assert theme(archived.key).status == ThemeStatus.ARCHIVED
    row = db.session.execute(db.select(ItemAnalysis).where(
        ItemAnalysis.run_id == second.id,
        ItemAnalysis.feedback_item_id == flipped)).scalar_one()
    assert row.sentiment_label == 1 and row.sentiment_corrected and row.model_label == -1
    assert theme(seed_key).name == "广告治理" and theme(seed_key).status == "active"
    ads = db.session.execute(db.select(ItemAnalysis.theme_key).join(
        FeedbackItem, FeedbackItem.id == ItemAnalysis.feedback_item_id).where(
        ItemAnalysis.run_id == second.id, FeedbackItem.redacted_text.contains("广告"))
    ).scalars().all()
    assert ads and sum(k == seed_key for k in ads) >= 0.8 * len(ads)


def test_a_split_survives_the_next_full_analysis(app, db, analysed):
    community, run = analysed
    operator = make_member(community, "operator")
    big = themes_by_size(db)[0]
    corrections.apply(community, "split", {"theme": big.key, "parts": 2}, actor=operator)
    db.session.commit()
    parts = {p.key: set(items_of(db, run.id, p.key)) for p in db.session.execute(
        db.select(InsightTheme).where(InsightTheme.parent_key == big.key)).scalars()}
    second = analyse(community)
    for key, items in parts.items():
        assert items <= set(items_of(db, second.id, key))
    assert items_of(db, second.id, big.key) == []


def test_a_correction_made_during_a_run_is_replayed_onto_it(app, db, analysed, monkeypatch):
    community, run = analysed
    operator = make_member(community, "operator")
    db.session.commit()
    big = themes_by_size(db)[0]
    real_switch = analysis.switch_to
    made = {}

    def correct_then_switch(new_run, **kwargs):
        # An operator renames a theme while the new run is being computed.
        made["c"] = corrections.apply(community, "rename",
                                      {"theme": big.key, "name": "运行中改的名字"},
                                      actor=operator)
        db.session.commit()
        return real_switch(new_run, **kwargs)

    monkeypatch.setattr(analysis, "switch_to", correct_then_switch)
    second = analyse(community)
    correction = db.session.get(Correction, made["c"].id)
    assert correction.run_id == second.id
    name = db.session.execute(db.select(InsightTheme.name).where(InsightTheme.key == big.key)
                              ).scalar_one()
    assert name == "运行中改的名字"
    assert analysis.snapshot_of(second).record(big.key).name == "运行中改的名字"
    assert corrections.undoable(correction)


def test_corrections_from_before_a_reanalysis_can_no_longer_be_undone(app, db, analysed):
    community, run = analysed
    operator = make_member(community, "operator")
    big = themes_by_size(db)[0]
    correction = corrections.apply(community, "rename", {"theme": big.key, "name": "甲"},
                                   actor=operator)
    db.session.commit()
    analyse(community)
    assert not corrections.undoable(correction)
    with pytest.raises(Conflict):
        corrections.undo(correction, actor=operator)


def test_sentiment_labels_train_the_community_layer_used_by_later_runs(app, db, analysed):
    community, run = analysed
    operator = make_member(community, "operator")
    queue = labelling.queue(community.id, limit=4)
    for entry in queue:
        corrections.apply(community, "sentiment", {"item": entry.item_id, "label": -1},
                          actor=operator)
    db.session.commit()
    corrections.queue_training()  # a request does it when it ends; runs at once in tests
    layer = db.session.execute(db.select(ModelLayer)).scalar_one()
    assert layer.n_examples == 4 and layer.community_id == community.id
    from app.services.insights.item_rows import community_layer

    assert community_layer(community.id) is not None
    second = analyse(community)
    labels = dict(db.session.execute(db.select(
        ItemAnalysis.feedback_item_id, ItemAnalysis.sentiment_label).where(
        ItemAnalysis.run_id == second.id)).all())
    assert all(labels[e.item_id] == -1 for e in queue)
    assert not {e.item_id for e in labelling.queue(community.id, limit=50)} & {
        e.item_id for e in queue}
