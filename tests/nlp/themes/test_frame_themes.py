"""Specification of code-frame themes inside a run: ids, names, edits, corrections, storage."""

import copy
import io
import json

import numpy as np
import pytest

from nlp.codeframe import CodeFrame, FrameCorrection, load_code_frame
from nlp.pipeline import NullSentiment, Pipeline
from nlp.themes import OTHER_ID, SeedTheme, ThemeModel, model_from_bytes, model_to_bytes
from tests.nlp.themes.community_factory import make_feedback

FRAME_KEYS = {"response", "spam", "tech", "points"}


@pytest.fixture(scope="module")
def feedback():
    """30 items on each of four frame topics and three topics outside the frame."""
    texts, truth = make_feedback(30, seed=1)
    return texts, truth, [f"c{i}" for i in range(len(texts))]


@pytest.fixture(scope="module")
def model(feedback):
    texts, _, ids = feedback
    return ThemeModel().fit(texts, ids=ids)


def _majority(model, truth, theme_id):
    members = [truth[i] for i in np.flatnonzero(model.labels_ == theme_id)]
    return max(set(members), key=members.count)


def test_items_the_classifier_places_join_a_frame_theme_named_after_it(model, feedback):
    _, truth, _ = feedback
    frame = load_code_frame()
    framed = {t.frame_key: t for t in model.themes_ if t.frame_key}
    assert FRAME_KEYS <= set(framed)
    for key in FRAME_KEYS:
        theme = framed[key]
        assert theme.name == frame.theme(key).name and not theme.seeded
        assert _majority(model, truth, theme.id) == key
        assert theme.area == frame.theme(key).area
        assert theme.summary and theme.keywords


def test_topics_outside_the_frame_become_discovered_themes(model, feedback):
    _, truth, _ = feedback
    discovered = [t for t in model.themes_ if not t.frame_key and not t.is_other]
    found = {_majority(model, truth, t.id) for t in discovered}
    assert {"parking", "drops"} <= found
    parking = [t for t in discovered if _majority(model, truth, t.id) == "parking"]
    assert any("停车" in t.name for t in parking)


def test_frame_themes_keep_their_id_and_name_in_the_next_run(model, feedback):
    texts, _, ids = feedback
    more, _ = make_feedback(3, seed=2)
    second = ThemeModel(random_state=3).fit(
        texts + more, ids=ids + [f"n{i}" for i in range(len(more))], previous=model.snapshot())
    before = {t.frame_key: (t.id, t.name) for t in model.themes_ if t.frame_key}
    after = {t.frame_key: (t.id, t.name) for t in second.themes_ if t.frame_key}
    for key in FRAME_KEYS:
        assert after[key] == before[key]
    records = {r.frame_key: r.id for r in second.snapshot().themes if r.frame_key}
    assert all(records[k] == before[k][0] for k in FRAME_KEYS)


def test_an_operator_rename_of_a_frame_theme_survives(model, feedback):
    texts, _, ids = feedback
    snap = copy.deepcopy(model.snapshot())
    tid = model.frame_theme_ids_["spam"]
    snap.rename(tid, "广告与拉人")
    second = ThemeModel().fit(texts, ids=ids, previous=snap)
    assert second.theme(tid).name == "广告与拉人" and second.theme(tid).name_edited
    assert second.theme(tid).frame_key == "spam"


def test_a_community_s_own_frame_names_show(feedback):
    texts, _, ids = feedback
    frame = load_code_frame({"rename": {"response": "答疑太慢"}})
    model = ThemeModel(code_frame=frame).fit(texts, ids=ids)
    assert model.theme(model.frame_theme_ids_["response"]).name == "答疑太慢"


def test_a_disabled_frame_theme_leaves_its_items_to_discovery(feedback):
    texts, truth, ids = feedback
    model = ThemeModel(code_frame=load_code_frame().disabled("points")).fit(texts, ids=ids)
    assert "points" not in {t.frame_key for t in model.themes_}
    points = [i for i, t in enumerate(truth) if t == "points"]
    landed = {int(model.labels_[i]) for i in points}
    assert all(model.theme(t).frame_key != "points" for t in landed if t != OTHER_ID)
    assert np.mean([model.theme(int(model.labels_[i])).frame_key is None for i in points]) > 0.8


def test_a_theme_a_community_adds_catches_its_phrases(feedback):
    texts, truth, ids = feedback
    phrases = ["停车位不够", "车位被占", "没地方停车", "小区停车难", "外来车占车位"]
    frame = load_code_frame().with_theme("停车难", phrases, key="parking")
    model = ThemeModel(code_frame=frame).fit(texts, ids=ids)
    tid = model.frame_theme_ids_["parking"]
    assert model.theme(tid).name == "停车难"
    parking = [i for i, t in enumerate(truth) if t == "parking"]
    assert np.mean(model.labels_[parking] == tid) > 0.8


