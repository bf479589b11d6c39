"""Framing openers and closers are sign-offs, and idioms of confusion are complaint cues.

A complaint wrapped in suggestion framing (「提个小建议：…，期待后续～」, 「说句实话…辛苦了」)
reads by its body; 一头雾水, 摸不着头脑 and 心累 count as complaint cues through the lexicon, as
any polar word does (each case failed before)."""

import pytest

from nlp.sentiment import load_model, shipped_model_path
from nlp.sentiment.closers import body_span, without_sign_offs
from nlp.sentiment.lexicon import lexicon_scores, load_lexicon

NEG, NEU, POS = -1, 0, 1


@pytest.fixture(scope="module")
def model():
    return load_model(shipped_model_path())


def body(segmenter, text: str) -> str:
    cut = segmenter.cut(text)
    return "".join(cut[slice(*body_span(cut))])


def test_framing_openers_and_closers_are_cut_like_thanks(segmenter):
    assert body(segmenter, "提个小建议：打卡老是失败，希望修一下，期待后续～") == \
        "打卡老是失败，希望修一下"
    assert body(segmenter, "说句实话，这次活动组织得很乱，辛苦了") == "这次活动组织得很乱"
    assert body(segmenter, "讲真，回放总是找不到") == "回放总是找不到"
    assert body(segmenter, "群里的资料整理得很全，加油！") == "群里的资料整理得很全"


def test_framing_words_inside_the_body_stay(segmenter):
    # Only a clause made of nothing but a framing phrase (and particles, addressees) is cut.
    assert body(segmenter, "期待下次的线下活动") == "期待下次的线下活动"
    assert body(segmenter, "说实话的人太少了，群里都在互相吹捧") == \
        "说实话的人太少了，群里都在互相吹捧"
    # A text that is only framing keeps it: there is nothing else to read.
    assert body(segmenter, "加油！") == "加油！"
    assert body(segmenter, "小建议：期待后续") == "小建议：期待后续"


def test_training_reads_the_same_body_as_prediction(segmenter):
    """The model's training docs go through the same sign-off cut (SentimentModel.prepare)."""
    from nlp.sentiment import SentimentModel

    text = "提个小建议：打卡老是失败，希望修一下，期待后续～"
    _, docs = SentimentModel(segmenter=segmenter).prepare([text])
    assert docs[0].text == "打卡老是失败,希望修一下"  # normalised: half-width punctuation
    assert "期待" not in docs[0].tokens and "建议" not in docs[0].tokens
    texts, _ = without_sign_offs([text], [segmenter.cut(text)])
    assert texts == ["打卡老是失败，希望修一下"]


def test_the_framing_phrases_come_from_the_lexicon():
    lex = load_lexicon()
    assert {"提个小建议", "说句实话", "期待后续"} <= lex.framing
    assert {"提个", "小", "建议", "期待", "后续"} <= lex.framing_tokens


@pytest.mark.parametrize("text", [
    "提个小建议：打卡老是失败，希望修一下，期待后续～",
    "说句实话，直播回放总是卡住，辛苦了",
    "说句实话…这次的作业点评拖了两周，辛苦了",
])
def test_a_complaint_in_suggestion_framing_reads_as_a_complaint(model, text):
    assert int(model.predict([text])[0]) == NEG


def test_a_real_suggestion_in_the_same_framing_stays_neutral(model):
    assert int(model.predict(["提个小建议：能不能加个回放功能，期待后续～"])[0]) == NEU


@pytest.mark.parametrize("text", ["看完公告一头雾水", "新规则完全摸不着头脑", "每天打卡好心累",
                                  "群规改来改去，看得云里雾里"])
def test_idioms_of_confusion_and_annoyance_are_complaint_cues(segmenter, text):
    scores = lexicon_scores(segmenter.cut(text))
    assert scores.neg > 0 and scores.pos == 0


@pytest.mark.parametrize("text", ["看完公告一头雾水", "新规则完全摸不着头脑", "每天打卡好心累"])
def test_confused_members_are_complaining(model, text):
    assert int(model.predict([text])[0]) == NEG
