"""What members meet on a 390 px phone: the suggestion box, sticker codes as emoji, member
status words, touch targets, multiple choice with a maximum, the thank-you page and the
one-per-device rule."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS
from tests.browser.conftest import screenshot as save_screenshot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "zh-CN"}
PASSWORD = "member-password-1"
DANGER = "rgb(180, 35, 24)"


def screenshot(page, name: str) -> None:
    """A full-page screenshot taken from the top, so the sticky bar stays at the top."""
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, name)


@pytest.fixture
def world(live_app):
    """A community with an open board, a member, an operator, a suggestion written with
    sticker codes and the team's reply, and the satisfaction survey (one per device)."""
    from app.extensions import db
    from app.services.accounts import communities
    from app.services.accounts import users as accounts
    from app.services.suggestions import box, triage
    from app.services.surveys import lifecycle as survey_service

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
        submitted = box.submit(community, content="打卡小程序又闪退了[捂脸] 拜托修一下[强]",
                               category="技术与体验", author=member)
        triage.change_status(submitted.suggestion, status="planned",
                             reply="收到，下周的版本会修好[旺柴]", actor=operator)
        fresh = box.submit(community, content="希望周末多组织几次线下约拍", category="活动",
                           author=member)
        survey = survey_service.create_survey(community, actor=operator,
                                              template_key="community_satisfaction")
        survey_service.update_settings(survey, survey_service.SettingsInput(
            access_mode="anonymous", close_at=None, max_responses=None, one_per_device=True),
            actor=operator)
        survey_service.publish(survey, actor=operator)
        db.session.commit()
        return {"slug": "photo", "key": survey.public_key, "survey_id": survey.id,
                "replied": submitted.suggestion.id, "fresh_code": fresh.tracking_code}


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/auth/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(password)
    page.locator("form:has(#password) button[type=submit]").click()


