"""Access modes: anonymous (no identity, no IP anywhere, rate-limited), signed-in members (one
response each, also enforced by the database) and one-time invitation tokens (spent only by
a finished response)."""

from __future__ import annotations

import pytest
from sqlalchemy import String, Text
from sqlalchemy.exc import IntegrityError

from app.models import FeedbackItem, SurveyInvitation, SurveyResponse, SurveySession
from app.services.surveys import invitations as survey_invitations
from tests.app.surveys.helpers import (
    SKIP_SURVEY,
    answer_pages,
    form_data,
    idem_of,
    start,
)
from tests.conftest import sign_in
from tests.factories import make_member

CLIENT_ADDRESS = "203.0.113.77"
DETRACTOR = {"first": {"nps": "3", "why": "广告太多，联系我 13812345678"},
             "detail": {"fix": "ads"}, "last": {"more": "希望多点干货"}}


def _all_text_in_database(db) -> str:
    """Every text and JSON value in every table, as one string."""
    chunks = []
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(table.select()).mappings().all()
        for row in rows:
            for column in table.columns:
                value = row[column.name]
                if value is not None and (isinstance(column.type, String | Text)
                                          or not isinstance(value, int | float | bool)):
                    chunks.append(str(value))
    return "\n".join(chunks)


def test_anonymous_responses_store_no_identity_and_no_ip_anywhere(app, db, survey_factory,
                                                                    community):
    survey = survey_factory(SKIP_SURVEY, channels=[("wx-group-3", "微信3群")])
    # Even a signed-in member answering an anonymous survey stays anonymous.
    member = make_member(community, "member", email="anon-test@example.org")
    db.session.commit()
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = CLIENT_ADDRESS
    client.environ_base["HTTP_X_FORWARDED_FOR"] = CLIENT_ADDRESS
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 TestPhone"
    sign_in(client, member)
    answer_pages(client, survey, DETRACTOR, ch="wx-group-3")
    response = db.session.execute(db.select(SurveyResponse)).scalar_one()
    assert response.respondent_id is None and response.invitation_id is None
    assert response.channel == "wx-group-3"
    items = db.session.execute(db.select(FeedbackItem)).scalars().all()
    assert {i.author_id for i in items} == {None}
    assert all(i.channel == "wx-group-3" for i in items)
    assert db.session.execute(db.select(SurveySession.respondent_id)).scalar_one() is None
    dump = _all_text_in_database(db)
    assert CLIENT_ADDRESS not in dump
    assert "TestPhone" not in dump


def test_unknown_channels_in_links_are_not_recorded(client, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY, channels=[("wx-group-3", "微信3群")])
    answer_pages(client, survey, DETRACTOR, ch="made-up-group")
    assert db.session.execute(db.select(SurveyResponse.channel)).scalar_one() is None


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "ANON_RATE_LIMIT": "2 per minute"}])
def test_anonymous_starts_and_submissions_are_rate_limited(app, app_config, db,
                                                           survey_factory):
    from app.extensions import limiter

    limiter.reset()
    survey = survey_factory(SKIP_SURVEY)
    client = app.test_client()
    answer_pages(client, survey, {"first": {"nps": "10"}})  # start + submit: 2 hits
    client.post(f"/s/{survey.public_key}/start", data={})
    refused = client.post(f"/s/{survey.public_key}/start", data={})
    assert refused.status_code == 429
    assert "操作太频繁" in refused.get_data(as_text=True)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    assert other.post(f"/s/{survey.public_key}/start", data={}).status_code == 302
    limiter.reset()


# -- member mode --------------------------------------------------------------------------

