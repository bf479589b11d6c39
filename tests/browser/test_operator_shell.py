"""An operator signs in and sees the community shell."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.fixture
def operator(live_app):
    from app.extensions import db
    from app.services.accounts import communities
    from app.services.accounts import users as accounts

    with live_app.app_context():
        admin = accounts.create_user("admin@example.org", "admin-password-1", display_name="老周")
        community = communities.create_community(
            "光影同行摄影社群", "photo", actor=admin,
            description="每周直播课、作业打卡和线下约拍。",
        )
        user = accounts.create_user("lin@example.org", "operator-password-1",
                                    display_name="运营小林")
        accounts.add_member(community, user, "operator", actor=admin)
        db.session.commit()
    return {"email": "lin@example.org", "password": "operator-password-1"}


def test_operator_logs_in_and_sees_the_shell(page, live_server, operator):
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="登录回声")).to_be_visible()
    page.get_by_label("邮箱").fill(operator["email"])
    page.get_by_label("密码").fill(operator["password"])
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(live_server.url + "/c/photo/")
    nav = page.get_by_role("navigation", name="社群导航")
    for label in ("概览", "问卷", "意见箱", "用户访谈", "洞察", "成员"):
        expect(nav.get_by_role("link", name=label)).to_be_visible()
    expect(page.get_by_role("heading", name="光影同行摄影社群")).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    expect(nav.get_by_role("link", name="成员")).to_be_attached()


def test_english_interface_in_the_browser(page, live_server, operator):
    page.goto(live_server.url + "/auth/login")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Sign in to Huisheng")).to_be_visible()
