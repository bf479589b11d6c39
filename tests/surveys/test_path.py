"""The visible path: pages skipped on arrival, questions hidden by display logic."""

from surveys import Survey, compute_path, next_page_id


def test_without_answers_the_path_shows_every_page_and_unconditional_question(mixed):
    path = compute_path(mixed, {})
    assert path.pages == ("p1", "p2", "p3", "p4")
    assert "why_low" not in path.questions
    assert path.hidden_questions == ("why_low",)
    assert path.skipped_pages == ()
    assert not path.ended_early


def test_a_detractor_sees_the_follow_up_and_the_extra_page(mixed):
    path = compute_path(mixed, {"nps": 3})
    assert path.pages == ("p1", "p2", "p3", "p4")
    assert path.includes("why_low")
    assert path.questions.index("why_low") == path.questions.index("nps") + 1


def test_a_promoter_skips_page_three(mixed):
    path = compute_path(mixed, {"nps": 10})
    assert path.pages == ("p1", "p2", "p4")
    assert path.skipped_pages == ("p3",)
    assert not path.includes("rank") and not path.includes("why_low")
    assert path.questions == ("channel_q", "city", "likes", "age", "nps", "csat", "ces",
                              "stars", "grid", "nick", "advice")


def test_an_invalid_answer_does_not_steer_the_logic(mixed):
    assert compute_path(mixed, {"nps": 42}).pages == ("p1", "p2", "p3", "p4")
    assert compute_path(mixed, {"nps": "10"}).pages == ("p1", "p2", "p4")


def test_an_answer_to_a_hidden_question_does_not_steer_the_logic(mixed_doc):
    mixed_doc["pages"][3]["questions"][1]["show_if"] = {
        "question": "why_low", "op": "answered"}
    survey = Survey.from_dict(mixed_doc)
    # why_low is hidden for a promoter, so its stale answer must not show "advice".
    assert not compute_path(survey, {"nps": 10, "why_low": "旧答案"}).includes("advice")
    assert compute_path(survey, {"nps": 2, "why_low": "新答案"}).includes("advice")


def test_skip_to_the_end_ends_the_path(mixed_doc):
    mixed_doc["pages"][2]["skip"][0]["goto"] = "end"
    survey = Survey.from_dict(mixed_doc)
    path = compute_path(survey, {"nps": 9})
    assert path.pages == ("p1", "p2")
    assert path.skipped_pages == ("p3", "p4")
    assert path.ended_early


def test_first_matching_skip_rule_wins(mixed_doc):
    mixed_doc["pages"][2]["skip"] = [
        {"if": {"question": "nps", "op": "gte", "value": 9}, "goto": "end"},
        {"if": {"question": "nps", "op": "gte", "value": 0}, "goto": "p4"},
    ]
    survey = Survey.from_dict(mixed_doc)
    assert compute_path(survey, {"nps": 10}).pages == ("p1", "p2")
    assert compute_path(survey, {"nps": 5}).pages == ("p1", "p2", "p4")


def test_next_previous_and_position_for_the_member_page(mixed):
    answers = {"nps": 10}
    assert next_page_id(mixed, answers, None) == "p1"
    assert next_page_id(mixed, answers, "p2") == "p4"
    assert next_page_id(mixed, answers, "p4") is None
    path = compute_path(mixed, answers)
    assert path.previous_page("p4") == "p2"
    assert path.previous_page("p1") is None
    assert path.position("p4") == (3, 3)
    assert path.position("p3") == (0, 3)
