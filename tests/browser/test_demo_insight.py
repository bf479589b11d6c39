"""The demo community as an operator first meets it: its complaints read negative before anyone
corrects them, and the live-class theme is mostly negative."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser

LIVE_THEME = "直播卡顿与回放"
# The share of the demo's written complaints the model itself must call negative (operators'
# corrections excluded), and of its praise it must not call negative.
MIN_COMPLAINT_RECALL = 0.85
MAX_PRAISE_AS_NEGATIVE = 0.08


@pytest.fixture
def demo(live_app):
    from app.demo import load_demo
    from app.demo.vocab import intended_sentiment
    from app.extensions import db
    from app.models import FeedbackItem, ItemAnalysis

    with live_app.app_context():
        load_demo(log=lambda _m: None)
        rows = db.session.execute(
            db.select(FeedbackItem.redacted_text, ItemAnalysis.model_label)
            .join(ItemAnalysis, ItemAnalysis.feedback_item_id == FeedbackItem.id)
        ).all()
    judged = [(intended_sentiment(text), label, text) for text, label in rows]
    return [row for row in judged if row[0] is not None]


def _share(rows, wanted: int, predicted: int) -> float:
    of_kind = [r for r in rows if r[0] == wanted]
    return sum(r[1] == predicted for r in of_kind) / max(len(of_kind), 1)


def test_the_demo_complaints_read_negative_without_corrections(page, live_server, demo):
    complaints = [r for r in demo if r[0] == -1]
    assert len(complaints) > 200
    missed = [r[2] for r in complaints if r[1] != -1]
    assert _share(demo, -1, -1) >= MIN_COMPLAINT_RECALL, missed[:15]
    assert _share(demo, 1, -1) <= MAX_PRAISE_AS_NEGATIVE

    page.goto(live_server.url + "/auth/login")
    page.get_by_label("邮箱").fill("operator@example.com")
    page.get_by_label("密码").fill("huisheng-demo")
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation", name="社群导航").get_by_role("link", name="洞察").click()
    expect(page.get_by_role("heading", name="反馈主题")).to_be_visible()
    page.get_by_role("link", name="近 180 天").click()
    page.get_by_role("link", name=LIVE_THEME, exact=True).click()
    expect(page.get_by_role("heading", name=LIVE_THEME)).to_be_visible()
    stat = page.locator(".stat", has_text="负面").first
    share = re.search(r"(\d+(?:\.\d+)?)%", stat.inner_text())
    assert share is not None and float(share.group(1)) > 50, stat.inner_text()
    page.wait_for_load_state("networkidle")
    screenshot(page, "demo-live-theme")
