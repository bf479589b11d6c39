"""The demo community's main pages as people meet them: operators at a 1366 px desktop and
members on a 390 px phone, in Chinese. Each page opens without an error, shows its heading,
fits its screen, and shows no raw sticker codes; `make screenshots` keeps these pages'
images in docs/screenshots/ from a freshly loaded demo. The demo's complaints read negative
before anyone corrects them, and its changelog speaks in the team's written titles.

The demo is loaded once for the module in each test worker that runs its tests (loading is the
longest step of a browser test)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, screenshot
from tests.conftest import sentiment_model_cache

pytestmark = pytest.mark.browser

DESKTOP = {"viewport": {"width": 1366, "height": 900}, "locale": "zh-CN"}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2, "locale": "zh-CN"}
LIVE_THEME = "直播卡顿与回放"
# The share of the demo's written complaints the model itself must call negative (operators'
# corrections excluded): the complaint recall the product targets on community feedback it
# never saw; and the share of its praise it must not call negative.
MIN_COMPLAINT_RECALL = 0.80
MAX_PRAISE_AS_NEGATIVE = 0.08
#: A sticker code left as text ([捂脸], [强]); redaction marks ([手机号]) are allowed.
STICKER = re.compile(r"\[(捂脸|强|旺柴|呲牙|偷笑|微笑|流泪|奸笑|加油|抱拳|OK)\]")


@dataclass(frozen=True)
class Shot:
    """One page of the demo: who opens it, on what screen, and what it must show."""

    name: str
    login: str  # a DEMO_LOGINS key
    path: str  # may name {survey}, {theme}, {suggestion}
    heading: str
    phone: bool = False
    wait_for: str | None = None  # a selector that appears once the page's script is done


SHOTS = [
    Shot("operator-shell", "operator", "/c/demo/", "示例社群"),
    Shot("operator-shell-mobile", "operator", "/c/demo/", "示例社群", phone=True),
    Shot("survey-builder", "operator", "/c/demo/surveys/{survey}/", "社群满意度调查"),
    Shot("survey-statistics", "operator", "/c/demo/surveys/{survey}/stats", "社群满意度调查",
         wait_for="#stat-nps svg"),
    Shot("survey-share", "operator", "/c/demo/surveys/{survey}/share", "社群满意度调查"),
    Shot("insights-overview", "operator", "/c/demo/insights/", "反馈主题"),
    Shot("insights-theme", "operator", "/c/demo/insights/themes/{theme}", "{theme_name}"),
    Shot("metrics-page", "operator", "/c/demo/metrics/", "社群数据"),
    Shot("metrics-links", "operator", "/c/demo/metrics/links", "反馈与指标的关联"),
    Shot("suggestion-inbox", "operator", "/c/demo/suggestions", "意见箱"),
    Shot("suggestion-triage", "operator", "/c/demo/suggestions/{suggestion}",
         "{suggestion_heading}"),
    Shot("report-builder", "manager", "/c/demo/reports/new", "生成改进报告",
         wait_for="#report-preview[src]"),
    Shot("member-home-mobile", "member", "/c/demo/", "示例社群", phone=True),
    Shot("suggestion-board-mobile", "member", "/c/demo/board", "建议广场", phone=True),
    Shot("roadmap-mobile", "member", "/c/demo/board/roadmap", "路线图", phone=True),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo loaded into a fresh app, served for this module; with the ids of the pages
    that show one object (the satisfaction survey, the largest theme, a suggestion that
    others were merged into)."""
    from app import create_app
    from app.demo import load_demo
    from app.extensions import db
    from app.models import InsightTheme, Suggestion, Survey, SurveyResponse, ThemeStatus

    folder = tmp_path_factory.mktemp("demo-pages")
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.db'}",
        "SECRET_KEY": "browser-test-secret-key-0123456789-abcdef",
        "RATELIMIT_ENABLED": False, "TESTING": False, "INSIGHTS_AUTO_ANALYSIS": False,
        "INSIGHTS_SENTIMENT_MODEL": str(sentiment_model_cache()),
    })
    with app.app_context():
        db.create_all()
        load_demo(log=lambda _m: None)
        survey = db.session.execute(
            db.select(Survey).join(SurveyResponse).where(Survey.title == "社群满意度调查")
            .group_by(Survey.id).order_by(db.func.count(SurveyResponse.id).desc()).limit(1)
        ).scalar_one()
        theme = db.session.execute(
            db.select(InsightTheme).where(InsightTheme.community_id == survey.community_id,
                                          InsightTheme.is_other.is_(False),
                                          InsightTheme.status == ThemeStatus.ACTIVE.value)
            .order_by(InsightTheme.size.desc(), InsightTheme.key).limit(1)).scalar_one()
        merged = db.aliased(Suggestion)
        suggestion = db.session.execute(
            db.select(Suggestion).join(merged, merged.merged_into_id == Suggestion.id)
            .group_by(Suggestion.id).order_by(db.func.count(merged.id).desc(), Suggestion.id)
            .limit(1)).scalar_one()
        # The manage page's heading is the suggestion's title, or 建议 #id when it has none.
        ids = {"survey": survey.id, "theme": theme.key, "theme_name": theme.name,
               "suggestion": suggestion.id,
               "suggestion_heading": suggestion.title or f"建议 #{suggestion.id}"}
    server = LiveServer(app).start()
    yield server, ids
    server.stop()
    with app.app_context():
        db.engine.dispose()


