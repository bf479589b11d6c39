"""A member fills a survey with skip logic on a phone; an operator then finds the response,
the statistics and the export."""

from __future__ import annotations

import csv
import io
import random
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "zh-CN"}


@pytest.fixture
def survey_setup(live_app):
    """A community, an operator, and the published satisfaction survey with 80 earlier
    responses from three groups."""
    import surveys as domain
    from app.demo.steps.surveys import satisfaction_answers
    from app.extensions import db
    from app.models import utcnow
    from app.services.accounts import communities
    from app.services.accounts import users as accounts
    from app.services.surveys import lifecycle as survey_service
    from app.services.surveys import responses as runs

    with live_app.app_context():
        admin = accounts.create_user("admin@example.org", "admin-password-1", display_name="老周")
        community = communities.create_community(
            "光影同行摄影社群", "photo", actor=admin,
            description="每周直播课、作业打卡和线下约拍。")
        operator = accounts.create_user("lin@example.org", "operator-password-1",
                                        display_name="运营小林")
        accounts.add_member(community, operator, "operator", actor=admin)
        survey = survey_service.create_survey(community, actor=operator,
                                              template_key="community_satisfaction")
        survey_service.set_channels(survey, [("wx-group-1", "微信1群"), ("wx-group-2", "微信2群"),
                                             ("qq-group", "QQ群")], actor=operator)
        survey_service.publish(survey, actor=operator)
        db.session.commit()
        version, definition = survey_service.live_definition(survey)
        rng = random.Random(7)
        now = utcnow()
        for n in range(80):
            day = 30 + n * 1.8
            result = domain.validate_answers(definition, satisfaction_answers(rng, day))
            runs.commit_response(survey, version, definition, runs.NewResponse(
                answers=result.answers,
                channel=rng.choice(["wx-group-1", "wx-group-2", "qq-group", "wx-group-1"]),
                submitted_at=now - timedelta(days=40) + timedelta(hours=n * 12)))
        return {"key": survey.public_key, "id": survey.id, "slug": community.slug}


def test_a_member_answers_on_a_phone_and_the_operator_sees_it(browser, live_server,
                                                               survey_setup):
    base = live_server.url
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(f"{base}/s/{survey_setup['key']}?ch=wx-group-1")
    expect(page.get_by_role("heading", name="社群满意度调查")).to_be_visible()
    page.get_by_role("button", name="开始填写").click()

    # Page 1: nothing chosen yet → the checks run in the page, before any request.
    expect(page.get_by_text("第 1 / 4 页")).to_be_visible()
    page.get_by_role("button", name="下一页").click()
    expect(page.locator("#q-nps .error")).to_have_text("此题为必答题")
    page.locator("#q-nps label", has_text="3").first.click()
    page.get_by_role("radio", name="不满意", exact=True).check()
    screenshot(page, "survey-member-phone")
    page.get_by_role("button", name="下一页").click()

    # A detractor gets the follow-up page (skip logic did not skip it).
    expect(page.get_by_role("heading", name="哪里做得不够好")).to_be_visible()
    page.get_by_role("checkbox", name="广告和刷屏太多").check()
    page.get_by_placeholder("请注明").fill("直播课老是卡顿")
    expect(page.get_by_role("checkbox", name="其他")).to_be_checked()
    page.locator("textarea[name='a.detractor_detail']").fill(
        "晚上八点以后广告特别多，手机 13812345678")
    screenshot(page, "survey-member-phone-followup")
    page.get_by_role("button", name="下一页").click()

    # Likert matrix, multiple choice with an exclusive option, single choice.
    expect(page.get_by_role("heading", name="社群体验")).to_be_visible()
    for row in ("内容质量与实用性", "群内讨论氛围", "管理员响应速度", "活动组织", "广告与刷屏管理"):
        page.get_by_role("radio", name=f"{row}：一般").check()
    page.get_by_role("checkbox", name="行业干货与资料分享").check()
    page.get_by_role("checkbox", name="以上都没有").check()
    expect(page.get_by_role("checkbox", name="行业干货与资料分享")).not_to_be_checked()
    page.get_by_role("checkbox", name="行业干货与资料分享").check()
    expect(page.get_by_role("checkbox", name="以上都没有")).not_to_be_checked()
    page.get_by_role("radio", name="每天一次左右").check()
    page.get_by_role("button", name="下一页").click()

    # The last page: the promoters' question stays hidden; the button submits.
    expect(page.get_by_role("heading", name="你的建议")).to_be_visible()
    expect(page.locator("#q-liked_most")).to_be_hidden()
    page.locator("textarea[name='a.one_change']").fill("希望管理员及时清理广告")
    submit = page.get_by_role("button", name="提交")
    expect(submit).to_be_visible()
    submit.click()
    expect(page.get_by_role("heading", name="提交成功")).to_be_visible()
    screenshot(page, "survey-member-phone-done")
    phone.close()

    # A promoter skips the follow-up page straight to the experience page.
    promoter = browser.new_context(**PHONE)
    p2 = promoter.new_page()
    p2.goto(f"{base}/s/{survey_setup['key']}")
    p2.get_by_role("button", name="开始填写").click()
    p2.locator("#q-nps label", has_text="10").click()
    p2.get_by_role("radio", name="非常满意").check()
    p2.get_by_role("button", name="下一页").click()
    expect(p2.get_by_role("heading", name="社群体验")).to_be_visible()
    promoter.close()

    # The operator finds the response, the statistics and the export.
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page.goto(f"{base}/auth/login")
    page.get_by_label("邮箱").fill("lin@example.org")
    page.get_by_label("密码").fill("operator-password-1")
    page.get_by_role("button", name="登录").click()
    survey_base = f"{base}/c/{survey_setup['slug']}/surveys/{survey_setup['id']}"
    page.goto(f"{survey_base}/responses?channel=wx-group-1")
    page.locator("table.svo-responses a").first.click()
    expect(page.get_by_text("直播课老是卡顿")).to_be_visible()
    expect(page.get_by_text("希望管理员及时清理广告")).to_be_visible()
    expect(page.locator("dd", has_text="微信1群")).to_be_visible()
    expect(page.get_by_text("按跳转规则略过")).to_have_count(0)
    expect(page.get_by_text("已脱敏")).to_be_visible()

    page.goto(f"{survey_base}/stats")
    expect(page.locator(".stat", has_text="回答数")).to_contain_text("81")
    expect(page.locator("#stat-nps svg")).to_be_visible()
    expect(page.locator("#stat-nps .svo-score")).to_contain_text("NPS")

    page.goto(f"{survey_base}/responses")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="导出 CSV").click()
    data = open(download_info.value.path(), encoding="utf-8-sig").read()
    rows = list(csv.reader(io.StringIO(data)))
    assert len(rows) == 1 + 81
    assert any("希望管理员及时清理广告" in cell for row in rows for cell in row)
    assert any("直播课老是卡顿" in cell for row in rows for cell in row)

    page.goto(f"{survey_base}/")
    expect(page.get_by_role("heading", name="已是最新版本")).to_be_visible()
    page.goto(f"{survey_base}/questions/liked_most/logic")
    expect(page.get_by_text("时显示此题")).to_be_visible()
    screenshot(page, "survey-logic-editor")
    page.goto(f"{survey_base}/share")