def test_operator_corrections_train_the_frame_classifier():
    texts = ["团长又不发车了", "今晚还发车吗", "发车时间又改了"] * 4 + ["团长今晚发车吗"]
    plain = ThemeModel().fit(texts)
    fixes = [FrameCorrection(t, "events", 2.0) for t in texts[:3]]
    taught = ThemeModel(frame_corrections=fixes).fit(texts)
    assert "events" not in plain.frame_theme_ids_
    assert taught.labels_[-1] == taught.frame_theme_ids_["events"]
    assert (taught.labels_ == taught.frame_theme_ids_["events"]).all()


def test_an_operator_seed_theme_wins_over_the_frame(feedback):
    from nlp.segment import Segmenter

    texts, _, ids = feedback
    seed = SeedTheme(name="直播问题", words=["直播", "回放视频"])
    model = ThemeModel(seeds=[seed]).fit(texts, ids=ids)
    seeded = next(t for t in model.themes_ if t.seeded)
    seg = Segmenter()
    named = [i for i, text in enumerate(texts) if {"直播", "回放视频"} & set(seg.tokens(text))]
    assert named and all(model.labels_[i] == seeded.id for i in named)


def test_fillers_stay_in_other_whatever_the_frame_says():
    texts = ["群里广告太多了"] * 5 + ["没有", "暂无", "还行"]
    model = ThemeModel().fit(texts, fillers=[False] * 5 + [True] * 3)
    assert (model.labels_[5:] == OTHER_ID).all()
    assert model.predict_one(["广告", "刷屏"], filler=True) == OTHER_ID


def test_without_a_frame_every_theme_is_discovered(feedback):
    texts, _, ids = feedback
    model = ThemeModel(code_frame=CodeFrame.empty()).fit(texts, ids=ids)
    assert model.frame_ is None and not any(t.frame_key for t in model.themes_)


def test_the_stored_model_carries_the_frame_and_answers_like_the_fitted_one(model, feedback):
    texts, _, _ = feedback
    loaded = model_from_bytes(model_to_bytes(model))
    assert loaded.frame_theme_ids_ == model.frame_theme_ids_
    assert loaded.phrases_ == model.phrases_
    assert loaded.predict(texts).tolist() == model.labels_.tolist()
    assert [t.frame_key for t in loaded.themes_] == [t.frame_key for t in model.themes_]


def test_a_model_stored_before_the_code_frame_still_loads(model, feedback):
    texts, _, _ = feedback
    npz = np.load(io.BytesIO(model_to_bytes(model)), allow_pickle=False)
    arrays = {k: npz[k] for k in npz.files if not k.startswith("frame_")}
    meta = json.loads(str(arrays["meta"]))
    meta["version"] = 1
    for key in ("phrases", "frame_theme_ids", "frame", "phrases_param"):
        meta.pop(key)
    for theme in meta["themes"]:
        theme.pop("frame_key"), theme.pop("summary")
    arrays["meta"] = np.asarray(json.dumps(meta, ensure_ascii=False))
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    old = model_from_bytes(buf.getvalue())
    assert old.frame_ is None and old.phrases_ == []
    assert len(old.predict(texts)) == len(texts)


def test_pipeline_results_carry_the_frame_key_and_summary(feedback):
    texts, _, ids = feedback
    res = Pipeline(sentiment=NullSentiment()).run(texts, ids=ids)
    framed = [t for t in res.themes if t.frame_key]
    assert FRAME_KEYS <= {t.frame_key for t in framed}
    assert all(t.summary for t in res.themes if not t.is_other)
    assert {r.frame_key for r in res.snapshot.themes if r.frame_key} >= FRAME_KEYS


def test_a_frame_theme_merged_into_another_theme_sends_its_items_there(model, feedback):
    texts, truth, ids = feedback
    snap = copy.deepcopy(model.snapshot())
    spam, response = model.frame_theme_ids_["spam"], model.frame_theme_ids_["response"]
    snap.merge(spam, response)
    second = ThemeModel().fit(texts, ids=ids, previous=snap)
    assert spam not in {t.id for t in second.themes_}
    target = second.theme(response)
    assert target.frame_key == "response" and target.name == model.theme(response).name
    spam_items = [i for i, t in enumerate(truth) if t == "spam"]
    assert np.mean(second.labels_[spam_items] == response) > 0.8
    assert second.predict_one(["广告", "刷屏"]) == response
