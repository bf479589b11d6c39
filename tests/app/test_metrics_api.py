"""The metrics API: token-authenticated pushes are idempotent, validated and isolated."""

from __future__ import annotations

from datetime import date

import pytest

from app.models import MetricImport, MetricValue
from app.services.accounts import users as accounts
from app.services.metrics import values as metric_service
from tests.factories import make_member

PAYLOAD = {"days": [
    {"date": "2026-10-01", "values": {"dau": 812, "new_members": 12, "interactions": 2301}},
    {"date": "2026-10-02", "values": {"dau": 790, "new_members": 9, "interactions": None}},
]}


@pytest.fixture
def token(db, community):
    operator = make_member(community, "operator")
    secret = accounts.create_api_token(community, operator, "看板同步").secret
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def _rows(db):
    return sorted((v.community_id, v.metric, v.day, v.value) for v in
                  db.session.execute(db.select(MetricValue)).scalars())


def test_pushing_the_same_payload_twice_leaves_one_row_per_day_and_metric(app, client, db,
                                                                          token, community):
    first = client.post("/api/v1/metrics", json=PAYLOAD, headers=token)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["data"] | {"import_id": 0} == {
        "import_id": 0, "days": 2, "first_day": "2026-10-01", "last_day": "2026-10-02",
        "created": 5, "updated": 0, "unchanged": 0}
    after_first = _rows(db)
    second = client.post("/api/v1/metrics", json=PAYLOAD, headers=token)
    data = second.get_json()["data"]
    assert (data["created"], data["updated"], data["unchanged"]) == (0, 0, 5)
    assert _rows(db) == after_first
    assert len(after_first) == 5  # the null interactions value is not stored
    assert db.session.execute(db.select(db.func.count(MetricImport.id))).scalar_one() == 2


def test_a_changed_value_updates_the_existing_row(app, client, db, token, community):
    client.post("/api/v1/metrics", json=PAYLOAD, headers=token)
    changed = {"days": [{"date": "2026-10-01", "values": {"dau": 900}}]}
    data = client.post("/api/v1/metrics", json=changed, headers=token).get_json()["data"]
    assert (data["created"], data["updated"]) == (0, 1)
    dau = [r for r in _rows(db) if r[1] == "dau" and r[2] == date(2026, 10, 1)]
    assert dau == [(community.id, "dau", date(2026, 10, 1), 900.0)]


def test_every_invalid_field_is_reported_and_nothing_is_stored(app, client, db, token):
    bad = {"days": [
        {"date": "2026-10-01", "values": {"dau": 800}},
        {"date": "2026/10/02", "values": {"dau": 800}},
        {"date": "2026-10-01", "values": {"dau": 1}},
        {"date": "2026-10-04", "values": {"dau": -3, "nope": 1, "clicks": "many"}},
        {"date": "2026-10-05", "values": {}},
    ]}
    response = client.post("/api/v1/metrics", json=bad, headers=token)
    assert response.status_code == 400
    body = response.get_json()
    assert body["success"] is False
    found = {(e["field"], e["code"]) for e in body["errors"]}
    assert found == {
        ("days[1].date", "bad_date"), ("days[2].date", "duplicate_date"),
        ("days[3].values.dau", "negative"), ("days[3].values.nope", "unknown_metric"),
        ("days[3].values.clicks", "not_number"), ("days[4].values", "required"),
    }
    assert _rows(db) == []


@pytest.mark.parametrize("body", [None, [], {"days": []}, {"days": "x"}])
def test_malformed_bodies_get_a_json_error(app, client, token, body):
    if body is None:
        response = client.post("/api/v1/metrics", data="not json", headers=token,
                               content_type="application/json")
    else:
        response = client.post("/api/v1/metrics", json=body, headers=token)
    assert response.status_code == 400
    assert response.get_json()["success"] is False


def test_custom_metrics_can_be_pushed_once_defined(app, client, db, token, community):
    payload = {"days": [{"date": "2026-10-01", "values": {"checkins": 130}}]}
    assert client.post("/api/v1/metrics", json=payload, headers=token).status_code == 400
    metric_service.create_custom_metric(community, key="checkins", name="作业打卡")
    db.session.commit()
    assert client.post("/api/v1/metrics", json=payload, headers=token).status_code == 200


def test_values_can_be_read_back(app, client, token):
    client.post("/api/v1/metrics", json=PAYLOAD, headers=token)
    data = client.get("/api/v1/metrics?from=2026-10-01&to=2026-10-03&metric=dau",
                      headers=token).get_json()["data"]
    assert data["metrics"] == [{"key": "dau", "label": "日活跃成员", "values": [
        {"date": "2026-10-01", "value": 812.0}, {"date": "2026-10-02", "value": 790.0}]}]
    keys = {m["key"] for m in client.get("/api/v1/metrics/definitions",
                                         headers=token).get_json()["data"]}
    assert {"dau", "mau", "churned"} <= keys


def test_a_token_writes_only_into_its_own_community(app, client, db, token, community,
                                                    other_community):
    outsider = make_member(other_community, "operator")
    other_token = accounts.create_api_token(other_community, outsider, "b").secret
    db.session.commit()
    client.post("/api/v1/metrics", json=PAYLOAD,
                headers={"Authorization": f"Bearer {other_token}"})
    assert {r[0] for r in _rows(db)} == {other_community.id}
    mine = client.get("/api/v1/metrics?from=2026-10-01&to=2026-10-02", headers=token)
    assert mine.get_json()["data"]["metrics"] == []


def test_members_cannot_push_metrics(app, client, db, community):
    member = make_member(community, "member")
    secret = accounts.create_api_token(community, member, "m").secret
    db.session.commit()
    response = client.post("/api/v1/metrics", json=PAYLOAD,
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403
