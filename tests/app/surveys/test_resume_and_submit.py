"""Save and resume (cookie and resume link), and the idempotent submit: a double click or a
retried POST stores exactly one response and shows the same thank-you page."""

from __future__ import annotations

import re
import threading

from app.models import SurveyResponse, SurveySession
from tests.app.surveys.helpers import SKIP_SURVEY, form_data, idem_of, page_of, start


def _count(db) -> int:
    return db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one()


def test_partial_answers_are_kept_server_side_and_resume_by_cookie(app, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    client = app.test_client()
    html = start(client, survey)
    client.post(f"/s/{survey.public_key}", data=form_data("first", {"nps": "4", "why": "广告多"},
                                                          idem_of(html)))
    session = db.session.execute(db.select(SurveySession)).scalar_one()
    assert session.answers == {"nps": 4, "why": "广告多"} and session.current_page == "detail"
    # Only the cookie identifies the device: a new client with that cookie resumes.
    cookie = client.get_cookie("hs_resume", path=f"/s/{survey.public_key}")
    assert cookie is not None and cookie.http_only
    other = app.test_client()
    other.set_cookie("hs_resume", cookie.value, path=f"/s/{survey.public_key}")
    page = other.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert page_of(page) == "detail"
    assert idem_of(page) == idem_of(html)
    # Without the cookie, the survey starts over.
    fresh = app.test_client().get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert "开始填写" in fresh


def test_save_for_later_shows_a_resume_link_that_works_elsewhere(app, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    phone = app.test_client()
    html = start(phone, survey)
    saved = phone.post(f"/s/{survey.public_key}", data=form_data(
        "first", {"nps": "2", "why": "还没写完"}, idem_of(html), "save"))
    body = saved.get_data(as_text=True)
    assert "进度已保存" in body
    link = re.search(r'value="(http[^"]+/resume/[^"]+)"', body).group(1)
    token = link.rsplit("/", 1)[1]
    laptop = app.test_client()
    response = laptop.get(f"/s/{survey.public_key}/resume/{token}")
    assert response.status_code == 302
    page = laptop.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert page_of(page) == "first" and "还没写完" in page
    # Only a hash of the token is stored.
    assert db.session.execute(db.select(SurveySession.token_hash)).scalar_one() != token
    bad = app.test_client().get(f"/s/{survey.public_key}/resume/not-a-real-token")
    assert bad.status_code == 404 and "续填链接无效或已过期" in bad.get_data(as_text=True)


def test_a_member_resumes_on_another_device_without_a_link(app, db, survey_factory, community):
    from tests.conftest import sign_in
    from tests.factories import make_member

    survey = survey_factory(SKIP_SURVEY, access_mode="member")
    member = make_member(community, "member")
    db.session.commit()
    phone = app.test_client()
    sign_in(phone, member)
    html = start(phone, survey)
    phone.post(f"/s/{survey.public_key}", data=form_data("first", {"nps": "5", "why": "慢"},
                                                         idem_of(html)))
    laptop = app.test_client()
    sign_in(laptop, member)
    assert page_of(laptop.get(f"/s/{survey.public_key}").get_data(as_text=True)) == "detail"


def test_a_double_submit_stores_one_response_and_both_see_thanks(app, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    client = app.test_client()
    html = start(client, survey)
    data = form_data("first", {"nps": "10"}, idem_of(html))
    first = client.post(f"/s/{survey.public_key}", data=data)
    second = client.post(f"/s/{survey.public_key}", data=data)
    assert first.status_code == second.status_code == 302
    assert "提交成功" in client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert _count(db) == 1


def test_concurrent_submits_of_one_session_store_exactly_one_response(app, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    client = app.test_client()
    html = start(client, survey)
    cookie = client.get_cookie("hs_resume", path=f"/s/{survey.public_key}").value
    data = form_data("first", {"nps": "9"}, idem_of(html))
    results = []

    def submit():
        other = app.test_client()
        other.set_cookie("hs_resume", cookie, path=f"/s/{survey.public_key}")
        results.append(other.post(f"/s/{survey.public_key}", data=data).status_code)

    threads = [threading.Thread(target=submit) for _n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [302] * 4
    assert _count(db) == 1
    stored = db.session.execute(db.select(SurveyResponse)).scalar_one()
    assert stored.idempotency_key == idem_of(html)


def test_a_stale_form_of_another_session_does_not_submit(app, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    client = app.test_client()
    html = start(client, survey)
    response = client.post(f"/s/{survey.public_key}",
                           data=form_data("first", {"nps": "10"}, "web-not-this-session"))
    assert response.status_code == 302
    assert _count(db) == 0
    assert page_of(client.get(f"/s/{survey.public_key}").get_data(as_text=True)) == "first"
    assert idem_of(html)


def test_after_finishing_an_anonymous_member_may_answer_again(app, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    client = app.test_client()
    html = start(client, survey)
    client.post(f"/s/{survey.public_key}", data=form_data("first", {"nps": "10"},
                                                          idem_of(html)))
    done = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert "再填一份" in done
    assert client.post(f"/s/{survey.public_key}/start", data={}).status_code == 302
    again = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert page_of(again) == "first" and idem_of(again) != idem_of(html)


def test_expired_sessions_are_pruned(db, survey_factory):
    from datetime import timedelta

    from app.models import utcnow
    from app.services.surveys import lifecycle as survey_service
    from app.services.surveys import responses as runs

    survey = survey_factory(SKIP_SURVEY)
    version, _definition = survey_service.live_definition(survey)
    old, _token = runs.start_session(survey, version=version)
    live, _token = runs.start_session(survey, version=version)
    old.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert runs.prune_sessions() == 1
    db.session.commit()
    assert db.session.execute(db.select(SurveySession.id)).scalars().all() == [live.id]
