"""The demo community's main pages as people meet them: operators at a 1366 px desktop and
members on a 390 px phone, in Chinese. Each page opens without an error, shows its heading,
fits its screen, and shows no raw sticker codes; `make screenshots` keeps these pages'
images in docs/screenshots/ from a freshly loaded demo."""

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
