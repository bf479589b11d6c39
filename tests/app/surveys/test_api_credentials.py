"""API authentication on the busy path: the briefly cached credentials, the cookie session
that the API ignores, and the rate limit."""

from __future__ import annotations

import pytest

from app.models import ApiToken, Membership
from app.services.accounts import api_credentials
from app.services.accounts import users as accounts
from tests.app.surveys.helpers import SKIP_SURVEY
from tests.conftest import sign_in
from tests.factories import make_member


@pytest.fixture
def operator(db, community):
    return make_member(community, "operator")


@pytest.fixture
def secret(db, community, operator):
    value = accounts.create_api_token(community, operator, "集成").secret
    db.session.commit()
    return value


def _submit(client, survey, secret, **headers):
    return client.post(f"/api/v1/surveys/{survey.id}/responses", json={"answers": {"nps": 9}},
                       headers={"Authorization": f"Bearer {secret}", **headers})


def test_revoking_a_token_takes_effect_at_once_in_this_process(client, db, survey_factory,
                                                               operator, secret):
    survey = survey_factory(SKIP_SURVEY)
    assert _submit(client, survey, secret).status_code == 201  # now cached
    token = db.session.execute(db.select(ApiToken)).scalar_one()
    accounts.revoke_api_token(token, actor=operator)
    db.session.commit()
    refused = _submit(client, survey, secret)
    assert refused.status_code == 401
    assert refused.get_json()["errors"][0]["code"] == "unauthorized"


def test_a_role_change_takes_effect_at_once_in_this_process(client, db, survey_factory,
                                                            operator, secret):
    survey = survey_factory(SKIP_SURVEY)
    assert _submit(client, survey, secret).status_code == 201
    membership = db.session.execute(db.select(Membership).where(
        Membership.user_id == operator.id)).scalar_one()
    accounts.set_member_role(membership, "member", actor=operator)
    db.session.commit()
    assert _submit(client, survey, secret).status_code == 403


def test_a_change_made_by_another_process_is_seen_within_the_ttl(client, db, survey_factory,
                                                                 monkeypatch, secret):
    survey = survey_factory(SKIP_SURVEY)
    assert _submit(client, survey, secret).status_code == 201
    # Another process revokes the token: a plain statement, so this process is not told.
    db.session.execute(db.update(ApiToken).values(revoked_at=db.func.now()))
    db.session.commit()
    assert _submit(client, survey, secret).status_code == 201  # still within the TTL
    import time

    clock = time.monotonic() + api_credentials.CREDENTIALS_TTL + 0.1
    monkeypatch.setattr(time, "monotonic", lambda: clock)
    assert _submit(client, survey, secret).status_code == 401


def test_unknown_tokens_are_refused_and_use_is_recorded(client, db, survey_factory, secret):
    survey = survey_factory(SKIP_SURVEY)
    assert _submit(client, survey, "hs_not-a-token").status_code == 401
    assert _submit(client, survey, "").status_code == 401
    assert _submit(client, survey, secret).status_code == 201
    db.session.expire_all()
    assert db.session.execute(db.select(ApiToken.last_used_at)).scalar_one() is not None


def test_the_api_ignores_the_browser_session(client, db, community, survey_factory):
    survey = survey_factory(SKIP_SURVEY)
    admin = make_member(community, "admin")
    db.session.commit()
    sign_in(client, admin)
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    # Signed in with a cookie is no API credential ...
    response = client.post(f"/api/v1/surveys/{survey.id}/responses",
                           json={"answers": {"nps": 9}})
    assert response.status_code == 401
    # ... the session's language does not apply (the header does), and no cookie is set.
    assert response.get_json()["errors"][0]["message"] == "缺少或无效的 API 令牌。"
    assert "Set-Cookie" not in response.headers
    english = client.get("/api/v1/surveys", headers={"Accept-Language": "en"})
    assert english.get_json()["errors"][0]["message"] == "Missing or invalid API token."
    # The browser pages still use the session.
    assert client.get(f"/c/{community.slug}/").status_code == 200


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "API_RATE_LIMIT": "3 per minute"}])
def test_the_api_rate_limit_holds_when_enabled(client, secret):
    headers = {"Authorization": f"Bearer {secret}"}
    statuses = [client.get("/api/v1/surveys", headers=headers).status_code for _n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/surveys", headers=headers).get_json()["success"] is False


def test_without_rate_limits_the_api_answers_past_the_limit(client, secret, app):
    app.config["API_RATE_LIMIT"] = "1 per minute"
    headers = {"Authorization": f"Bearer {secret}"}
    assert {client.get("/api/v1/me", headers=headers).status_code for _n in range(3)} == {200}
