"""Pages render in Chinese (and English), errors are friendly, security headers and CSRF hold."""

from __future__ import annotations

import pytest


def test_login_page_is_chinese_by_default(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in page
    assert "登录回声" in page


def test_english_can_be_chosen_and_is_remembered(client):
    client.post("/set-language", data={"lang": "en", "next": "/auth/login"})
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'lang="en"' in page
    assert "Sign in to Huisheng" in page
    assert "登录回声" not in page


def test_browser_language_english_is_honoured(client):
    page = client.get("/auth/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Sign in to Huisheng" in page.get_data(as_text=True)


def test_operator_shell_shows_the_navigation(client, login_as, community):
    login_as("operator")
    page = client.get(f"/c/{community.slug}/").get_data(as_text=True)
    for label in ("概览", "问卷", "意见箱", "用户访谈", "洞察", "成员"):
        assert label in page
    assert "改进报告" not in page  # managers and admins only


def test_member_home_has_no_operator_navigation(client, login_as, community):
    login_as("member")
    page = client.get(f"/c/{community.slug}/").get_data(as_text=True)
    assert "欢迎你" in page
    assert "成员</a>" not in page


def test_friendly_404_page_and_json_404(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "页面不存在" in page.get_data(as_text=True)
    api = client.get("/api/v1/nothing")
    assert api.status_code == 404
    assert api.get_json()["success"] is False


def test_friendly_403_page(client, login_as, community):
    login_as("member")
    page = client.get(f"/c/{community.slug}/members")
    assert page.status_code == 403
    assert "没有权限" in page.get_data(as_text=True)


def test_friendly_500_page_rolls_back(app, client, monkeypatch):
    from app.services.accounts import communities

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    monkeypatch.setattr(communities, "communities_for", explode)
    from tests.conftest import sign_in
    from tests.factories import make_user

    user = make_user()
    from app.extensions import db

    db.session.commit()
    sign_in(client, user)
    response = client.get("/communities")
    assert response.status_code == 500
    assert "服务器出错了" in response.get_data(as_text=True)


def test_security_headers_are_set(client):
    response = client.get("/auth/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_use_no_external_assets(client, login_as, community):
    login_as("admin")
    for url in ("/auth/login", f"/c/{community.slug}/", f"/c/{community.slug}/members"):
        page = client.get(url).get_data(as_text=True)
        assert "http://" not in page.replace("http://www.w3.org", "")
        assert "https://" not in page
        assert "<script>" not in page and " style=" not in page


def test_oversized_bodies_are_refused(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/auth/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "提交的内容太大了" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_every_form_post_needs_a_csrf_token(app, app_config, client, login_as, community):
    """POSTs without a token are refused on every HTML form route (the API uses tokens)."""
    from flask import url_for

    from tests.app.access_world import build_world
    from tests.app.test_access_matrix import ROUTES

    world = build_world()
    login_as("superuser")
    posts = {e: r for e, r in ROUTES.items() if r.method == "POST" and r.policy != "api"}
    assert posts, "there are form routes to check"
    for endpoint, route in posts.items():
        with app.test_request_context():
            url = url_for(endpoint, **route.params(world))
        response = client.post(url, data=route.data(world))
        assert response.status_code == 400, endpoint
        assert "页面已过期或表单无效" in response.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_a_form_with_its_token_is_accepted(app, app_config, client):
    import re

    page = client.get("/auth/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", data={"csrf_token": token, "email": "x@example.org",
                                                "password": "whatever-password"})
    assert response.status_code == 200
    assert "邮箱或密码不正确" in response.get_data(as_text=True)
