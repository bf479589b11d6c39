"""The ready-made templates load, pass validation and have working logic."""

import pytest

from surveys import (
    compute_path,
    list_templates,
    load_template,
    validate_answers,
    validate_definition,
)
from surveys.templates import TEMPLATE_KEYS, UnknownTemplate


def test_three_templates_are_listed_in_order():
    infos = list_templates()
    assert [t.key for t in infos] == ["community_satisfaction", "event_feedback", "new_member"]
    assert [t.title for t in infos] == ["社群满意度调查", "活动反馈", "新成员调研"]
    assert all(t.question_count >= 8 and t.description for t in infos)


@pytest.mark.parametrize("key", TEMPLATE_KEYS)
def test_template_is_valid_and_has_logic(key):
    survey = load_template(key)
    assert validate_definition(survey) == []
    assert survey.welcome and survey.thank_you
    assert any(p.skip for p in survey.pages) or any(q.show_if for q in survey.questions)


def test_templates_are_fresh_copies():
    assert load_template("new_member") == load_template("new_member")


def test_unknown_template():
    with pytest.raises(UnknownTemplate):
        load_template("nope")


ASPECTS = ("content", "discussion", "response", "events", "spam")


def test_satisfaction_template_asks_detractors_why():
    survey = load_template("community_satisfaction")
    types = {q.type for q in survey.questions}
    assert {"nps", "csat", "long_text"} <= types
    detractor = compute_path(survey, {"nps": 4, "csat": 2})
    promoter = compute_path(survey, {"nps": 10, "csat": 5})
    assert "detractor_reasons" in detractor.questions
    assert "detractor_reasons" not in promoter.questions
    assert "liked_most" in promoter.questions and "liked_most" not in detractor.questions
    result = validate_answers(survey, {"nps": 4, "csat": 2, "valued": ["none"],
                                       "aspects": dict.fromkeys(ASPECTS, 2)})
    assert [(e.question_id, e.code) for e in result.errors] == [
        ("detractor_reasons", "required")]


def test_event_template_routes_absentees_past_the_rating():
    survey = load_template("event_feedback")
    absent = compute_path(survey, {"attended": "absent"})
    present = compute_path(survey, {"attended": "full"})
    assert absent.pages == ("attendance", "absence", "next_time", "closing")
    assert present.pages == ("attendance", "rating", "next_time", "closing")


def test_new_member_template_hides_experience_for_students():
    survey = load_template("new_member")
    assert "years" not in compute_path(survey, {"role": "student"}).questions
    assert "years" in compute_path(survey, {"role": "tech"}).questions
    assert "wechat" in compute_path(survey, {"share": "yes"}).questions
    assert "wechat" not in compute_path(survey, {"share": "no"}).questions
