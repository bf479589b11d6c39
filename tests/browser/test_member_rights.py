"""Member data rights in a real browser, with CSRF on as in production: an admin deletes a
member from 成员 (tick, confirm), and a member deletes their own account with their password."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}


@pytest.fixture
def people(live_app):
    """A community with an admin and a member who signed a suggestion."""
    from app.extensions import db
    from app.services.accounts import communities
    from app.services.accounts import users as accounts
    from tests.factories_sources import make_suggestion

    with live_app.app_context():
        admin = accounts.create_user("admin@example.org", "admin-password-1", display_name="老周")
        community = communities.create_community("光影同行摄影社群", "photo", actor=admin)
        member = accounts.create_user("yu@example.org", "member-password-1",
                                      display_name="小雨同学")
        accounts.add_member(community, member, "member", actor=admin)
        make_suggestion(community, author=member, content="希望周末也开放暗房，平时下班太晚")
        db.session.commit()
        return {"slug": community.slug, "member": member.id}


def _sign_in(browser, base, email, password):
    page = browser.new_context(**DESKTOP).new_page()
    page.goto(f"{base}/auth/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    return page


def _suggestions(live_app) -> int:
    from app.extensions import db
    from app.models import Suggestion

    with live_app.app_context():
        return db.session.execute(db.select(db.func.count(Suggestion.id))).scalar_one()


def test_an_admin_deletes_a_member_from_the_members_page(browser, live_server, live_app,
                                                         people):
    page = _sign_in(browser, live_server.url, "admin@example.org", "admin-password-1")
    page.goto(f"{live_server.url}/c/{people['slug']}/members")
    row = page.locator("tr", has_text="小雨同学")
    # without the tick nothing happens
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="删除成员及数据").click()
    expect(page.get_by_text("请先勾选「确认永久删除」")).to_be_visible()
    assert _suggestions(live_app) == 1
    row = page.locator("tr", has_text="小雨同学")
    row.get_by_label("确认永久删除").check()
    screenshot(page, "members-erase")
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="删除成员及数据").click()
    expect(page.get_by_text("已删除该成员及其个人数据")).to_be_visible()
    expect(page.locator("tr", has_text="小雨同学")).to_have_count(0)
    assert _suggestions(live_app) == 0


def test_a_member_deletes_their_own_account(browser, live_server, live_app, people):
    page = _sign_in(browser, live_server.url, "yu@example.org", "member-password-1")
    page.goto(f"{live_server.url}/account/delete")
    page.get_by_label("当前密码").fill("wrong-password-0")
    page.get_by_label("我明白").check()
    page.get_by_role("button", name="永久删除我的账号").click()
    expect(page.get_by_text("密码不正确")).to_be_visible()
    page.get_by_label("当前密码").fill("member-password-1")
    page.get_by_label("我明白").check()
    screenshot(page, "account-delete")
    page.get_by_role("button", name="永久删除我的账号").click()
    expect(page.get_by_text("你的账号和个人数据已删除")).to_be_visible()
    assert _suggestions(live_app) == 0
    # the old password no longer signs anyone in
    page.get_by_label("邮箱").fill("yu@example.org")
    page.get_by_label("密码").fill("member-password-1")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("邮箱或密码不正确")).to_be_visible()
