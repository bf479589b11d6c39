"""Free text that becomes feedback items: text answers and 其他 texts, not nicknames."""

from surveys import FreeText, extract_free_texts, validate_answers


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
