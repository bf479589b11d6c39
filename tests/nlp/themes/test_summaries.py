"""A theme's one-line summary says what its members say, without the wrapping."""

import pytest

from nlp.themes.quotes import clean_sentence, summary_sentence


@pytest.mark.parametrize(("written", "point"), [
    ("说实话，周末的分享会总是临时取消[流泪]", "周末的分享会总是临时取消"),
    ("作为老成员，打卡规则改得太频繁了，期待后续～", "打卡规则改得太频繁了"),
    ("提个小建议：报名表能不能少填几项，辛苦了🙏", "报名表能不能少填几项"),
    ("个人感觉停车位越来越难找", "停车位越来越难找"),
    ("谢谢！", "谢谢！"),
])
def test_filler_stickers_and_courtesy_closers_are_trimmed(written, point):
    assert clean_sentence(written) == point


def test_a_theme_of_complaints_is_summed_up_by_a_complaint():
    texts = ["希望多办几次线下聚会。", "线下聚会总是临时改时间，好几次白跑一趟，真的很无语。",
             "聚会挺好玩的"]
    sentiments = [0, -1, 1]
    summary = summary_sentence(texts, [0, 1, 2], "", sentiments, mood=-1)
    assert summary == "线下聚会总是临时改时间，好几次白跑一趟，真的很无语。"
    # Without a prevailing mood the best-ranked quote is used.
    assert summary_sentence(texts, [0, 1, 2], "", sentiments, mood=None) == "希望多办几次线下聚会。"


def test_a_long_summary_is_cut_at_sixty_characters():
    text = "群里" + "消息太多" * 30
    summary = summary_sentence([text], [0])
    assert len(summary) == 60 and summary.endswith("…")
