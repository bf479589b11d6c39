"""An operator works with the themes: overview, a theme, merge, rename, a sentiment
correction, a re-analysis, and the edits are still there afterwards."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def analysed_community(live_app):
    from app.extensions import db
    from app.models import InsightTheme
    from app.services.accounts import communities
    from app.services.accounts import users as accounts
    from tests.app.insights.conftest import analyse, members, seed_feedback

    with live_app.app_context():
        admin = accounts.create_user("admin@example.org", "admin-password-1", display_name="老周")
        community = communities.create_community("光影同行摄影社群", "photo", actor=admin)
        user = accounts.create_user("lin@example.org", "operator-password-1",
                                    display_name="运营小林")
        accounts.add_member(community, user, "operator", actor=admin)
        db.session.commit()
        seed_feedback(community, count=160, weeks=16, members=members(community, 12))
        analyse(community)
        themes = db.session.execute(
            db.select(InsightTheme).where(InsightTheme.is_other.is_(False))
            .order_by(InsightTheme.size.desc())).scalars().all()
        names = [(t.key, t.name) for t in themes]
    return {"email": "lin@example.org", "password": "operator-password-1", "themes": names}


def test_operator_corrects_themes_and_sentiment_and_the_edits_survive_a_reanalysis(
        page, live_server, analysed_community):
    base = live_server.url
    page.goto(base + "/auth/login")
    page.get_by_label("邮箱").fill(analysed_community["email"])
    page.get_by_label("密码").fill(analysed_community["password"])
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation", name="社群导航").get_by_role("link", name="洞察").click()
    expect(page.get_by_role("heading", name="反馈主题")).to_be_visible()
    page.get_by_role("link", name="近 180 天").click()
    (first_key, first_name), (second_key, second_name) = analysed_community["themes"][:2]
    expect(page.get_by_role("link", name=first_name, exact=True)).to_be_visible()
    page.wait_for_load_state("networkidle")  # the word cloud is drawn on first request

    # Drill into the second theme and merge it into the first.
    page.get_by_role("link", name=second_name, exact=True).click()
    expect(page.get_by_role("heading", name=second_name)).to_be_visible()
    expect(page.get_by_text("大家具体在抱怨什么")).to_be_visible()
    page.wait_for_load_state("networkidle")
    page.get_by_label("合并到").select_option(str(first_key))
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="合并", exact=True).click()
    expect(page.get_by_text("主题已合并。")).to_be_visible()
    expect(page.get_by_role("heading", name=first_name)).to_be_visible()

    # Rename the merged theme.
    page.get_by_label("新名称").fill("学习与活动（合并）")
    page.get_by_role("button", name="重命名").click()
    expect(page.get_by_text("主题已重命名。")).to_be_visible()
    expect(page.get_by_role("heading", name="学习与活动（合并）")).to_be_visible()

    # Correct one item's sentiment in the inbox.
    page.get_by_role("link", name=re.compile("查看该主题全部")).click()
    first_item = page.locator(".feed-item").first
    item_id = first_item.get_attribute("id")
    target = "正面" if "current" not in (first_item.get_by_role(
        "button", name="正面").get_attribute("class") or "") else "负面"
    first_item.get_by_role("button", name=target).click()
    expect(page.get_by_text("情感已修改。")).to_be_visible()
    corrected = page.locator(f"#{item_id}")
    expect(corrected.locator(".badge.sent")).to_contain_text(target)
    expect(corrected.locator(".badge.sent .corrected")).to_be_visible()
    screenshot(page, "insights-inbox")

    # Re-analyse everything; the progress bar ends, and the edits are still there.
    page.get_by_role("link", name="分析记录").click()
    page.get_by_role("button", name="重新分析全部反馈").click()
    expect(page.get_by_text("已开始重新分析")).to_be_visible()
    expect(page.locator(".run").first).to_contain_text("已完成")
    expect(page.locator(".run").first).to_contain_text("当前显示")
    screenshot(page, "insights-runs")

    page.get_by_role("link", name="主题概览").click()
    page.get_by_role("link", name="近 180 天").click()
    expect(page.get_by_role("link", name="学习与活动（合并）")).to_be_visible()
    expect(page.get_by_role("link", name=second_name, exact=True)).to_have_count(0)
    page.goto(base + f"/c/photo/insights/themes/{second_key}")
    expect(page.get_by_text("已合并")).to_be_visible()
    page.goto(base + "/c/photo/insights/inbox?corrected=1")
    again = page.locator(f"#{item_id}")
    expect(again.locator(".badge.sent")).to_contain_text(target)
    expect(again.locator(".badge.sent .corrected")).to_be_visible()
    page.get_by_role("link", name="修正记录").click()
    expect(page.get_by_role("cell", name="合并主题")).to_be_visible()
    expect(page.get_by_role("cell", name="重命名主题")).to_be_visible()
    expect(page.get_by_role("cell", name="修改情感")).to_be_visible()
    screenshot(page, "insights-corrections")


def test_the_progress_bar_follows_a_running_analysis(page, live_server, live_app,
                                                     analysed_community):
    from app.extensions import db
    from app.models import AnalysisRun, Community, JobRun, RunStatus, utcnow

    with live_app.app_context():
        community = db.session.execute(db.select(Community)).scalar_one()
        job = JobRun(task_id="running-analysis", name="insights.full_run",
                     community_id=community.id, state="running", progress=0.3,
                     progress_message="sentiment", started_at=utcnow())
        db.session.add(job)
        db.session.flush()
        run = AnalysisRun(community_id=community.id, status=RunStatus.RUNNING.value,
                          job_run_id=job.id, started_at=utcnow())
        db.session.add(run)
        db.session.commit()
        run_id, job_id = run.id, job.id
    page.goto(live_server.url + "/auth/login")
    page.get_by_label("邮箱").fill(analysed_community["email"])
    page.get_by_label("密码").fill(analysed_community["password"])
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/c/photo/insights/runs")
    box = page.locator("[data-run-status]")
    expect(box).to_contain_text(f"第 {run_id} 次分析进行中")
    expect(box.locator("[data-run-stage]")).to_have_text("情感分析")
    expect(page.get_by_role("button", name="重新分析全部反馈")).to_be_disabled()
    # The overview keeps showing the previous results meanwhile, and says so.
    with live_app.app_context():
        db.session.get(JobRun, job_id).progress = 0.8
        db.session.get(JobRun, job_id).progress_message = "themes"
        db.session.commit()
    expect(box.locator("[data-run-stage]")).to_have_text("主题聚类", timeout=10_000)
    expect(box.locator("[data-run-percent]")).to_have_text("80%")
    screenshot(page, "insights-run-progress")
    with live_app.app_context():
        db.session.get(AnalysisRun, run_id).status = RunStatus.FAILED.value
        db.session.get(AnalysisRun, run_id).error = "RuntimeError: worker lost"
        db.session.get(AnalysisRun, run_id).finished_at = utcnow()
        db.session.commit()
    # When the run ends the page reloads itself and offers a retry.
    expect(page.get_by_text("分析失败，上一次的结果仍然有效。")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="重试")).to_be_visible()
