"""An operator at a 1366 px desktop: the condition editor's summary follows every choice."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "zh-CN"}


@pytest.fixture
def operator_setup(live_app):
    """A community, an operator and the published satisfaction survey."""
    from app.extensions import db
    from app.services.accounts import communities
    from app.services.accounts import users as accounts
    from app.services.surveys import lifecycle as survey_service

    with live_app.app_context():
        admin = accounts.create_user("admin@example.org", "admin-password-1", display_name="老周")
        community = communities.create_community("光影同行摄影社群", "photo", actor=admin)
        operator = accounts.create_user("lin@example.org", "operator-password-1",
                                        display_name="运营小林")
        accounts.add_member(community, operator, "operator", actor=admin)
        survey = survey_service.create_survey(community, actor=operator,
                                              template_key="community_satisfaction")
        survey_service.publish(survey, actor=operator)
        db.session.commit()
        return {"id": survey.id, "slug": community.slug}


def signed_in(browser, base):
    """A desktop page signed in as the operator."""
    page = browser.new_context(**DESKTOP).new_page()
    page.goto(f"{base}/auth/login")
    page.get_by_label("邮箱").fill("lin@example.org")
    page.get_by_label("密码").fill("operator-password-1")
    page.get_by_role("button", name="登录").click()
    return page


def test_the_condition_summary_follows_the_chosen_value(browser, live_server, operator_setup):
    page = signed_in(browser, live_server.url)
    survey_base = f"{live_server.url}/c/{operator_setup['slug']}/surveys/{operator_setup['id']}"
    page.goto(f"{survey_base}/questions/one_change/logic")
    summary = page.locator(".svo-describe")
    # each choice refreshes the editor (the form is sent and the page comes back): wait for it,
    # or on a busy machine the next choice lands on the page that is going away
    with page.expect_navigation():
        page.locator("#rows-0-question").select_option("nps")
    expect(page.locator("#rows-0-op")).to_be_visible()
    with page.expect_navigation():
        page.locator("#rows-0-op").select_option("lte")
    expect(page.locator("#rows-0-op")).to_have_value("lte")
    # nothing chosen yet: the value box and the summary both say so
    expect(page.locator("#rows-0-value")).to_have_value("")
    expect(summary).to_contain_text("小于或等于 （未选择值）")
    with page.expect_navigation():
        page.locator("#rows-0-value").select_option("3")
    expect(summary).to_contain_text("小于或等于 3 时显示此题")
    expect(summary).not_to_contain_text("「」")
    expect(page.locator("#rows-0-value")).to_be_focused()
    screenshot(page, "survey-logic-editor-value")
    page.get_by_role("button", name="保存").click()
    page.goto(f"{survey_base}/questions/one_change/logic")
    expect(page.locator("#rows-0-value")).to_have_value("3")
    expect(summary).to_contain_text("小于或等于 3 时显示此题")


@pytest.fixture
def namesakes(live_app, operator_setup):
    """Four members called Ada who joined on different days, among 60 others."""
    from datetime import datetime

    from app.extensions import db
    from app.models import Community, Membership
    from app.services.accounts import users as accounts

    with live_app.app_context():
        community = db.session.execute(db.select(Community)).scalar_one()
        ids = []
        for n in range(64):
            name = "Ada" if n < 4 else f"成员{n:02d}"
            user = accounts.create_user(f"m{n}@example.org", "member-password-1",
                                        display_name=name)
            accounts.add_member(community, user, "member", actor=None)
            db.session.flush()
            membership = db.session.execute(db.select(Membership).where(
                Membership.user_id == user.id)).scalar_one()
            membership.joined_at = datetime(2025, 1 + n % 12, 1 + n % 27, 4, 0)
            ids.append(user.id)
        db.session.commit()
        return ids[:4]


def test_the_interviewee_picker_searches_and_tells_namesakes_apart(browser, live_server,
                                                                  operator_setup, namesakes):
    page = signed_in(browser, live_server.url)
    page.goto(f"{live_server.url}/c/{operator_setup['slug']}/interviews/new")
    expect(page.get_by_label("选择成员")).to_be_hidden()
    search = page.get_by_role("combobox", name="搜索成员")
    search.fill("ada")
    options = page.locator("#interviewee-results").get_by_role("option")
    expect(options).to_have_count(4)
    expect(options.nth(0)).to_contain_text("Ada 2025-01-01 加入")
    expect(options.nth(2)).to_contain_text("Ada 2025-03-03 加入")
    search.press("ArrowDown")
    search.press("ArrowDown")
    expect(options.nth(2)).to_have_attribute("aria-selected", "true")
    screenshot(page, "interview-member-picker")
    search.press("Enter")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(page.locator("[data-picked]")).to_have_text("已选择：Ada · 2025-03-03 加入")
    page.get_by_label("访谈日期").fill("2026-11-02")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name="与Ada的访谈")).to_be_visible()

    from app.extensions import db
    from app.models import Interview

    with live_server.app.app_context():
        interview = db.session.execute(db.select(Interview)).scalar_one()
        assert interview.interviewee_id == namesakes[2]


@pytest.fixture
def box(live_app, operator_setup):
    """Five suggestions in the box, three of them about replays."""
    from app.extensions import db
    from app.models import Community
    from app.services.suggestions import box as box_service

    texts = ["希望增加直播回放", "直播能不能有回放，上班看不了", "直播课能录下来吗，想回看",
             "积分商城的东西太少了", "群里广告太多了"]
    with live_app.app_context():
        community = db.session.execute(db.select(Community)).scalar_one()
        community.settings = {**(community.settings or {}), "anonymous_visitors": True}
        ids = [box_service.submit(community, content=t, title=None, category="其他",
                                  author=None, anonymous=True).suggestion.id for t in texts]
        db.session.commit()
        return ids


def test_the_board_triages_several_suggestions_at_once(browser, live_server, operator_setup,
                                                       box):
    page = signed_in(browser, live_server.url)
    page.goto(f"{live_server.url}/c/{operator_setup['slug']}/suggestions")
    bar = page.locator("#bulk-triage")
    expect(bar.locator("[data-bulk-count]")).to_have_text("0")
    for sid in box[:3]:
        page.get_by_label(f"勾选 #{sid}").check()
    expect(bar.locator("[data-bulk-count]")).to_have_text("3")
    expect(bar.get_by_label("要添加的标签（用逗号分隔）")).to_be_hidden()
    bar.get_by_label("批量操作").select_option("tag")
    bar.get_by_label("要添加的标签（用逗号分隔）").fill("直播回放")
    page.evaluate("window.scrollTo(0, 0)")  # the bar is sticky: show it in its place
    screenshot(page, "suggestion-bulk-triage")
    bar.get_by_role("button", name="应用到已勾选").click()
    expect(page.get_by_text("已处理 3 条建议。")).to_be_visible()
    expect(page.locator(".inbox-row", has_text="#直播回放")).to_have_count(3)

    for sid in box[:3]:
        page.get_by_label(f"勾选 #{sid}").check()
    bar.get_by_label("批量操作").select_option("merge")
    bar.get_by_label("合并到编号").fill(str(box[0]))
    bar.get_by_role("button", name="应用到已勾选").click()
    expect(page.get_by_text("已处理 2 条建议。")).to_be_visible()

    for sid in box[3:]:
        page.get_by_label(f"勾选 #{sid}").check()
    bar.get_by_label("批量操作").select_option("status")
    bar.locator("select[name=status]").select_option(label="已完成")
    bar.get_by_role("button", name="应用到已勾选").click()
    expect(page.get_by_text("请写一句回复")).to_be_visible()
    for sid in box[3:]:
        page.get_by_label(f"勾选 #{sid}").check()
    bar.locator("select[name=status]").select_option(label="处理中")
    bar.get_by_label("官方回复（每条建议的提交者和关注者都会看到）").fill("本周安排人处理。")
    bar.get_by_role("button", name="应用到已勾选").click()
    expect(page.get_by_text("已处理 2 条建议。")).to_be_visible()

    # a canned reply, written once, fills the reply box on a suggestion's page
    page.goto(f"{live_server.url}/c/{operator_setup['slug']}/suggestions/replies")
    page.get_by_label("常用回复").fill("已排期\n谢谢你的建议！已经排进计划，上线后会通知你。")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("常用回复已保存。")).to_be_visible()
    page.goto(f"{live_server.url}/c/{operator_setup['slug']}/suggestions/{box[3]}")
    page.locator("select[data-canned-for]").select_option(label="已排期")
    expect(page.locator("#reply")).to_have_value("谢谢你的建议！已经排进计划，上线后会通知你。")
    expect(page.locator("#reply")).to_be_focused()


PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "zh-CN"}


@pytest.fixture
def answered_box(live_app, operator_setup):
    """A member's two suggestions about ads and one about points, on a public board."""
    from app.extensions import db
    from app.models import Community
    from app.services.accounts import users as accounts
    from app.services.suggestions import box as box_service

    with live_app.app_context():
        community = db.session.execute(db.select(Community)).scalar_one()
        community.settings = {**(community.settings or {}), "public_board": True}
        member = accounts.create_user("yu@example.org", "member-password-1",
                                      display_name="小雨")
        accounts.add_member(community, member, "member")
        ids = [box_service.submit(community, content=text, title=title, category="其他",
                                  author=member).suggestion.id
               for title, text in (("群里广告太多", "每天都有人发广告，重要通知被刷掉"),
                                   ("请加强广告管理", "希望有人专门管一下广告"),
                                   ("积分商城上新", "积分能换的东西太少了"))]
        db.session.commit()
        return ids