def test_member_surveys_need_a_signed_in_member(app, db, survey_factory, other_community):
    survey = survey_factory(SKIP_SURVEY, access_mode="member")
    visitor = app.test_client()
    response = visitor.get(f"/s/{survey.public_key}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    outsider = make_member(other_community, "member")
    db.session.commit()
    sign_in(visitor, outsider)
    page = visitor.get(f"/s/{survey.public_key}")
    assert page.status_code == 403
    assert "只面向「光影同行」的成员" in page.get_data(as_text=True)


def test_a_member_answers_once_and_a_second_response_is_refused(app, db, survey_factory,
                                                               community):
    survey = survey_factory(SKIP_SURVEY, access_mode="member")
    member = make_member(community, "member")
    db.session.commit()
    phone = app.test_client()
    sign_in(phone, member)
    answer_pages(phone, survey, DETRACTOR)
    stored = db.session.execute(db.select(SurveyResponse)).scalar_one()
    assert stored.respondent_id == member.id
    feedback = db.session.execute(db.select(FeedbackItem)).scalars().all()
    assert {f.author_id for f in feedback} == {member.id}
    laptop = app.test_client()
    sign_in(laptop, member)
    again = laptop.get(f"/s/{survey.public_key}")
    assert "你已经提交过了" in again.get_data(as_text=True)
    assert laptop.post(f"/s/{survey.public_key}/start", data={}).status_code == 200
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one() == 1


def test_two_open_sessions_of_one_member_store_one_response(app, db, survey_factory, community):
    survey = survey_factory(SKIP_SURVEY, access_mode="member")
    member = make_member(community, "member")
    db.session.commit()
    a, b = app.test_client(), app.test_client()
    sign_in(a, member)
    sign_in(b, member)
    html_a = start(a, survey)
    # The second device resumes the same session instead of starting another.
    html_b = b.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert idem_of(html_a) == idem_of(html_b)
    for client, html in ((a, html_a), (b, html_b)):
        client.post(f"/s/{survey.public_key}", data=form_data("first", {"nps": "10"},
                                                               idem_of(html)))
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one() == 1


def test_the_database_refuses_a_second_response_of_a_member(db, survey_factory, community):
    from app.services.surveys import lifecycle as survey_service
    from app.services.surveys import responses as runs

    survey = survey_factory(SKIP_SURVEY, access_mode="member")
    member = make_member(community, "member")
    db.session.commit()
    version, definition = survey_service.live_definition(survey)
    runs.commit_response(survey, version, definition,
                         runs.NewResponse(answers={"nps": 10}, respondent_id=member.id))
    db.session.add(SurveyResponse(survey_id=survey.id, community_id=survey.community_id,
                                  version_id=version.id, answers={"nps": 9},
                                  respondent_id=member.id))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    with pytest.raises(runs.Conflict) as refused:
        runs.commit_response(survey, version, definition,
                             runs.NewResponse(answers={"nps": 8}, respondent_id=member.id))
    assert "只能提交一次" in refused.value.message


def test_anonymous_responses_are_left_out_of_the_member_and_invitation_indexes(db):
    """The one-per-member and one-per-invitation rules are partial unique indexes, so an
    anonymous response (both NULL) adds no entry to them."""
    names = ("uq_survey_responses_survey_id_respondent_id", "uq_survey_responses_invitation_id")
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(db.text(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'survey_responses'"
            " AND type = 'index'")).all()
    else:
        rows = db.session.execute(db.text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'survey_responses'"
        )).all()
    definitions = {row[0]: row[1] for row in rows}
    for name in names:
        assert "UNIQUE" in definitions[name].upper()
        assert "IS NOT NULL" in definitions[name].upper()


# -- invitation tokens --------------------------------------------------------------------

def _links(db, survey, n=2, labels=()):
    issued = survey_invitations.create_invitations(
        survey, count=n, labels=labels, actor=None,
        link_for=lambda token: f"http://localhost/s/{survey.public_key}?t={token}")
    db.session.commit()
    return issued


def test_token_surveys_need_a_valid_link(client, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY, access_mode="token")
    assert client.get(f"/s/{survey.public_key}").status_code == 404
    bad = client.get(f"/s/{survey.public_key}", query_string={"t": "not-a-token"})
    assert bad.status_code == 404 and "邀请链接无效" in bad.get_data(as_text=True)
    assert client.post(f"/s/{survey.public_key}/start", data={"t": "forged"}).status_code == 409


def test_a_token_is_spent_only_by_a_finished_response(app, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY, access_mode="token")
    link = _links(db, survey, labels=["阿青"])[0]
    first = app.test_client()
    html = start(first, survey, t=link.token)
    # Partial answers saved: the token is still unused and usable on another device.
    first.post(f"/s/{survey.public_key}", data=form_data("first", {"nps": "3", "why": "卡"},
                                                         idem_of(html)))
    invitation = db.session.get(SurveyInvitation, link.invitation.id)
    assert invitation.used_at is None
    second = app.test_client()
    answer_pages(second, survey, {"first": {"nps": "10"}}, t=link.token)
    db.session.expire_all()
    invitation = db.session.get(SurveyInvitation, link.invitation.id)
    assert invitation.used_at is not None
    response = db.session.execute(db.select(SurveyResponse)).scalar_one()
    assert response.invitation_id == invitation.id and response.respondent_id is None
    # The first device finishes later: refused, nothing stored twice.
    page = first.get(f"/s/{survey.public_key}").get_data(as_text=True)
    refused = first.post(f"/s/{survey.public_key}", data=form_data(
        "detail", {"fix": "ads"}, idem_of(page)))
    refused = first.post(f"/s/{survey.public_key}", data=form_data(
        "last", {}, idem_of(page))) if refused.status_code == 302 else refused
    assert refused.status_code == 409
    assert "每个链接只能使用一次" in refused.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one() == 1
    # And the used link now says so when opened fresh.
    fresh = app.test_client().get(f"/s/{survey.public_key}", query_string={"t": link.token})
    assert fresh.status_code == 409 and "已经提交过回答" in fresh.get_data(as_text=True)


