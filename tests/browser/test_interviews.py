"""An operator writes up an interview and saves a highlight by selecting text in the notes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot as save_screenshot

pytestmark = pytest.mark.browser

NOTES = """## 最近为什么不太来群里了？

说实话，**群里广告太多了**，一开直播课群里全是网课广告，消息免打扰都不敢关。

> 原话：我差点就退群了，后来看到管理员在清理才留下来。

## 什么情况下你会愿意回来？

- 广告少一点
- 直播能有回放
"""

# Select across the bold text and into the plain text after it.
SELECTION = "群里广告太多了，一开直播课"


@pytest.fixture
def operator(live_app):
    from app.extensions import db
    from app.services.accounts import communities
    from app.services.accounts import users as accounts
    from app.services.interviews import records as service

    with live_app.app_context():
        admin = accounts.create_user("admin@example.org", "admin-password-1", display_name="老周")
        community = communities.create_community("光影同行摄影社群", "photo", actor=admin)
        user = accounts.create_user("lin@example.org", "operator-password-1",
                                    display_name="运营小林")
        accounts.add_member(community, user, "operator", actor=admin)
        service.create_guide(community, title="流失成员回访",
                             questions="最近为什么不太来群里了？\n什么情况下你会愿意回来？",
                             actor=user)
        db.session.commit()
    return {"email": "lin@example.org", "password": "operator-password-1"}


def select_text(page, block_selector: str, text: str) -> None:
    """Select ``text`` inside a block of the rendered notes, as a reader would with the mouse."""
    found = page.evaluate(
        """([selector, wanted]) => {
            const block = document.querySelector(selector);
            const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
            const nodes = [];
            let all = "";
            while (walker.nextNode()) { nodes.push([walker.currentNode, all.length]);
                                        all += walker.currentNode.textContent; }
            const start = all.indexOf(wanted);
            if (start < 0) return false;
            const end = start + wanted.length;
            const at = (offset) => {
                for (const [node, base] of nodes) {
                    if (offset <= base + node.textContent.length) return [node, offset - base];
                }
            };
            const range = document.createRange();
            range.setStart(...at(start));
            range.setEnd(...at(end));
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            block.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
            return true;
        }""",
        [block_selector, text],
    )
    assert found, f"{text!r} is not in {block_selector}"


def test_an_operator_writes_an_interview_and_highlights_a_passage(page, live_server, operator):
    base = live_server.url
    page.goto(base + "/auth/login")
    page.get_by_label("邮箱").fill(operator["email"])
    page.get_by_label("密码").fill(operator["password"])
    page.locator("form:has(#password) button[type=submit]").click()
    page.get_by_role("navigation", name="社群导航").get_by_role("link", name="用户访谈").click()
    page.get_by_role("link", name="新建访谈").first.click()

    page.get_by_label("外部人士").check()
    expect(page.get_by_label("选择成员")).to_be_hidden()
    page.get_by_label("称呼或化名").fill("前成员小雨")
    page.get_by_label("访谈日期").fill("2026-11-02")
    page.get_by_label("访谈方式").select_option(label="电话")
    page.get_by_label("标签（用逗号分隔）").fill("流失，广告")
    page.get_by_label("同意说明（可选）").fill("电话开始前同意记录和匿名引用")
    page.get_by_label("访谈提纲（可选）").select_option(label="流失成员回访")
    page.get_by_label("访谈记录（Markdown）").fill(NOTES)
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("heading", name="与前成员小雨的访谈")).to_be_visible()
    expect(page.locator("#notes h2").first).to_have_text("最近为什么不太来群里了？")
    expect(page.locator("#p-1 strong")).to_have_text("群里广告太多了")

    select_text(page, "#p-1", SELECTION)
    expect(page.locator("#selected-quote")).to_have_text(SELECTION)
    panel = page.locator("#highlight-panel")
    panel.get_by_label("标签").fill("广告，流失原因")
    panel.get_by_label("情感").select_option(label="负面")
    panel.get_by_role("button", name="保存摘录").click()

    expect(page.get_by_text("摘录已保存。")).to_be_visible()
    marks = page.locator("#p-1 mark.hl")
    expect(marks.first).to_have_attribute("id", "h-1")
    assert "".join(marks.all_inner_texts()) == SELECTION
    item = page.locator("#highlights .highlight-item").first
    expect(item).to_contain_text(SELECTION)
    expect(item).to_contain_text("#流失原因")
    expect(item.locator(".badge.sent-neg")).to_have_text("负面")

    # The highlight links back to its place in the notes.
    item.locator(".highlight-quote").click()
    expect(page).to_have_url(f"{base}/c/photo/interviews/1#h-1")

    # A second highlight in the quote block.
    select_text(page, "#p-2", "我差点就退群了")
    panel.get_by_label("标签").fill("退群")
    panel.get_by_role("button", name="保存摘录").click()
    expect(page.locator("#highlights .highlight-item")).to_have_count(2)
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, "interview-highlight")

    # The interview can be found by searching the highlight text.
    page.goto(base + "/c/photo/interviews?q=退群")
    expect(page.locator(".hit-list").first).to_contain_text("我差点就退群了")
