"""Signing in and out, password changes, and the login rate limit."""

import pytest

from app.models import User
from tests.factories import DEFAULT_PASSWORD, make_user


@pytest.fixture
def user(db):
    u = make_user(email="lin@example.org", display_name="小林")
    db.session.commit()
    return u


def test_login_with_the_right_password_signs_in(client, user):
    response = client.post("/auth/login", data={"email": "LIN@example.org",
                                                "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert client.get("/communities").status_code == 200


def test_login_with_a_wrong_password_shows_a_chinese_error(client, user):
    response = client.post("/auth/login", data={"email": "lin@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "邮箱或密码不正确" in response.get_data(as_text=True)
    assert client.get("/communities").status_code == 302


def test_login_of_unknown_email_gives_the_same_error(client, user):
    response = client.post("/auth/login", data={"email": "ghost@example.org",
                                                "password": DEFAULT_PASSWORD})
    assert "邮箱或密码不正确" in response.get_data(as_text=True)


def test_inactive_user_cannot_sign_in(client, user, db):
    user.active = False
    db.session.commit()
    response = client.post("/auth/login", data={"email": "lin@example.org",
                                                "password": DEFAULT_PASSWORD})
    assert "邮箱或密码不正确" in response.get_data(as_text=True)


def test_login_follows_only_local_next_urls(client, user):
    data = {"email": "lin@example.org", "password": DEFAULT_PASSWORD}
    evil = client.post("/auth/login?next=https://evil.example/", data=data)
    assert evil.headers["Location"] == "/"
    client.post("/auth/logout")
    good = client.post("/auth/login?next=/communities", data=data)
    assert good.headers["Location"] == "/communities"


def test_logout_needs_post_and_signs_out(client, user):
    client.post("/auth/login", data={"email": "lin@example.org", "password": DEFAULT_PASSWORD})
    assert client.get("/auth/logout").status_code == 405
    client.post("/auth/logout")
    assert client.get("/communities").status_code == 302


def test_change_password_ends_other_sessions(app, user, db):
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        c.post("/auth/login", data={"email": "lin@example.org", "password": DEFAULT_PASSWORD})
    response = first.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "a-much-better-passphrase",
        "confirm": "a-much-better-passphrase",
    })
    assert response.status_code == 302
    assert first.get("/communities").status_code == 200
    assert second.get("/communities").status_code == 302
    fresh = app.test_client()
    fresh.post("/auth/login", data={"email": "lin@example.org",
                                    "password": "a-much-better-passphrase"})
    assert fresh.get("/communities").status_code == 200


def test_change_password_rejects_wrong_current_password_and_keeps_the_old_one(client, user, db):
    client.post("/auth/login", data={"email": "lin@example.org", "password": DEFAULT_PASSWORD})
    old_hash = user.password_hash
    response = client.post("/account/password", data={
        "current_password": "wrong", "new_password": "a-much-better-passphrase",
        "confirm": "a-much-better-passphrase",
    })
    assert "当前密码不正确" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash == old_hash


def test_change_password_rejects_short_and_mismatched_passwords(client, user):
    client.post("/auth/login", data={"email": "lin@example.org", "password": DEFAULT_PASSWORD})
    short = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "short", "confirm": "short"})
    assert "密码长度需在" in short.get_data(as_text=True)
    mismatch = client.post("/account/password", data={
        "current_password": DEFAULT_PASSWORD, "new_password": "a-much-better-passphrase",
        "confirm": "another-passphrase-x"})
    assert "两次填写的密码不一致" in mismatch.get_data(as_text=True)


def test_passwords_are_stored_as_argon2id(user):
    assert user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("app_config", [{"RATELIMIT_ENABLED": True,
                                         "LOGIN_RATE_LIMIT": "3 per minute"}])
def test_login_is_rate_limited(client, user, app_config):
    data = {"email": "lin@example.org", "password": "wrong"}
    codes = [client.post("/auth/login", data=data).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200]
    assert codes[3:] == [429, 429]
    assert "操作太频繁" in client.post("/auth/login", data=data).get_data(as_text=True)


def test_session_cookie_is_secure_httponly_and_samesite(client, user):
    response = client.post("/auth/login", data={"email": "lin@example.org",
                                                "password": DEFAULT_PASSWORD})
    cookie = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("huisheng_session="))
    assert "Secure" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
