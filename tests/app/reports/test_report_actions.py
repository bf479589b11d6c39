"""Recommendations and the executive summary's action plan in the app: the voices source
reads each theme's frame key, complaint phrases and cleaned complaints from the stored
analysis; the builder takes an owner and a due date per top action (checked, CSRF-protected,
manager only) and the generated PDF prints them."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import timedelta

import pytest

from app.models import InsightTheme, ItemAnalysis, Report
from app.services.metrics import values as metric_service
from app.services.reports import documents as report_service
from app.services.reports.data import DataRequest, get_provider
from app.services.reports.data.voices import clean_quote
from reports.context import Period
from tests.app.test_report_themes_surveys import seed_themes


def _months(community):
    today = metric_service.local_today(community)
    first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    end = today.replace(day=1) - timedelta(days=1)
    before_end = first - timedelta(days=1)
    return Period(first, end), Period(before_end.replace(day=1), before_end)


def seed_voices(db, community):
    """Last month: 广告 (spam frame theme, 8 negative items naming 广告 and 二维码),
    表扬 (praise frame theme, positive), 配速 (a discovered theme nothing fits)."""
    period, previous = _months(community)
    days = [period.start + timedelta(days=i) for i in range(8)]
    before = [previous.start + timedelta(days=i) for i in range(2)]
    ads = [(d, -1, f"群里广告太多了[捂脸]，还有人发二维码 第{i}次") for i, d in enumerate(days)]
    ads += [(d, -1, "上个月广告也有") for d in before]
    praise = [(d, 1, "谢谢管理员，活动办得很用心") for d in days[:6]] + \
        [(before[0], 1, "感谢大家")]
    pace = [(d, -1, f"周六领跑员配速太快跟不上 {i}") for i, d in enumerate(days[:5])] + \
        [(before[0], -1, "配速问题")]
    run = seed_themes(db, community, [(1, "广告刷屏", "规则与秩序", ads),
                                      (2, "表扬·感谢", "", praise),
                                      (3, "跑团·配速", "用户互动", pace)])
    frames = {1: "spam", 2: "praise", 3: None}
    aspects = {1: ["广告", "二维码"], 2: [], 3: ["配速", "领跑员"]}
    for theme in db.session.execute(db.select(InsightTheme)).scalars():
        theme.frame_key = frames[theme.key]
    for row in db.session.execute(db.select(ItemAnalysis)).scalars():
        if row.sentiment_label == -1:
            words = aspects[row.theme_key]
            row.clauses = [{"text": "，".join(words) or "x", "label": -1, "aspects": words}]
    db.session.commit()
    return run, period, previous


@pytest.fixture
def voiced(db, community):
    _run, period, previous = seed_voices(db, community)
    return period, previous


def test_quotes_lose_sticker_codes_and_emoji_and_are_cut_at_a_sentence_end():
    assert clean_quote("群里广告太多了[捂脸]😂，真的") == "群里广告太多了,真的"
    long = "第一句话说得很长很长。" * 20
    assert clean_quote(long).endswith("。") and len(clean_quote(long)) <= 120
    glued = "积分规则改来改去,之前的积分不值钱了 可以加一些周边 直播中途掉线好几次"
    assert clean_quote(glued) == "积分规则改来改去,之前的积分不值钱了"
    assert clean_quote(glued, ["掉线"]) == "直播中途掉线好几次"
    assert clean_quote("直播 PPT 看不清") == "直播 PPT 看不清"  # words, not fragments


def test_voices_come_from_the_stored_analysis(app, voiced):
    period, previous = voiced
    found = get_provider("voices").collect(DataRequest(community=_community(app),
                                                       period=period, previous_period=previous))
    voices = {v.theme_key: v for v in found["voices"]}
    assert voices["1"].frame_key == "spam" and voices["3"].frame_key is None
    assert [(p.text, p.count) for p in voices["1"].phrases] == [("二维码", 8), ("广告", 8)]
    assert voices["1"].quotes and "[捂脸]" not in voices["1"].quotes[0].text
    assert all(q.day >= period.start for q in voices["1"].quotes)


def _community(app):
    from app.extensions import db
    from app.models import Community

    return db.session.execute(db.select(Community).where(Community.slug == "photo")).scalar_one()


def test_the_report_recommends_from_the_frame_judges_the_unknown_and_keeps_praise(app, voiced):
    period, previous = voiced
    ctx = report_service.assemble(_community(app), period, previous).context
    items = {r.theme_key: r for r in ctx.recommendations.items}
    assert set(items) == {"1", "3"}  # praise is never a corrective priority
    assert items["1"].kind == "corrective" and any("二维码" in a for a in items["1"].actions)
    assert items["3"].kind == "judgement" and "「配速」" in items["3"].questions[0]
    assert [r.theme_key for r in ctx.recommendations.keep] == ["2"]
    outline = report_service.top_actions(report_service.assemble(_community(app), period,
                                                                 previous))
    assert [a["theme_key"] for a in outline] == ["1", "3"]


def _pdf_text(pdf: bytes | None) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    assert pdf is not None, "the report has no stored PDF"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        return subprocess.run([tool, handle.name, "-"], capture_output=True, text=True,
                              check=True).stdout


def test_owners_and_due_dates_from_the_builder_are_printed_in_the_summary(
        app, client, db, login_as, community, voiced):
    login_as("manager")
    due = metric_service.local_today(community) + timedelta(days=14)
    response = client.post("/c/photo/reports/new", data={
        "period": "last_month", "community": "photo", "action": "generate",
        "sections": ["summary", "recommendations"],
        "actions-0-theme_key": "3", "actions-0-owner": "  赵 运营 ",
        "actions-0-due": due.isoformat(),
        "actions-1-theme_key": "1", "actions-1-owner": "钱主理"})
    assert response.status_code == 302
    report = db.session.execute(db.select(Report)).scalar_one()
    assert report.action_plan == [
        {"rank": 1, "theme_key": "3", "owner": "赵 运营", "due": due.isoformat()},
        {"rank": 2, "theme_key": "1", "owner": "钱主理", "due": None}]
    db.session.refresh(report)
    assert report.is_ready, report.error
    text = _pdf_text(report_service.pdf_bytes(report))
    assert "本期要做的 2 件事" in text
    assert "赵 运营" in text and f"{due.year}年{due.month}月{due.day}日" in text
    assert "钱主理" in text and "需要运营判断" in text and "保持/放大" in text
    summary = text[text.index("本期要做的"):]
    # each owner stays with the theme it was entered for, whatever the ranks are now
    assert summary.index("钱主理") < summary.index("赵 运营")


@pytest.mark.parametrize(("row", "message"), [
    ({"actions-0-due": "2001-01-01", "actions-0-owner": "赵"}, "完成日期不能早于今天"),
    ({"actions-0-owner": "赵" * 41}, "负责人最多 40 个字"),
])
def test_bad_owners_and_due_dates_are_refused_and_nothing_is_queued(
        app, client, db, login_as, community, row, message):
    login_as("manager")
    response = client.post("/c/photo/reports/new", data={
        "period": "last_month", "community": "photo", "action": "generate", **row})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.execute(db.select(Report)).first() is None


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_generating_needs_the_csrf_token_and_a_manager(app, app_config, client, db, login_as,
                                                       community):
    login_as("manager")
    data = {"period": "last_month", "community": "photo", "action": "generate",
            "actions-0-owner": "赵"}
    assert client.post("/c/photo/reports/new", data=data).status_code == 400
    login_as("operator")
    assert client.get("/c/photo/reports/new/outline?period=last_month").status_code == 403
    assert db.session.execute(db.select(Report)).first() is None
