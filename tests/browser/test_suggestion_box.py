"""The suggestion box in a real browser: a member on a phone submits anonymously and reads the
reply through the tracking link; an operator triages, replies and merges a duplicate."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot as save_screenshot

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
PASSWORD = "member-password-1"


@pytest.fixture
def box_world(live_app):
    """A community with an open board, a member, two operators and a few suggestions."""
    from app.extensions import db
    from app.services.accounts import communities
    from app.services.accounts import users as accounts
    from app.services.suggestions import board, box

    with live_app.app_context():
        admin = accounts.create_user("admin@example.org", "admin-password-1", display_name="老周")
        community = communities.create_community(
            "光影同行摄影社群", "photo", actor=admin,
            description="每周直播课、作业打卡和线下约拍。")
        community.settings = {"public_board": True}
        member = accounts.create_user("qing@example.org", PASSWORD, display_name="阿青")
        accounts.add_member(community, member, "member", actor=admin)
        operator = accounts.create_user("lin@example.org", "operator-password-1",
                                        display_name="运营小林")
        accounts.add_member(community, operator, "operator", actor=admin)
        helper = accounts.create_user("liang@example.org", "operator-password-2",
                                      display_name="助教阿梁")
        accounts.add_member(community, helper, "operator", actor=admin)
        others = []
        for i, (text, category) in enumerate([
            ("周四晚上的直播课经常卡顿，老师讲构图的时候画面一直转圈", "技术与体验"),
            ("积分商城能兑换的东西太少了，攒了很多积分没地方用", "积分与激励"),
            ("群里广告太多了，希望管理员及时把发广告的人踢出去", "群规与秩序"),
            ("希望多组织周末的线下约拍活动，工作日晚上去不了", "活动"),
            ("直播经常卡住，周四那节课画面一直转圈，根本没法看", "技术与体验"),
        ]):
            voter = accounts.create_user(f"m{i}@example.org", None, display_name=f"成员{i}",
                                         password_hash="!unusable")
            accounts.add_member(community, voter, "member", actor=admin)
            suggestion = box.submit(community, content=text, category=category,
                                    author=voter).suggestion
            board.toggle_vote(suggestion, voter)
            others.append(suggestion.id)
        db.session.commit()
    return {"slug": "photo", "suggestions": others}


def screenshot(page, name: str) -> None:
    """A full-page screenshot taken from the top, so the sticky bar stays at the top."""
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, name)


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/auth/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.locator("form:has(#password) button[type=submit]").click()


def test_a_member_sends_anonymously_on_a_phone_and_reads_the_reply_later(
        browser, live_server, live_app, box_world):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    base = live_server.url
    sign_in(page, base, "qing@example.org", PASSWORD)
    page.get_by_role("navigation", name="社群导航").get_by_role("link", name="意见箱").click()
    expect(page.get_by_role("heading", name="意见箱", exact=True)).to_be_visible()
    page.get_by_text("技术与体验", exact=True).click()
    page.get_by_label("标题（可选）").fill("直播总是卡")
    page.get_by_label("你的建议").fill("周四的直播又卡了，画面一直转圈，希望换一个更稳定的平台")
    similar = page.locator("#similar")
    # The server's first similarity search loads the segmenter's dictionary: a second on a
    # quiet machine, several on a busy one.
    expect(similar).to_be_visible(timeout=30_000)
    expect(similar.get_by_role("link").first).to_contain_text("直播")
    page.get_by_label("匿名提交：运营团队看不到你是谁").check()
    screenshot(page, "suggestion-box-mobile")
    page.get_by_role("button", name="提交建议").click()

    expect(page.get_by_role("heading", name="已收到你的建议，谢谢！")).to_be_visible()
    code = page.locator("#tracking-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code)
    tracking_url = page.locator("#tracking-url").input_value()
    assert tracking_url.startswith(base + "/c/photo/t/")
    screenshot(page, "suggestion-receipt-mobile")

    # The member's list does not know about it: it was anonymous.
    page.goto(base + "/c/photo/box/mine")
    expect(page.get_by_text("周四的直播又卡了")).to_have_count(0)

    # Later the team replies (through the service, as an operator would on their page).
    from app.extensions import db
    from app.models import Community, User
    from app.services.suggestions import box, triage

    with live_app.app_context():
        community = db.session.execute(
            db.select(Community).where(Community.slug == "photo")).scalar_one()
        suggestion = box.find_by_tracking_code(community, code)
        assert suggestion is not None and suggestion.author_id is None
        operator = db.session.execute(
            db.select(User).where(User.email == "lin@example.org")).scalar_one()
        triage.change_status(suggestion, status="planned",
                             reply="已经在和新直播平台对接，下个月起提供高清回放。", actor=operator)
        db.session.commit()

    # A new session (signed out, another day): only the tracking link.
    context.clear_cookies()
    page.goto(base + "/c/photo/track")
    page.get_by_label("查询码").fill(code.lower())
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_text("已经在和新直播平台对接")).to_be_visible()
    expect(page.locator(".suggestion-meta .status-planned")).to_have_text("已采纳/计划中")
    page.get_by_label("补充或回复").fill("太好了！主要是晚上八点那节最卡。")
    page.get_by_role("button", name="发送").click()
    expect(page.get_by_text("已发送给运营团队。")).to_be_visible()
    expect(page.get_by_text("主要是晚上八点那节最卡")).to_be_visible()
    screenshot(page, "suggestion-tracking-mobile")
    context.close()


def test_an_operator_triages_replies_and_merges_a_duplicate(browser, live_server, box_world):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    base = live_server.url
    sign_in(page, base, "lin@example.org", "operator-password-1")
    page.get_by_role("navigation", name="社群导航").get_by_role("link", name="意见箱").click()
    expect(page.get_by_role("heading", name=re.compile("意见箱"))).to_be_visible()
    expect(page.locator(".inbox-row")).to_have_count(5)

    # Filter: open, technical, searching for 直播.
    page.get_by_text("筛选与搜索").click()
    page.get_by_label("搜索").fill("直播")
    page.get_by_label("分类").select_option("技术与体验")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".inbox-row")).to_have_count(2)
    expect(page.locator(".badge.dup").first).to_be_visible()

    # Open the original, triage it: tags and assignee.
    page.locator(".inbox-row").filter(has_text="老师讲构图").get_by_role("link").click()
    page.get_by_label("标签（用逗号分隔）").fill("直播，卡顿")
    page.get_by_label("负责人").select_option(label="助教阿梁")
    page.locator("form[action$='/triage'] button[type=submit]").click()
    expect(page.get_by_text("已保存。")).to_be_visible()
    expect(page.locator("#history")).to_contain_text("负责人：助教阿梁")

    # Reply with a status change, in one action.
    page.get_by_label("状态").select_option(label="处理中")
    page.get_by_label("官方回复（提交者和关注者都会看到）").fill(
        "收到！技术同学在排查直播线路，这周内给大家答复。")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("已更新，提交者和关注者会收到通知。")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("技术同学在排查直播线路")
    expect(page.locator(".suggestion-meta .status-in_progress")).to_be_visible()
    original_url = page.url

    # The duplicate: open it from the inbox and merge it into the original.
    page.goto(base + "/c/photo/suggestions?q=没法看")
    page.locator(".inbox-row").first.get_by_role("link").click()
    duplicates = page.locator("#duplicates")
    expect(duplicates).to_contain_text("老师讲构图")
    duplicates.locator("li").filter(has_text="老师讲构图").get_by_role(
        "button", name="合并到这条").click()
    expect(page.get_by_text(re.compile(r"已合并到 #\d+，投票和关注者已转移"))).to_be_visible()
    expect(page.locator(".suggestion-meta .status-duplicate")).to_be_visible()
    page.goto(original_url)
    expect(page.get_by_role("heading", name="合并到这里的建议")).to_be_visible()
    expect(page.locator(".suggestion-card")).to_contain_text("▲ 2")
    context.close()
