"""Bodies are capped by route before anything parses them: a flood of url-encoded Chinese or
of tiny fields to the sign-in page, the box or the API is refused at once, with a message
that states the real limit."""

from __future__ import annotations

import io
import time
import urllib.parse

from app.services.accounts import users as accounts
from tests.factories import make_member


def _chinese_form(size: int) -> bytes:
    per = len(urllib.parse.quote("中").encode())
    return urllib.parse.urlencode({"email": "a@b.cn", "password": "中" * (size // per)}).encode()


def test_a_huge_sign_in_form_is_refused_before_it_is_parsed(app, client, db):
    body = _chinese_form(int(9.9 * 1024 * 1024))
    started = time.perf_counter()
    response = client.post("/auth/login", data=body,
                           content_type="application/x-www-form-urlencoded")
    elapsed = time.perf_counter() - started
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "最多接受 64 KB" in page
    assert elapsed < 1.0


def test_a_form_of_many_tiny_fields_is_refused(app, client, db, community):
    body = b"&".join(b"k%d=%%E4%%B8%%AD" % i for i in range(20000))
    assert len(body) < app.config["FORM_MAX_BYTES"]
    response = client.post(f"/c/{community.slug}/track", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "最多 1000 个" in response.get_data(as_text=True)


def test_an_ordinary_form_is_still_accepted(app, client, db, community):
    body = urllib.parse.urlencode({"code": "x" * 12}).encode()
    response = client.post(f"/c/{community.slug}/track", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code != 413


def test_the_api_refuses_a_large_body_with_json(app, client, db, community):
    operator = make_member(community, "operator")
    db.session.commit()
    secret = accounts.create_api_token(community, operator, "sync").secret
    db.session.commit()
    body = b'{"points": [' + b'{"key": "dau", "day": "2026-01-01", "value": 1},' * 40000
    body += b"{}]}"
    response = client.post("/api/v1/metrics", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 413
    error = response.get_json()["errors"][0]
    assert error["code"] == "too_large" and "1 MB" in error["message"]


def test_the_box_takes_images_but_keeps_its_text_fields_small(app, client, db, community):
    response = client.post(f"/c/{community.slug}/box", data={
        "content": "中" * (200 * 1024), "image": (io.BytesIO(b"x" * 1000), "a.png")},
        content_type="multipart/form-data")
    assert response.status_code == 413