def test_only_hashes_of_tokens_are_stored_and_revoked_links_stop(app, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY, access_mode="token")
    links = _links(db, survey, n=3)
    dump = "\n".join(str(v) for v in db.session.execute(
        SurveyInvitation.__table__.select()).all())
    assert not any(link.token in dump for link in links)
    survey_invitations.revoke(db.session.get(SurveyInvitation, links[0].invitation.id),
                              actor=None)
    db.session.commit()
    client = app.test_client()
    revoked = client.get(f"/s/{survey.public_key}", query_string={"t": links[0].token})
    assert revoked.status_code == 409 and "已被作废" in revoked.get_data(as_text=True)
    assert survey_invitations.counts(survey) == {"unused": 2, "used": 0, "revoked": 1}


def test_operators_generate_links_and_download_them_once(client, db, operator, survey_factory,
                                                         community):
    import base64
    import re

    survey = survey_factory(SKIP_SURVEY, access_mode="token")
    page = client.post(f"/c/{community.slug}/surveys/{survey.id}/invitations",
                       data={"count": "", "labels": "阿青\n小鹿\n\n老周"})
    body = page.get_data(as_text=True)
    assert "已生成 3 个专属链接" in body
    data = re.search(r'href="data:text/csv;base64,([^"]+)"', body).group(1)
    csv_text = base64.b64decode(data).decode("utf-8-sig")
    assert "阿青" in csv_text and f"/s/{survey.public_key}?t=" in csv_text
    token = re.search(r"\?t=([\w-]+)", csv_text).group(1)
    assert client.get(f"/s/{survey.public_key}", query_string={"t": token}).status_code == 200
    listing = client.get(f"/c/{community.slug}/surveys/{survey.id}/invitations")
    assert token not in listing.get_data(as_text=True)
    status = client.get(f"/c/{community.slug}/surveys/{survey.id}/invitations.csv")
    assert "未使用" in status.get_data(as_text=True).lstrip("\ufeff")


def test_invitation_errors_are_explained(client, db, operator, survey_factory, community):
    anonymous = survey_factory(SKIP_SURVEY)
    page = client.post(f"/c/{community.slug}/surveys/{anonymous.id}/invitations",
                       data={"count": "5"})
    assert "只有「一次性邀请链接」方式的问卷" in page.get_data(as_text=True)
    token_survey = survey_factory(SKIP_SURVEY, access_mode="token")
    page = client.post(f"/c/{community.slug}/surveys/{token_survey.id}/invitations",
                       data={"count": "5000"})
    assert "每次可生成 1 到 1000 个链接" in page.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(SurveyInvitation.id))).scalar_one() == 0



# -- one response per WeChat / device --------------------------------------------------------

def _responses(db) -> int:
    return db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one()


def test_one_per_device_turns_away_a_second_response_from_the_same_device(app, db,
                                                                         survey_factory):
    survey = survey_factory(SKIP_SURVEY, one_per_device=True)
    phone = app.test_client()
    done = answer_pages(phone, survey, {"first": {"nps": "10"}})
    assert "再填一份" not in done
    assert phone.get_cookie("hs_answered", path="/s").value == survey.public_key

    # The response's own cookie gone (it expires), the device cookie still remembers.
    phone.delete_cookie("hs_resume", path=f"/s/{survey.public_key}")
    page = phone.get(f"/s/{survey.public_key}").get_data(as_text=True)
    assert "每个微信/设备只能填一次" in page and "开始填写" not in page
    refused = phone.post(f"/s/{survey.public_key}/start", data={})
    assert "每个微信/设备只能填一次" in refused.get_data(as_text=True)
    assert _responses(db) == 1

    # Another phone answers as usual; nothing about either device is stored.
    answer_pages(app.test_client(), survey, {"first": {"nps": "9"}})
    assert _responses(db) == 2
    assert "hs_answered" not in _all_text_in_database(db)


def test_without_the_rule_the_thank_you_page_offers_another_response(app, db, community,
                                                                      survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    done = answer_pages(app.test_client(), survey, {"first": {"nps": "10"}})
    assert "再填一份" in done
    assert f'href="/c/{community.slug}/box"' in done
    assert f'href="/c/{community.slug}/changes"' in done
    member_survey = survey_factory(SKIP_SURVEY, access_mode="member")
    assert not member_survey.allows_repeats


def test_the_rule_is_kept_only_for_anonymous_surveys(app, db, survey_factory):
    from app.services.surveys import lifecycle as survey_service

    survey = survey_factory(SKIP_SURVEY, publish=False)
    survey_service.update_settings(survey, survey_service.SettingsInput(
        access_mode="anonymous", close_at=None, max_responses=None, one_per_device=True),
        actor=None)
    assert survey.one_per_device and not survey.allows_repeats
    survey_service.update_settings(survey, survey_service.SettingsInput(
        access_mode="member", close_at=None, max_responses=None, one_per_device=True),
        actor=None)
    assert not survey.one_per_device
