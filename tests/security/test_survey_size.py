"""A survey has at most 300 questions and 200 options per question: a 10,000-question
definition is refused at once (it made a 108 MB builder page that took 300 s), and the
builder stops adding at the cap."""

from __future__ import annotations

import io
import json
import time

import pytest

import surveys as domain
from app.models import Survey
from surveys.limits import MAX_OPTIONS, MAX_QUESTIONS
from tests.factories import make_survey


def _definition(questions: int, *, options: int = 2, pages: int = 1) -> dict:
    per_page = -(-questions // pages)
    return {"schema_version": 1, "title": "大问卷", "pages": [
        {"id": f"p{p}", "title": "", "questions": [
            {"id": f"q{p}_{i}", "type": "single_choice", "title": f"第 {i} 题",
             "options": [{"id": f"o{k}", "label": f"选项 {k}"} for k in range(options)]}
            for i in range(min(per_page, questions - p * per_page))]}
        for p in range(pages)]}


def test_a_10000_question_definition_is_refused_before_it_is_built(monkeypatch):
    from surveys import definition

    text = json.dumps(_definition(10_000, options=3), ensure_ascii=False)
    built = []
    monkeypatch.setattr(definition, "survey_from_dict",
                        lambda data: built.append(data) or pytest.fail("built"))
    started = time.process_time()
    with pytest.raises(domain.DefinitionError) as refused:
        domain.loads(text)
    # Refused from the parsed JSON alone (a wall-clock limit failed on a busy machine).
    assert built == []
    assert time.process_time() - started < 2.0
    assert "题目数（这份有 10000 道）最多 300 个" in str(refused.value)


def test_a_question_with_too_many_options_is_refused_on_import():
    with pytest.raises(domain.DefinitionError) as refused:
        domain.loads(json.dumps(_definition(3, options=MAX_OPTIONS + 1)))
    assert f"选项数（这道有 {MAX_OPTIONS + 1} 个）最多 {MAX_OPTIONS} 个" in str(refused.value)


def test_a_survey_at_the_caps_is_still_read():
    survey = domain.loads(json.dumps(_definition(MAX_QUESTIONS, options=MAX_OPTIONS, pages=3)))
    assert len(survey.questions) == MAX_QUESTIONS
    assert not [p for p in domain.validate_definition(survey) if p.code == "too_many"]


def test_publishing_checks_the_question_cap_too():
    survey = domain.Survey.from_dict(_definition(MAX_QUESTIONS + 1, pages=4))
    assert any(p.code == "too_many" for p in domain.validate_definition(survey))


def test_the_import_page_refuses_a_huge_definition_quickly(client, db, community, login_as):
    login_as("operator")
    text = json.dumps({"schema_version": 1, "title": "大问卷", "pages": [
        {"id": "p", "questions": [{"id": f"q{i}", "type": "long_text", "title": "题"}
                                  for i in range(10_000)]}]})
    assert len(text) < 1024 * 1024  # under the file cap: the question cap is what refuses it
    upload = (io.BytesIO(text.encode()), "big.json")
    started = time.perf_counter()
    response = client.post(f"/c/{community.slug}/surveys/new", data={
        "source": "json", "access_mode": "anonymous", "definition_file": upload},
        content_type="multipart/form-data")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    assert "题目数（这份有 10000 道）最多 300 个" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Survey)).first() is None
    assert elapsed < 2.0


def test_the_builder_stops_adding_questions_and_pages_at_the_cap(client, db, community,
                                                                 login_as):
    login_as("operator")
    survey = make_survey(community, _definition(MAX_QUESTIONS, pages=2), publish=False)
    db.session.commit()
    base = f"/c/{community.slug}/surveys/{survey.id}"
    added = client.post(f"{base}/pages/p1/questions/new?type=long_text",
                        data={"type": "long_text", "title": "再加一道"})
    assert added.status_code == 200
    assert "一份问卷最多 300 道题" in added.get_data(as_text=True)
    copied = client.post(f"{base}/questions/q0_0/duplicate", follow_redirects=True)
    assert "一份问卷最多 300 道题" in copied.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.get(Survey, survey.id).definition["pages"][1]["questions"]) == 150
    assert sum(len(p["questions"]) for p in db.session.get(Survey, survey.id)
               .definition["pages"]) == MAX_QUESTIONS


def test_a_survey_past_the_cap_from_before_can_still_shrink(db, community):
    from app.services.surveys import builder as survey_builder

    survey = make_survey(community, _definition(3), publish=False)
    survey.definition = _definition(MAX_QUESTIONS + 5)  # stored before the cap existed
    db.session.commit()
    survey_builder.delete_question(survey, "q0_0")
    db.session.commit()
    assert len(survey.definition["pages"][0]["questions"]) == MAX_QUESTIONS + 4