def no_sideways_scroll(page) -> None:
    """The page itself fits the phone's width (wide parts scroll inside themselves)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_box_clears_its_error_and_proposes_a_category(browser, live_server, world):
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    base = live_server.url
    sign_in(page, base, "qing@example.org", PASSWORD)
    page.goto(f"{base}/c/photo/box")
    # Nothing is chosen for the member: no silent 其他.
    expect(page.locator("input[name=category]:checked")).to_have_count(0)
    page.get_by_role("button", name="提交建议").click()
    error = page.get_by_text("请填写建议内容。")
    expect(error).to_be_visible()
    content = page.get_by_label("你的建议")
    expect(content).to_have_css("border-color", DANGER)
    # the page's script must be running before the member types (on a busy machine the error
    # shows before the script at the end of the page has loaded)
    page.wait_for_load_state("load")

    content.fill("周四晚上的直播课又卡了，画面一直转圈，回放也找不到")
    expect(error).to_have_count(0)
    expect(content).not_to_have_css("border-color", DANGER)
    # The community's code frame reads the text as a live-stream problem.
    expect(page.get_by_role("radio", name="技术与体验")).to_be_checked(timeout=20_000)
    expect(page.locator("#category-hint")).to_contain_text("推荐了「技术与体验」")
    no_sideways_scroll(page)
    screenshot(page, "suggestion-box-category-mobile")

    # The member's own choice wins over the proposal.
    page.get_by_text("活动", exact=True).click()
    expect(page.locator("#category-hint")).to_be_hidden()
    page.get_by_role("button", name="提交建议").click()
    expect(page.get_by_role("heading", name="已收到你的建议，谢谢！")).to_be_visible()
    phone.close()


def test_stickers_show_as_emoji_and_statuses_in_members_words(browser, live_server, world):
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    base = live_server.url
    sign_in(page, base, "qing@example.org", PASSWORD)
    page.goto(f"{base}/c/photo/box/mine")
    expect(page.get_by_text("新建", exact=True)).to_have_count(0)
    expect(page.locator(".badge.status-new")).to_have_text("已收到")
    page.goto(f"{base}/c/photo/s/{world['replied']}")
    expect(page.locator(".suggestion-content")).to_have_text("打卡小程序又闪退了🤦 拜托修一下👍")
    expect(page.get_by_text("收到，下周的版本会修好🐶")).to_be_visible()
    expect(page.get_by_text("[捂脸]")).to_have_count(0)
    no_sideways_scroll(page)

    # The private tracking page of a suggestion nobody has handled yet.
    page.goto(f"{base}/c/photo/t/{world['fresh_code']}")
    expect(page.locator(".suggestion-meta .status-new")).to_have_text("已收到")
    expect(page.get_by_text("新建", exact=True)).to_have_count(0)
    screenshot(page, "suggestion-tracking-new-mobile")

    # Every community tab is in sight on the phone (they wrap) and big enough to tap.
    page.wait_for_load_state("load")
    tabs = page.get_by_role("navigation", name="社群导航").get_by_role("link")
    assert tabs.count() >= 5
    for i in range(tabs.count()):
        box = tabs.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (tabs.nth(i).inner_text(), box)
        assert box["height"] >= 44
    no_sideways_scroll(page)
    phone.close()


def test_a_phone_answer_with_a_maximum_and_one_response_per_device(browser, live_server,
                                                                  world):
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    base = live_server.url
    page.goto(f"{base}/s/{world['key']}")
    page.get_by_role("button", name="开始填写").click()

    # NPS: eleven buttons, each a 44 px touch target on a 390 px screen (measured once the
    # stylesheet has loaded: on a busy machine the buttons exist before it applies).
    buttons = page.locator("#q-nps .sv-nps-btn span")
    expect(buttons).to_have_count(11)
    page.wait_for_load_state("load")
    for i in range(11):
        box = buttons.nth(i).bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, (i, box)
    no_sideways_scroll(page)
    page.locator("#q-nps label", has_text="3").first.click()
    page.get_by_role("radio", name="不满意", exact=True).check()
    page.get_by_role("button", name="下一页").click()

    # At most three reasons: a fourth box does not tick, and the member is told why.
    expect(page.get_by_role("heading", name="哪里做得不够好")).to_be_visible()
    page.get_by_role("button", name="下一页").click()
    other = page.get_by_placeholder("请注明")
    expect(page.locator("#q-detractor_reasons .error")).to_have_text("此题为必答题")
    expect(other).not_to_have_css("border-color", DANGER)
    for label in ("广告和刷屏太多", "干货内容太少", "讨论氛围不好"):
        page.get_by_role("checkbox", name=label).check()
    page.get_by_role("checkbox", name="消息太多，打扰到我").click()
    expect(page.get_by_role("checkbox", name="消息太多，打扰到我")).not_to_be_checked()
    expect(page.locator("#q-detractor_reasons .error")).to_have_text("最多只能选择 3 项")
    expect(page.locator("#q-detractor_reasons input[type=checkbox]:checked")).to_have_count(3)
    expect(other).not_to_have_css("border-color", DANGER)
    screenshot(page, "survey-max-choices-mobile")
    page.get_by_role("checkbox", name="讨论氛围不好").uncheck()
    expect(page.locator("#q-detractor_reasons .error")).to_have_count(0)
    page.get_by_role("button", name="下一页").click()

    expect(page.get_by_role("heading", name="社群体验")).to_be_visible()
    for row in ("内容质量与实用性", "群内讨论氛围", "管理员响应速度", "活动组织", "广告与刷屏管理"):
        page.get_by_role("radio", name=f"{row}：一般").check()
    page.get_by_role("checkbox", name="以上都没有").check()
    page.get_by_role("radio", name="每天一次左右").check()
    page.get_by_role("button", name="下一页").click()
    expect(page.get_by_role("heading", name="你的建议")).to_be_visible()
    page.get_by_role("button", name="提交").click()

    # Thank-you: no invitation to answer again on a one-per-device survey; where to go next.
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    expect(page.get_by_role("button", name="再填一份")).to_have_count(0)
    expect(page.get_by_role("link", name="去意见箱提建议")).to_have_attribute(
        "href", "/c/photo/box")
    expect(page.get_by_role("link", name="看看「你说我改」")).to_have_attribute(
        "href", "/c/photo/changes")
    no_sideways_scroll(page)
    screenshot(page, "survey-done-mobile")

    # The response's own cookie gone (another day), the device cookie still says: answered.
    phone.clear_cookies(name="hs_resume")
    page.goto(f"{base}/s/{world['key']}")
    expect(page.get_by_role("heading", name="你已经提交过了")).to_be_visible()
    expect(page.get_by_text("每个微信/设备只能填一次")).to_be_visible()
    expect(page.get_by_role("button", name="开始填写")).to_have_count(0)
    phone.close()

    # Another phone may still answer.
    from app.extensions import db
    from app.models import Survey

    with live_server.app.app_context():
        db.session.get(Survey, world["survey_id"]).one_per_device = False
        db.session.commit()
    other_phone = browser.new_context(**PHONE)
    page = other_phone.new_page()
    page.goto(f"{base}/s/{world['key']}")
    expect(page.get_by_role("button", name="开始填写")).to_be_visible()
    other_phone.close()


def test_the_operator_downloads_a_share_poster_beside_the_bare_qr_code(browser, live_server,
                                                                      world):
    from PIL import Image

    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    base = live_server.url
    sign_in(page, base, "lin@example.org", "operator-password-1")
    page.goto(f"{base}/c/photo/surveys/{world['survey_id']}/share")
    expect(page.get_by_role("link", name="PNG").first).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="下载分享海报（PNG）").first.click()
    assert download.value.suggested_filename.endswith("-public-poster.png")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    saved = SCREENSHOTS / "survey-share-poster.png"
    download.value.save_as(saved)
    with Image.open(saved) as poster:
        assert poster.size == (1080, 1440)
    page.close()
