"""The surveys JSON API: list, definition, submit (strict validation, idempotency keys),
responses, export, statistics, and its errors."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from app.models import FeedbackItem, SurveyResponse
from app.services.accounts import users as accounts
from app.services.surveys import invitations as survey_invitations
from tests.app.surveys.helpers import SKIP_SURVEY
from tests.factories import make_member


@pytest.fixture
def token(db, community):
    user = make_member(community, "operator")
    secret = accounts.create_api_token(community, user, "集成").secret
    db.session.commit()
    return secret


@pytest.fixture
def api(client, token):
    def call(method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return client.open(f"/api/v1{path}", method=method, headers=headers, **kwargs)

    return call


def _count(db) -> int:
    return db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one()


def test_list_and_get_surveys(api, survey_factory):
    published = survey_factory(SKIP_SURVEY, channels=[("wx-group-3", "微信3群")])
    survey_factory(SKIP_SURVEY, publish=False, title="草稿")
    listing = api("GET", "/surveys").get_json()
    assert listing["success"] and listing["meta"]["count"] == 2
    first = next(s for s in listing["data"] if s["id"] == published.id)
    assert first["status"] == "published" and first["version"] == 1
    assert first["url"].endswith(f"/s/{published.public_key}")
    assert first["channels"] == [{"key": "wx-group-3", "label": "微信3群"}]
    drafts = api("GET", "/surveys?status=draft").get_json()["data"]
    assert [s["status"] for s in drafts] == ["draft"]
    assert api("GET", "/surveys?status=bogus").status_code == 400
    detail = api("GET", f"/surveys/{published.id}").get_json()["data"]
    assert detail["definition"]["pages"][0]["questions"][0]["id"] == "nps"
    assert detail["definition_version"] == 1
    assert api("GET", f"/surveys/{published.id}?version=7").status_code == 404
    assert api("GET", "/surveys/999999").status_code == 404


def test_submit_validates_strictly_and_creates_feedback(api, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY, channels=[("wx-group-3", "微信3群")])
    ok = api("POST", f"/surveys/{survey.id}/responses", json={
        "answers": {"nps": 4, "why": "广告太多 手机 13812345678", "fix": "ads"},
        "channel": "wx-group-3"})
    assert ok.status_code == 201
    data = ok.get_json()["data"]
    assert data["answers"] == {"nps": 4, "why": "广告太多 手机 13812345678", "fix": "ads"}
    assert data["channel"] == "wx-group-3" and data["source"] == "api"
    item = db.session.execute(db.select(FeedbackItem)).scalar_one()
    assert "[手机号]" in item.redacted_text and item.channel == "wx-group-3"
    # Answers to questions the logic hides are errors through the API.
    hidden = api("POST", f"/surveys/{survey.id}/responses", json={
        "answers": {"nps": 10, "why": "这题不该出现"}})
    assert hidden.status_code == 422
    errors = hidden.get_json()["errors"]
    assert {"question_id": "why", "code": "hidden_question"}.items() <= next(
        e for e in errors if e.get("question_id") == "why").items()
    invalid = api("POST", f"/surveys/{survey.id}/responses", json={"answers": {"nps": 11}})
    assert invalid.status_code == 422
    assert any(e.get("code") == "out_of_range" and "0 到 10" in e["message"]
               for e in invalid.get_json()["errors"])
    unknown = api("POST", f"/surveys/{survey.id}/responses", json={
        "answers": {"nps": 9, "ghost": 1}})
    assert any(e.get("code") == "unknown_question" for e in unknown.get_json()["errors"])
    assert _count(db) == 1


@pytest.mark.parametrize(("body", "status", "code"), [
    ("not json", 400, "invalid_body"),
    ({"answers": [1, 2]}, 400, "invalid_answers"),
    ({"answers": {"nps": 9}, "channel": 3}, 400, "invalid_channel"),
    ({"answers": {"nps": 9}, "channel": "made-up"}, 400, "unknown_channel"),
    ({"answers": {"nps": 9}, "idempotency_key": "x" * 200}, 400, "invalid_idempotency_key"),
    ({"answers": {"nps": 9}, "invitation_token": "abc"}, 400, "invitation_not_used"),
])
def test_submit_errors(api, db, survey_factory, body, status, code):
    survey = survey_factory(SKIP_SURVEY)
    kwargs = {"data": body, "content_type": "application/json"} if isinstance(body, str) \
        else {"json": body}
    response = api("POST", f"/surveys/{survey.id}/responses", **kwargs)
    assert response.status_code == status
    assert response.get_json()["errors"][0]["code"] == code
    assert _count(db) == 0


def test_the_same_idempotency_key_stores_one_response(api, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    body = {"answers": {"nps": 10}}
    first = api("POST", f"/surveys/{survey.id}/responses", json=body,
                headers={"Idempotency-Key": "order-42"})
    again = api("POST", f"/surveys/{survey.id}/responses", json=body,
                headers={"Idempotency-Key": "order-42"})
    assert first.status_code == 201 and again.status_code == 200
    assert again.get_json()["meta"]["replayed"] is True
    assert first.get_json()["data"]["id"] == again.get_json()["data"]["id"]
    in_body = api("POST", f"/surveys/{survey.id}/responses",
                  json={**body, "idempotency_key": "order-42"})
    assert in_body.status_code == 200
    conflict = api("POST", f"/surveys/{survey.id}/responses", json={"answers": {"nps": 3,
                                                                              "why": "x",
                                                                              "fix": "ads"}},
                   headers={"Idempotency-Key": "order-42"})
    assert conflict.status_code == 409
    assert conflict.get_json()["errors"][0]["code"] == "idempotency_conflict"
    assert _count(db) == 1


def test_closed_full_and_member_surveys_refuse_api_submissions(api, db, survey_factory):
    closed = survey_factory(SKIP_SURVEY)
    closed.status = "closed"
    full = survey_factory(SKIP_SURVEY, max_responses=1)
    member = survey_factory(SKIP_SURVEY, access_mode="member")
    db.session.commit()
    assert api("POST", f"/surveys/{closed.id}/responses", json={"answers": {"nps": 9}}
               ).get_json()["errors"][0]["code"] == "survey_closed"
    assert api("POST", f"/surveys/{full.id}/responses", json={"answers": {"nps": 9}}
               ).status_code == 201
    refused = api("POST", f"/surveys/{full.id}/responses", json={"answers": {"nps": 9}})
    assert refused.status_code == 409 and refused.get_json()["errors"][0]["code"] == "survey_full"
    assert api("POST", f"/surveys/{member.id}/responses", json={"answers": {"nps": 9}}
               ).get_json()["errors"][0]["code"] == "member_survey"
    draft = survey_factory(SKIP_SURVEY, publish=False)
    assert api("POST", f"/surveys/{draft.id}/responses", json={"answers": {"nps": 9}}
               ).status_code == 404


def test_token_surveys_take_the_invitation_token(api, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY, access_mode="token")
    link = survey_invitations.create_invitations(survey, count=1, actor=None,
                                                 link_for=lambda t: t)[0]
    db.session.commit()
    missing = api("POST", f"/surveys/{survey.id}/responses", json={"answers": {"nps": 9}})
    assert missing.status_code == 404
    ok = api("POST", f"/surveys/{survey.id}/responses", json={"answers": {"nps": 9},
                                                              "invitation_token": link.token})
    assert ok.status_code == 201
    used = api("POST", f"/surveys/{survey.id}/responses", json={"answers": {"nps": 9},
                                                                "invitation_token": link.token})
    assert used.status_code == 409 and used.get_json()["errors"][0]["code"] == "invitation_used"


def test_list_export_and_statistics(api, db, survey_factory):
    survey = survey_factory(SKIP_SURVEY, channels=[("wx-group-3", "微信3群")])
    for n, nps in enumerate([10, 9, 3]):
        answers = {"nps": nps} if nps >= 9 else {"nps": nps, "why": "=cmd()", "fix": "live"}
        api("POST", f"/surveys/{survey.id}/responses",
            json={"answers": answers, "channel": "wx-group-3" if n else None})
    listing = api("GET", f"/surveys/{survey.id}/responses?per_page=2").get_json()
    assert listing["meta"] == {"page": 1, "per_page": 2, "total": 3}
    assert len(listing["data"]) == 2
    filtered = api("GET", f"/surveys/{survey.id}/responses?channel=wx-group-3").get_json()
    assert filtered["meta"]["total"] == 2
    assert api("GET", f"/surveys/{survey.id}/responses?since=yesterday").status_code == 400
    csv = api("GET", f"/surveys/{survey.id}/responses/export?format=csv")
    assert csv.headers["Content-Type"].startswith("text/csv")
    assert "'=cmd()" in csv.data.decode("utf-8-sig")
    xlsx = api("GET", f"/surveys/{survey.id}/responses/export?format=xlsx")
    assert load_workbook(io.BytesIO(xlsx.data)).active.max_row == 4
    assert api("GET", f"/surveys/{survey.id}/responses/export?format=pdf").status_code == 400
    stats = api("GET", f"/surveys/{survey.id}/statistics").get_json()["data"]
    nps = next(q for q in stats["questions"] if q["question_id"] == "nps")
    assert nps["nps"]["score"] == pytest.approx(100 * (2 - 1) / 3)
    assert stats["total_responses"] == 3


def test_api_access_is_checked_per_community_and_role(client, db, survey_factory, community,
                                                      other_community):
    survey = survey_factory(SKIP_SURVEY)
    outsider = make_member(other_community, "operator")
    member = make_member(community, "member")
    outsider_token = accounts.create_api_token(other_community, outsider, "b").secret
    member_token = accounts.create_api_token(community, member, "m").secret
    db.session.commit()
    assert client.get("/api/v1/surveys").status_code == 401
    as_outsider = client.get(f"/api/v1/surveys/{survey.id}",
                             headers={"Authorization": f"Bearer {outsider_token}"})
    assert as_outsider.status_code == 404
    assert client.get("/api/v1/surveys", headers={"Authorization": f"Bearer {outsider_token}"}
                      ).get_json()["data"] == []
    as_member = client.post(f"/api/v1/surveys/{survey.id}/responses", json={"answers": {}},
                            headers={"Authorization": f"Bearer {member_token}"})
    assert as_member.status_code == 403


def test_a_survey_closed_by_another_process_refuses_at_once(api, db, survey_factory):
    from app.models import Survey

    survey = survey_factory(SKIP_SURVEY)
    assert api("POST", f"/surveys/{survey.id}/responses", json={"answers": {"nps": 9}}
               ).status_code == 201  # the survey's description is now cached here
    # Another process closes it: this process's cache does not know yet.
    db.session.execute(db.update(Survey).where(Survey.id == survey.id).values(status="closed"))
    db.session.commit()
    refused = api("POST", f"/surveys/{survey.id}/responses", json={"answers": {"nps": 9}})
    assert refused.status_code == 409
    assert refused.get_json()["errors"][0]["code"] == "survey_closed"
    assert _count(db) == 1


def test_the_limit_holds_under_concurrent_api_submissions(app, api, db, survey_factory):
    import threading

    from app.models import Survey

    survey = survey_factory(SKIP_SURVEY, max_responses=3)
    before = db.session.execute(db.select(Survey.title, Survey.community_id, Survey.status)
                                .where(Survey.id == survey.id)).one()
    results = []

    def submit(n: int) -> None:
        response = api("POST", f"/surveys/{survey.id}/responses",
                       json={"answers": {"nps": 9}, "idempotency_key": f"c-{n}"})
        results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(status for status, _body in results) == [201, 201, 201, 409, 409, 409]
    assert {body["errors"][0]["code"] for status, body in results if status == 409} == {
        "survey_full"}
    db.session.expire_all()
    assert _count(db) == 3
    assert db.session.get(Survey, survey.id).response_count == 3
    assert db.session.execute(db.select(Survey.title, Survey.community_id, Survey.status)
                              .where(Survey.id == survey.id)).one() == before
