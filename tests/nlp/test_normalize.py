"""Normalisation: width, script, URLs, mentions, stickers and emoji as signals, fillers."""

import pickle

import pytest

from nlp.normalize import Normalizer, is_filler_text, normalize, normalize_many


@pytest.fixture(scope="module")
def norm():
    return Normalizer()


def test_full_width_ascii_becomes_half_width(norm):
    assert norm.normalize("ＡＢＣ１２３！　好").text == "ABC123! 好"


def test_traditional_becomes_simplified(norm):
    assert norm.normalize("這個活動很好玩，群裡廣告太多").text == "这个活动很好玩,群里广告太多"


def test_urls_and_mentions_are_removed(norm):
    out = norm.normalize("@群主 看这个 https://example.com/a?b=1 还有 www.test.cn/x 链接")
    assert out.text == "看这个 还有 链接"


def test_email_is_not_mistaken_for_a_url_or_mention(norm):
    assert "a@b.com" in norm.normalize("邮件 a@b.com 吧").text


def test_sticker_codes_are_removed_but_kept_as_signals(norm):
    out = norm.normalize("活动不错[强][微笑]，就是广告多[发怒][捂脸]")
    assert "[" not in out.text
    assert [s.token for s in out.signals] == ["强", "微笑", "发怒", "捂脸"]
    assert [s.polarity for s in out.signals] == [1, 0, -1, -1]
    assert out.polarity == -1


@pytest.mark.parametrize("text", ["又卡了[微笑]", "会长又装死[旺柴]", "真行[呵呵]", "好吧🙂",
                                  "[doge]"])
def test_smiles_that_read_as_sarcasm_are_marked(norm, text):
    out = norm.normalize(text)
    assert out.sarcasm == 1
    assert all(s.polarity <= 0 for s in out.signals)


def test_ordinary_stickers_are_not_sarcastic(norm):
    out = norm.normalize("谢谢群主[强][玫瑰]😀")
    assert out.sarcasm == 0
    assert out.polarity == 3


def test_emoji_are_removed_and_carry_polarity(norm):
    out = norm.normalize("太棒了👍👍🎉")
    assert out.text == "太棒了"
    assert out.polarity == 3
    assert norm.normalize("又卡了😡").polarity == -1


def test_unknown_bracket_codes_and_pii_placeholders_survive(norm):
    assert norm.normalize("请联系[手机号]").text == "请联系[手机号]"


def test_whitespace_is_collapsed(norm):
    assert norm.normalize("  活动\n\n很好 \t 玩  ").text == "活动 很好 玩"


@pytest.mark.parametrize("text", [
    "无", "没有", "暂无", "还行", "都挺好", "没意见", "挺好的", "不知道", "。。。",
    "没有没有", "还行吧", "无。", "  暂无  ", "N/A", "[微笑]", "👍",
])
def test_filler_answers_are_flagged(norm, text):
    assert norm.normalize(text).is_filler


@pytest.mark.parametrize("text", [
    "活动很好玩，但是群里广告太多", "希望多组织线下活动", "没有人回复我的问题",
    "不知道为什么总是卡顿",
])
def test_real_answers_are_not_fillers(norm, text):
    assert not norm.normalize(text).is_filler


@pytest.mark.parametrize("text", [
    "同意！", "+1，同样遇到过", "顶一下", "我也是这样", "说到心坎里了", "好的，收到",
    "谢谢回复！期待改进。", "同意同意",
])
def test_replies_that_only_agree_are_fillers(norm, text):
    assert norm.normalize(text).is_filler


@pytest.mark.parametrize("text", [
    "同意，另外直播也卡", "我也遇到过直播卡顿", "同感，上周的回放也没有", "+1，积分一直没到账",
])
def test_agreeing_with_something_of_ones_own_is_not_a_filler(norm, text):
    assert not norm.normalize(text).is_filler


@pytest.mark.parametrize(
    "text", ["", None, "a", "好", "😀", "[哈哈]", "https://t.cn/x", "@某人", "   "]
)
def test_tiny_inputs_never_raise(norm, text):
    out = norm.normalize(text)
    assert isinstance(out.text, str)


def test_only_a_url_becomes_an_empty_filler(norm):
    out = norm.normalize("https://example.com/page")
    assert out.text == "" and out.is_filler


def test_batch_equals_single_and_module_helpers_work(norm):
    texts = ["這個好", "无", "赞[强]"]
    assert norm.normalize_many(texts) == [norm.normalize(t) for t in texts]
    assert normalize_many(texts) == [normalize(t) for t in texts]


def test_normalizer_survives_pickling(norm):
    norm.normalize("這個")
    clone = pickle.loads(pickle.dumps(norm))  # noqa: S301 (our own object)
    assert clone.normalize("這個").text == "这个"


def test_is_filler_text_on_plain_strings():
    assert is_filler_text("")
    assert not is_filler_text("客服回复太慢")


def test_sticker_codes_become_their_emoji_and_other_brackets_stay():
    from nlp.normalize import stickers_to_emoji

    assert stickers_to_emoji("又卡了[捂脸][强] 群主[旺柴]") == "又卡了🤦👍 群主🐶"
    # PII placeholders, media markers without an emoji and unknown codes stay as written.
    kept = "电话[手机号] [图片] [不存在的码]"
    assert stickers_to_emoji(kept) == kept
    assert stickers_to_emoji("") == ""


def test_every_sticker_with_a_polarity_row_is_read_the_same_with_its_emoji_column():
    from nlp.normalize import STICKERS_PATH, sticker_emoji, sticker_polarity

    polarity = sticker_polarity()
    assert set(sticker_emoji()) <= set(polarity)
    assert all(v in (-1, 0, 1) for v in polarity.values())
    assert "sarcastic" not in sticker_emoji().values()
    assert STICKERS_PATH.read_text(encoding="utf-8").count("🤦") >= 1


def test_the_model_fingerprint_ignores_the_display_emoji_column():
    from nlp.normalize import sticker_rows_without_emoji

    rows = sticker_rows_without_emoji().decode("utf-8")
    assert "🤦" not in rows and "捂脸 -1\n" in rows and "微笑 0 sarcastic\n" in rows
