"""A manager opens the report builder (at once, the preview following with its progress),
names an owner and a due date for the first action, and finds both in the PDF's summary."""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def manager(live_app):
    from app.extensions import db
    from app.services.accounts import communities
    from app.services.accounts import users as accounts
    from tests.app.reports.test_report_actions import seed_voices

    with live_app.app_context():
        admin = accounts.create_user("admin@example.org", "admin-password-1", display_name="老周")
        community = communities.create_community("光影同行摄影社群", "photo", actor=admin)
        user = accounts.create_user("wang@example.org", "manager-password-1",
                                    display_name="王主理")
        accounts.add_member(community, user, "manager", actor=admin)
        db.session.commit()
        seed_voices(db, community)
    return {"email": "wang@example.org", "password": "manager-password-1"}


def _pdf_text(path: str) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run([tool, path, "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_builder_opens_at_once_and_the_owner_reaches_the_pdf(page, live_server, live_app,
                                                                 manager):
    from app.extensions import db
    from app.models import Community
    from app.services.metrics import values as metric_service

    page.goto(live_server.url + "/auth/login")
    page.get_by_label("邮箱").fill(manager["email"])
    page.get_by_label("密码").fill(manager["password"])
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(live_server.url + "/c/photo/")

    held = []
    page.route("**/reports/new/outline*", lambda route: held.append(route))
    started = time.perf_counter()
    page.goto(live_server.url + "/c/photo/reports/new")
    opened = time.perf_counter() - started
    print(f"builder opened in {opened:.3f} s")
    assert opened < 1.0, f"the builder took {opened:.2f} s to open"
    expect(page.get_by_role("heading", name="生成改进报告")).to_be_visible()
    # while the data is analysed, the preview says so
    expect(page.locator("#preview-status")).to_be_visible()
    expect(page.locator("#preview-message")).to_have_text("正在读取并分析本期数据…")
    page.wait_for_timeout(100)
    assert len(held) == 1
    held[0].continue_()

    first = page.locator('.action-row[data-rank="1"]')
    expect(first.locator("[data-action-label]")).to_contain_text("「广告刷屏」", timeout=30_000)
    expect(page.locator("#preview-status")).to_be_hidden(timeout=30_000)
    frame = page.frame_locator("iframe.report-preview")
    expect(frame.locator("#sec-recommendations")).to_contain_text("需要运营判断")
    expect(page.locator('.action-row[data-rank="3"]')).to_be_hidden()  # two actions only

    with live_app.app_context():
        community = db.session.execute(db.select(Community)).scalar_one()
        due = metric_service.local_today(community) + timedelta(days=10)
    first.get_by_label("负责人").fill("赵运营")
    first.get_by_label("完成日期").fill(due.isoformat())
    screenshot(page, "report-builder-actions")
    page.get_by_role("button", name="生成 PDF").click()
    expect(page.get_by_text("已生成").first).to_be_visible(timeout=90_000)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载 PDF").first.click()
    text = _pdf_text(download_info.value.path())
    summary = text[text.index("本期要做的"):text.index("变好了")]
    assert "赵运营" in summary
    assert f"{due.year}年{due.month}月{due.day}日" in summary
    assert "广告刷屏" in summary
