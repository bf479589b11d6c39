"""Specification of theme identity across runs: ids, corrections, merges, renames, archives."""

import copy

import numpy as np
import pytest

from nlp.themes import OTHER_ID, ThemeModel, ThemeSnapshot
from tests.nlp.themes.feedback_factory import make_items


@pytest.fixture(scope="session")
def corpus(tokenizer):
    """300 items on five topics plus 30 new ones (10%) for the second run."""
    texts, truth = make_items(60, seed=7)
    new_texts, new_truth = make_items(6, seed=8)
    tokens = [tokenizer(t) for t in texts]
    new_tokens = [tokenizer(t) for t in new_texts]
    ids = [f"a{i}" for i in range(len(texts))]
    new_ids = [f"b{i}" for i in range(len(new_texts))]
    return {"texts": texts, "tokens": tokens, "ids": ids, "truth": truth,
            "new_texts": new_texts, "new_tokens": new_tokens, "new_ids": new_ids}


@pytest.fixture(scope="session")
def first_run(corpus):
    return ThemeModel().fit(corpus["tokens"], texts=corpus["texts"], ids=corpus["ids"])


def _rerun(corpus, snapshot, **params):
    return ThemeModel(**params).fit(
        corpus["tokens"] + corpus["new_tokens"],
        texts=corpus["texts"] + corpus["new_texts"],
        ids=corpus["ids"] + corpus["new_ids"],
        previous=snapshot,
    )


def _theme_of(model, item_id, ids):
    return int(model.labels_[ids.index(item_id)])


def test_rerun_with_ten_percent_new_items_keeps_ninety_percent_in_the_same_theme(corpus, first_run):
    second = _rerun(corpus, first_run.snapshot())
    n = len(corpus["ids"])
    same = (second.labels_[:n] == first_run.labels_).mean()
    assert same >= 0.9
    assert {t.id for t in second.themes_} >= {t.id for t in first_run.themes_ if not t.is_other}


def test_rerun_with_a_different_random_state_keeps_ids(corpus, first_run):
    second = _rerun(corpus, first_run.snapshot(), random_state=5)
    n = len(corpus["ids"])
    assert (second.labels_[:n] == first_run.labels_).mean() >= 0.9


def test_new_items_of_known_topics_join_existing_themes(corpus, first_run):
    second = _rerun(corpus, first_run.snapshot())
    n = len(corpus["ids"])
    old = {t.id for t in first_run.themes_ if not t.is_other}
    assert np.isin(second.labels_[n:], list(old)).mean() >= 0.8


def test_a_corrected_label_survives_reanalysis(corpus, first_run):
    snap = copy.deepcopy(first_run.snapshot())
    ids = corpus["ids"]
    item = ids[3]
    current = _theme_of(first_run, item, ids)
    target = next(t.id for t in first_run.themes_ if not t.is_other and t.id != current)
    snap.pin(item, target)
    second = _rerun(corpus, snap)
    assert _theme_of(second, item, corpus["ids"] + corpus["new_ids"]) == target
    third = _rerun(corpus, second.snapshot())
    assert _theme_of(third, item, corpus["ids"] + corpus["new_ids"]) == target


def test_an_item_corrected_to_other_stays_in_other(corpus, first_run):
    snap = copy.deepcopy(first_run.snapshot())
    item = corpus["ids"][5]
    snap.pin(item, OTHER_ID)
    second = _rerun(corpus, snap)
    assert _theme_of(second, item, corpus["ids"] + corpus["new_ids"]) == OTHER_ID


def test_a_rename_survives_reanalysis(corpus, first_run):
    snap = copy.deepcopy(first_run.snapshot())
    theme = next(t for t in first_run.themes_ if not t.is_other)
    snap.rename(theme.id, "签到与兑换")
    second = _rerun(corpus, snap)
    kept = second.theme(theme.id)
    assert kept.name == "签到与兑换" and kept.name_edited
    third = _rerun(corpus, second.snapshot())
    assert third.theme(theme.id).name == "签到与兑换"


