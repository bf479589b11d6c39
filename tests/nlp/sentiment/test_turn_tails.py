"""A complaint after a turn word (「A 不错，就是 B」) decides the whole text, on the strength of
the tail's own score and not only of its lexicon words."""

import pytest

from nlp.segment import Segmenter
from nlp.sentiment import load_model, shipped_model_path
from nlp.sentiment.clauses import turn_tail

NEG, POS = -1, 1

MIXED_COMPLAINTS = [
    "活动很好玩，但是群里广告太多",
    "教练挺专业的，谢谢大家，就是有人在群里推销蛋白粉，很烦",
    "公会的氛围很好，谢谢会长，就是副本开荒总有人挂机，希望管一管",
    "课讲得不错，谢谢老师，就是作业批改拖了两周，希望能快一点",
]


@pytest.fixture(scope="module")
def model():
    return load_model(shipped_model_path())


@pytest.fixture(scope="module")
def cut():
    return Segmenter().cut


@pytest.mark.parametrize(("text", "tail"), [
    ("老师讲得很好，就是回放一直没上传", "回放一直没上传"),
    ("虽然广告有点多，但是干货很多", "干货很多"),
    ("氛围不错，不过，有点吵", "有点吵"),
])
def test_the_tail_is_what_follows_the_last_clause_opening_turn(cut, text, tail):
    assert "".join(turn_tail(cut(text))).strip("，") == tail


@pytest.mark.parametrize("text", [
    "就是好吃",  # nothing before the turn word
    "挺好，就是",  # nothing after it
    "价格便宜，质量却很差",  # 却 sits inside a clause
    "我就是想问一下回放在哪",  # 就是 inside a clause is emphasis, not a turn
    "",
])
def test_texts_without_a_clause_opening_turn_have_no_tail(cut, text):
    assert turn_tail(cut(text)) is None


@pytest.mark.parametrize("text", MIXED_COMPLAINTS)
def test_a_complaint_after_the_turn_makes_the_text_a_complaint(model, text):
    assert int(model.predict([text])[0]) == NEG


def test_without_the_tail_rule_the_praise_before_the_turn_won(model):
    # The same texts with the rule off: the head's praise (谢谢, 不错) outweighed the tail.
    off = load_model(shipped_model_path())
    off.tail_weight = 0.0
    assert all(int(label) == POS for label in off.predict(MIXED_COMPLAINTS))


@pytest.mark.parametrize("text", ["虽然群里广告有点多，但是干货很多，学到不少",
                                  "价格有点贵，但是效果真的好"])
def test_praise_after_the_turn_still_reads_positive(model, text):
    assert int(model.predict([text])[0]) == POS


def test_a_text_scores_the_same_alone_and_in_a_batch(model):
    batch = MIXED_COMPLAINTS + ["群里氛围很好", "直播又卡了"]
    together = model.predict_score(batch)
    alone = [model.predict_score([t])[0] for t in batch]
    assert together.tolist() == pytest.approx(alone, abs=1e-9)