def _signed_in(browser, base: str, login_key: str, phone: bool):
    from app.demo import DEMO_LOGINS, DEMO_PASSWORD

    login = next(x for x in DEMO_LOGINS if x.key == login_key)
    context = browser.new_context(**(PHONE if phone else DESKTOP))
    page = context.new_page()
    page.goto(f"{base}/auth/login")
    page.get_by_label("邮箱").fill(login.email)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/auth/login"))
    return context, page


@pytest.mark.parametrize("shot", SHOTS, ids=[s.name for s in SHOTS])
def test_a_demo_page_opens_fits_and_reads_clean(browser, demo, shot):
    server, ids = demo
    context, page = _signed_in(browser, server.url, shot.login, shot.phone)
    response = page.goto(server.url + shot.path.format(**ids))
    assert response is not None and response.status == 200, shot.path
    heading = shot.heading.format(**ids)
    expect(page.locator("h1").first).to_contain_text(heading[:12])
    if shot.wait_for:
        expect(page.locator(shot.wait_for).first).to_be_attached(timeout=30_000)
    page.wait_for_load_state("networkidle")
    width = 390 if shot.phone else 1366
    assert page.evaluate("document.documentElement.scrollWidth") <= width, shot.name
    assert not STICKER.search(page.locator("main").inner_text()), shot.name
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, shot.name)
    context.close()


def _judged_sentiments(app) -> list[tuple[int, int, str]]:
    """(intended sentiment, model label, text) of the demo items written with a sentiment."""
    from app.demo.vocab import intended_sentiment
    from app.extensions import db
    from app.models import FeedbackItem, ItemAnalysis

    with app.app_context():
        rows = db.session.execute(
            db.select(FeedbackItem.redacted_text, ItemAnalysis.model_label)
            .join(ItemAnalysis, ItemAnalysis.feedback_item_id == FeedbackItem.id)
        ).all()
    judged = [(intended_sentiment(text), label, text) for text, label in rows]
    return [row for row in judged if row[0] is not None]


def _share(rows, wanted: int, predicted: int) -> float:
    of_kind = [r for r in rows if r[0] == wanted]
    return sum(r[1] == predicted for r in of_kind) / max(len(of_kind), 1)


def test_the_demo_complaints_read_negative_without_corrections(browser, demo):
    server, _ids = demo
    judged = _judged_sentiments(server.app)
    complaints = [r for r in judged if r[0] == -1]
    assert len(complaints) > 200
    missed = [r[2] for r in complaints if r[1] != -1]
    assert _share(judged, -1, -1) >= MIN_COMPLAINT_RECALL, missed[:15]
    assert _share(judged, 1, -1) <= MAX_PRAISE_AS_NEGATIVE

    context, page = _signed_in(browser, server.url, "operator", phone=False)
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
    context.close()


def test_the_demo_changelog_lists_changes_under_written_titles(browser, demo):
    from app.extensions import db
    from app.models import Suggestion

    server, _ids = demo
    with server.app.app_context():
        member_words = {s.display_title for s in db.session.execute(db.select(Suggestion))
                        .scalars()}
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(f"{server.url}/c/demo/changes")
    expect(page.get_by_role("heading", name="你说我改")).to_be_visible()
    entries = page.locator(".changelog-entry")
    assert entries.count() >= 10
    titles = entries.locator("h2").all_inner_texts()
    assert len(set(titles)) == len(titles)
    assert not set(titles) & member_words
    text = page.locator("main").inner_text()
    assert "[" not in text
    assert "新人入群审核上线，广告关键词自动提醒" in titles
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "changelog-mobile")
    phone.close()