def test_a_merge_survives_reanalysis(corpus, first_run):
    snap = copy.deepcopy(first_run.snapshot())
    real = [t for t in first_run.themes_ if not t.is_other]
    source, target = real[0], real[1]
    snap.merge(source.id, target.id)
    second = _rerun(corpus, snap)
    assert source.id not in {t.id for t in second.themes_}
    moved = np.flatnonzero(first_run.labels_ == source.id)
    assert (second.labels_[moved] == target.id).mean() >= 0.9
    third = _rerun(corpus, second.snapshot())
    assert source.id not in {t.id for t in third.themes_}
    assert (third.labels_[moved] == target.id).mean() >= 0.9


def test_an_archived_theme_keeps_its_id_and_stays_archived(corpus, first_run):
    snap = copy.deepcopy(first_run.snapshot())
    theme = next(t for t in first_run.themes_ if not t.is_other)
    snap.archive(theme.id)
    second = _rerun(corpus, snap)
    again = second.theme(theme.id)
    assert again.status == "archived"
    members = np.flatnonzero(first_run.labels_ == theme.id)
    assert (second.labels_[members] == theme.id).mean() >= 0.8
    active_ids = {t.id for t in second.themes_ if t.status == "active"}
    assert theme.id not in active_ids


def test_a_new_topic_gets_a_new_id(corpus, first_run, tokenizer):
    texts, _ = make_items(60, seed=7, topics=["积分", "广告", "课程", "卡顿"])
    extra, _ = make_items(60, seed=9, topics=["活动"])
    base = ThemeModel(tokenizer=tokenizer).fit(texts, ids=[f"x{i}" for i in range(len(texts))])
    grown = ThemeModel(tokenizer=tokenizer).fit(
        texts + extra, ids=[f"x{i}" for i in range(len(texts + extra))],
        previous=base.snapshot(),
    )
    old_ids = {t.id for t in base.themes_}
    new_ids = {int(x) for x in grown.labels_[len(texts):]}
    assert new_ids - old_ids - {OTHER_ID}


def test_snapshot_round_trips_through_json_dict(first_run):
    import json

    snap = first_run.snapshot()
    again = ThemeSnapshot.from_dict(json.loads(json.dumps(snap.to_dict(), ensure_ascii=False)))
    assert again == snap


def test_merging_a_theme_into_itself_is_refused(first_run):
    snap = copy.deepcopy(first_run.snapshot())
    tid = first_run.themes_[0].id
    with pytest.raises(ValueError):
        snap.merge(tid, tid)
    with pytest.raises(KeyError):
        snap.rename(9999, "x")


def _two_topics(n_old: int, n_new: int):
    """Unit vectors of an old theme's topic (x axis) and of a clearly different one (y axis)."""
    rng = np.random.default_rng(0)
    old = np.array([1.0, 0.0, 0.0]) + rng.normal(0, 0.05, (n_old, 3))
    new = np.array([0.0, 1.0, 0.0]) + rng.normal(0, 0.05, (n_new, 3))
    z = np.vstack([old, new])
    return z / np.linalg.norm(z, axis=1, keepdims=True)


@pytest.mark.parametrize("old_share, kept", [(0.1, True), (0.35, False), (0.6, False)])
def test_a_new_theme_forms_from_new_items_not_from_old_themes_items(old_share, kept):
    # 100 items sit in an extra cluster that fits them far better than the one remembered
    # theme; ``old_share`` of them had that theme last run. A cluster mostly of new items is a
    # new topic; one with a third of old items re-cuts the old theme and moves what operators
    # have read.
    z = _two_topics(200, 100)
    centers = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    labels = np.array([0] * 200 + [1] * 100)
    history = np.full(300, -1)
    history[:200] = 5
    history[200:200 + int(old_share * 100)] = 5
    folded = ThemeModel(min_theme_size=3)._fold_unnovel(z, labels, centers, 1, history)
    assert bool((folded[200:] == 1).all()) == kept
