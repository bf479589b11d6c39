"""Free text that becomes feedback items: text answers and 其他 texts, not nicknames."""

from surveys import FreeText, extract_free_texts, validate_answers, without_free_texts


def test_text_answers_and_other_texts_become_feedback(mixed):
    answers = validate_answers(mixed, {
        "channel_q": {"choice": "other", "other": "小红书"},
        "likes": {"choices": ["dry"], "other": "读书会"},
        "nps": 3, "why_low": "广告太多", "nick": "小明", "advice": "希望多些干货",
    }).answers
    assert extract_free_texts(mixed, answers) == [
        FreeText("channel_q", "小红书", "other", "other"),
        FreeText("likes", "读书会", "other", "other"),
        FreeText("why_low", "广告太多"),
        FreeText("advice", "希望多些干货"),
    ]


def test_no_free_text_without_text(mixed):
    assert extract_free_texts(mixed, {"channel_q": "friend", "nps": 9}) == []


def test_a_retention_purge_replaces_every_typed_text_and_keeps_the_rest(mixed):
    answers = validate_answers(mixed, {
        "channel_q": {"choice": "other", "other": "小红书"},
        "likes": {"choices": ["dry"], "other": "读书会"},
        "nps": 3, "why_low": "广告太多", "nick": "小明", "advice": "希望多些干货",
    }).answers
    purged = without_free_texts(mixed, answers, "（已删除）")
    assert purged["channel_q"] == {**answers["channel_q"], "other": "（已删除）"}
    assert purged["likes"] == {**answers["likes"], "other": "（已删除）"}
    # the nickname is typed text too, though it never becomes feedback
    assert [purged[k] for k in ("why_low", "nick", "advice")] == ["（已删除）"] * 3
    assert purged["nps"] == 3
    assert extract_free_texts(mixed, purged) == [
        FreeText("channel_q", "（已删除）", "other", "other"),
        FreeText("likes", "（已删除）", "other", "other"),
        FreeText("why_low", "（已删除）"),
        FreeText("advice", "（已删除）"),
    ]
    assert answers["why_low"] == "广告太多"  # the caller's answers are left alone


def test_a_purge_leaves_answers_without_text_unchanged(mixed):
    answers = {"channel_q": {"choice": "friend"}, "nps": 9}
    assert without_free_texts(mixed, answers, "（已删除）") == answers