def test_an_entry_names_the_suggestions_it_answers(browser, live_server, operator_setup,
                                                  answered_box):
    ads, more_ads, points = answered_box
    slug = operator_setup["slug"]
    page = signed_in(browser, live_server.url)
    page.goto(f"{live_server.url}/c/{slug}/changes")
    page.get_by_text("手动添加一条（不来自意见箱的改进）").click()
    page.get_by_label("做了什么").fill("新增两位广告巡查员，广告 10 分钟内清理")
    picker = page.get_by_label("回应了哪些建议（可多选）")
    picker.select_option([str(ads), str(more_ads)])
    screenshot(page, "changelog-answers")
    page.get_by_role("button", name="发布").click()
    expect(page.get_by_text("已发布到「你说我改」。")).to_be_visible()
    entry = page.locator(".changelog-entry", has_text="新增两位广告巡查员")
    expect(entry.locator(".changelog-answers li")).to_have_count(2)
    expect(entry.get_by_role("link", name="请加强广告管理")).to_be_visible()
    expect(entry.get_by_text("积分商城上新")).to_have_count(0)

    # the member, on a phone, sees on their suggestion that it was answered
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{live_server.url}/auth/login")
    phone.get_by_label("邮箱").fill("yu@example.org")
    phone.get_by_label("密码").fill("member-password-1")
    phone.get_by_role("button", name="登录").click()
    phone.goto(f"{live_server.url}/c/{slug}/s/{more_ads}")
    answered = phone.locator("section.answered")
    expect(answered).to_contain_text("已写进「你说我改」")
    expect(answered).to_contain_text("新增两位广告巡查员")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "suggestion-answered-mobile")
    answered.get_by_role("link", name="新增两位广告巡查员，广告 10 分钟内清理").click()
    expect(phone).to_have_url(f"{live_server.url}/c/{slug}/changes#entry-1")
    phone.goto(f"{live_server.url}/c/{slug}/s/{points}")
    expect(phone.locator("section.answered")).to_have_count(0)
