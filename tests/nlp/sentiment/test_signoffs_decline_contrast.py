"""The second pass over how the shipped model reads community feedback: a polite sign-off does
not turn a complaint into praise, "less of something good" is a complaint, a difficulty is a
complaint, and in 「A，但是 B」 the tail B decides (each case failed before this pass)."""

import pytest

from nlp.normalize import Normalizer
from nlp.sentiment import load_model, shipped_model_path
from nlp.sentiment.closers import body_span, without_sign_offs
from nlp.sentiment.lexicon import lexicon_scores

NEG, NEU, POS = -1, 0, 1


@pytest.fixture(scope="module")
def model():
    return load_model(shipped_model_path())


def label(model, text: str) -> int:
    return int(model.predict([text])[0])


@pytest.mark.parametrize("text", [
    "报名链接一直点不开，辛苦了🙏",
    "签到积分又没到账[强]",
    "作业批改到现在还没出来，谢谢",
    "训练营的打卡记录又丢了，谢谢大家",
])
def test_a_polite_sign_off_does_not_turn_a_complaint_into_praise(model, text):
    assert label(model, text) == NEG


def test_a_text_that_only_thanks_stays_praise(model):
    assert label(model, "谢谢群主！辛苦了") == POS
    assert label(model, "感谢老师的耐心讲解") == POS


@pytest.mark.parametrize("text", ["这期周报的干货减少了很多", "这一期的讲解不如以前细致"])
def test_less_of_something_good_is_a_complaint(model, text):
    assert label(model, text) == NEG


@pytest.mark.parametrize("text", ["刷屏的人明显少了", "群里吵架的人变少了"])
def test_less_of_something_bad_is_praise(model, text):
    assert label(model, text) == POS


@pytest.mark.parametrize("text", ["教练很负责，但是每次都拖堂", "群里氛围挺好的，不过广告有点多"])
def test_a_reservation_after_praise_decides_the_text(model, text):
    assert label(model, text) == NEG


@pytest.mark.parametrize(("text", "expected"), [
    ("物业态度不错，就是修个水管等了一周", NEG),
    ("虽然有点贵，但是孩子很喜欢", POS),
])
def test_the_tail_still_decides_when_it_has_words_of_its_own(model, text, expected):
    assert label(model, text) == expected


def test_sign_off_clauses_are_cut_at_either_end_only_when_something_else_is_said(segmenter):
    def body(text):
        cut = segmenter.cut(text)
        return "".join(cut[slice(*body_span(cut))])

    assert body("回放一直打不开，辛苦运营了") == "回放一直打不开"
    assert body("谢谢大家，这周的直播又延期了。麻烦了") == "这周的直播又延期了。"
    assert body("谢谢群主！辛苦了") == "谢谢群主！辛苦了"  # nothing else: the thanks is the point
    assert body("感谢老师的耐心讲解") == "感谢老师的耐心讲解"  # thanks for something: praise
    wish = "建议增加周末场次，谢谢！"
    texts, cuts = without_sign_offs([wish], [segmenter.cut(wish)])
    assert texts == ["建议增加周末场次"] and "".join(cuts[0]) == texts[0]


def test_a_decline_word_turns_the_polar_word_before_it(segmenter):
    good_less = lexicon_scores(segmenter.cut("干货变少了"))
    bad_less = lexicon_scores(segmenter.cut("刷屏的人明显少了"))
    assert good_less.neg > 0 and good_less.pos == 0
    assert bad_less.pos > 0 and bad_less.neg == 0
    # Out of reach (another clause) nothing turns: the decline word keeps its own reading.
    assert lexicon_scores(segmenter.cut("干货很多，名额少")).pos > 0


def test_sign_off_gestures_are_marked_and_count_only_without_a_complaint(model):
    signals = Normalizer().normalize("又卡了[抱拳]").signals
    assert [s.courtesy for s in signals] == [True]
    assert label(model, "新功能上线了👍") != NEG
    assert label(model, "👍") == POS
