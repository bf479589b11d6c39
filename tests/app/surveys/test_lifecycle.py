"""Draft → published → closed (and reopened), versions recorded per response, close dates and
response limits enforced at submit with a clear message."""

from __future__ import annotations

import copy
from datetime import timedelta

from app.models import Survey, SurveyResponse, SurveyVersion, utcnow
from tests.app.surveys.helpers import SKIP_SURVEY, answer_pages, form_data, idem_of, start


def test_publishing_is_refused_while_the_builder_lists_problems(client, db, operator,
                                                              survey_factory, community):
    broken = copy.deepcopy(SKIP_SURVEY)
    broken["pages"][1]["skip"][0]["goto"] = "first"  # a backward jump
    broken["pages"][2]["questions"].append(
        {"id": "pick", "type": "single_choice", "title": "", "options": [{"id": "a",
                                                                         "label": "唯一"}]})
    survey = survey_factory(broken, publish=False)
    builder = client.get(f"/c/{community.slug}/surveys/{survey.id}/").get_data(as_text=True)
    assert "发布前还需修改 3 处" in builder
    assert "不能跳回前面的页面" in builder
    response = client.post(f"/c/{community.slug}/surveys/{survey.id}/publish", data={})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).status == "draft"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "问卷还有 3 个问题需要修改" in page


def test_editing_a_published_survey_creates_a_new_version_on_publish(app, client, db, operator,
                                                                   survey_factory, community):
    survey = survey_factory(SKIP_SURVEY)
    member_client = app.test_client()
    answer_pages(member_client, survey, {"first": {"nps": "10"}})
    edit = client.post(f"/c/{community.slug}/surveys/{survey.id}/questions/more", data={
        "type": "long_text", "title": "还有什么建议吗？", "max_length": "500",
        "feedback": "y"})
    assert edit.status_code == 302
    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    assert survey.live_version == 1
    builder = client.get(f"/c/{community.slug}/surveys/{survey.id}/").get_data(as_text=True)
    assert "有未发布的修改" in builder
    # Members still get version 1 until the changes are published.
    assert "还有什么想说的？" in _last_page(app, survey)
    client.post(f"/c/{community.slug}/surveys/{survey.id}/publish", data={})
    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    assert survey.live_version == 2
    assert "还有什么建议吗？" in _last_page(app, survey)
    versions = db.session.execute(db.select(SurveyVersion.number).where(
        SurveyVersion.survey_id == survey.id).order_by(SurveyVersion.number)).scalars().all()
    assert versions == [1, 2]
    first = db.session.execute(db.select(SurveyResponse)).scalar_one()
    assert db.session.get(SurveyVersion, first.version_id).number == 1
    answer_pages(app.test_client(), survey, {"first": {"nps": "10"}})
    numbers = sorted(db.session.get(SurveyVersion, r.version_id).number for r in
                     db.session.execute(db.select(SurveyResponse)).scalars())
    assert numbers == [1, 2]


def _last_page(app, survey) -> str:
    client = app.test_client()
    html = start(client, survey)
    client.post(f"/s/{survey.public_key}", data=form_data("first", {"nps": "3", "why": "x"},
                                                          idem_of(html)))
    html = client.get(f"/s/{survey.public_key}").get_data(as_text=True)
    client.post(f"/s/{survey.public_key}", data=form_data("detail", {"fix": "ads"},
                                                          idem_of(html)))
    return client.get(f"/s/{survey.public_key}").get_data(as_text=True)


def test_discarding_changes_returns_to_the_live_version(client, db, operator, survey_factory,
                                                       community):
    survey = survey_factory(SKIP_SURVEY)
    client.post(f"/c/{community.slug}/surveys/{survey.id}/questions/more/delete", data={})
    db.session.expire_all()
    assert "more" not in str(db.session.get(Survey, survey.id).definition)
    client.post(f"/c/{community.slug}/surveys/{survey.id}/discard", data={})
    db.session.expire_all()
    assert "more" in str(db.session.get(Survey, survey.id).definition)


def test_close_and_reopen(app, client, db, operator, survey_factory, community):
    survey = survey_factory(SKIP_SURVEY)
    client.post(f"/c/{community.slug}/surveys/{survey.id}/close", data={})
    page = app.test_client().get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert "已经结束收集" in page
    client.post(f"/c/{community.slug}/surveys/{survey.id}/reopen", data={})
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).status == "published"
    assert "开始填写" in app.test_client().get(f"/s/{survey.public_key}").get_data(as_text=True)


def test_a_passed_close_date_stops_submissions_with_a_message(app, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY, close_at=utcnow() + timedelta(hours=1))
    client = app.test_client()
    html = start(client, survey)
    survey.close_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post(f"/s/{survey.public_key}", data=form_data("first", {"nps": "10"},
                                                                      idem_of(html)))
    assert "已过截止时间" in response.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one() == 0


def test_the_response_limit_is_enforced_at_submit(app, db, survey_factory, client, login_as,
                                                  community):
    survey = survey_factory(SKIP_SURVEY, max_responses=1)
    late = app.test_client()
    late_html = start(late, survey)
    answer_pages(app.test_client(), survey, {"first": {"nps": "10"}})
    refused = late.post(f"/s/{survey.public_key}", data=form_data("first", {"nps": "9"},
                                                                   idem_of(late_html)))
    assert "已达到上限" in refused.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one() == 1
    assert "已达到上限" in app.test_client().get(f"/s/{survey.public_key}").get_data(as_text=True)
    # Closing and reopening a full survey needs a higher limit first.
    login_as("operator")
    client.post(f"/c/{community.slug}/surveys/{survey.id}/close", data={})
    page = client.post(f"/c/{community.slug}/surveys/{survey.id}/reopen", data={},
                       follow_redirects=True)
    assert "请先调高回收上限" in page.get_data(as_text=True)


def test_the_limit_holds_under_concurrent_submissions(app, db, survey_factory):
    import threading

    survey = survey_factory(SKIP_SURVEY, max_responses=2)
    clients = [app.test_client() for _n in range(5)]
    pages = [start(c, survey) for c in clients]
    codes = []

    def submit(c, html):
        codes.append(c.post(f"/s/{survey.public_key}",
                            data=form_data("first", {"nps": "10"}, idem_of(html))).status_code)

    threads = [threading.Thread(target=submit, args=pair) for pair in zip(clients, pages,
                                                                          strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one() == 2
    assert db.session.get(Survey, survey.id).response_count == 2
    assert sorted(codes) == [200, 200, 200, 302, 302] or codes.count(302) == 2


def test_settings_change_mode_limit_and_close_date(client, db, operator, survey_factory,
                                                  community):
    survey = survey_factory(SKIP_SURVEY)
    page = client.post(f"/c/{community.slug}/surveys/{survey.id}/settings", data={
        "access_mode": "member", "close_at": "2030-01-02T20:30", "max_responses": "300"})
    assert page.status_code == 302
    db.session.expire_all()
    survey = db.session.get(Survey, survey.id)
    assert survey.access_mode == "member" and survey.max_responses == 300
    assert survey.close_at.isoformat() == "2030-01-02T12:30:00"  # stored in UTC
    answer_count = client.application.test_client()
    survey.access_mode = "anonymous"
    db.session.commit()
    answer_pages(answer_count, survey, {"first": {"nps": "10"}})
    locked = client.post(f"/c/{community.slug}/surveys/{survey.id}/settings", data={
        "access_mode": "token"})
    assert "不能更改填写方式" in locked.get_data(as_text=True)
