"""Report data from the insight workspace (themes) and from surveys (NPS, CSAT): the numbers
come from what the analysis and the survey services stored, the quotes are redacted, and a
community's report never shows another community's themes or surveys."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime

import pytest

import surveys as domain
from app.models import (
    AnalysisRun,
    FeedbackItem,
    InsightState,
    InsightTheme,
    InsightThemeAction,
    ItemAnalysis,
    Report,
    ReportStatus,
    RunStatus,
)
from app.services.errors import ServiceError
from app.services.reports import documents as report_service
from app.services.reports.data import DataRequest, get_provider
from app.services.surveys import builder as edits
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import results as survey_results
from app.services.surveys.responses import NewResponse, store_response
from nlp.pii import redact
from reports import render_html
from reports.context import Period
from tests.factories import make_community, make_survey
from tests.factories_reports import seed_report_community

OCTOBER = Period(date(2026, 10, 1), date(2026, 10, 31))
SEPTEMBER = Period(date(2026, 9, 1), date(2026, 9, 30))
PHONE_QUOTE = "广告刷屏太严重了，有事打我电话 13812345678 细聊"

SURVEY = {
    "schema_version": 1, "title": "十月满意度调查",
    "pages": [{"id": "p1", "title": "打分", "questions": [
        {"id": "nps", "type": "nps", "title": "你有多大可能把本群推荐给朋友？", "required": True},
        {"id": "csat", "type": "csat", "title": "你对本群的整体满意度", "required": True},
        {"id": "likes", "type": "single_choice", "title": "你最喜欢的内容",
         "options": [{"id": "dry", "label": "干货分享"}, {"id": "events", "label": "线下活动"}]},
    ]}],
}
#: (day, nps, csat, likes): October NPS 40.0 (3 promoters, 1 detractor of 5), CSAT 60.0%;
#: September NPS −50.0 (1 promoter, 3 detractors of 4), CSAT 25.0%.
ANSWERS = [
    (date(2026, 10, 3), 10, 5, "dry"), (date(2026, 10, 9), 10, 4, "dry"),
    (date(2026, 10, 15), 9, 4, "events"), (date(2026, 10, 21), 8, 2, "dry"),
    (date(2026, 10, 27), 3, 3, None),
    (date(2026, 9, 4), 10, 5, None), (date(2026, 9, 10), 5, 1, None),
    (date(2026, 9, 16), 5, 2, None), (date(2026, 9, 22), 6, 3, None),
]


def _noon(day: date) -> datetime:
    """Naive UTC of 12:00 in Shanghai on ``day``."""
    return datetime(day.year, day.month, day.day, 4)


def seed_themes(db, community, themes, *, action_day: date | None = None) -> AnalysisRun:
    """A finished analysis run with ``themes``: (key, name, area, [(day, sentiment, text)]),
    stored as the analysis stores them (theme rows and per-item rows)."""
    run = AnalysisRun(community_id=community.id, status=RunStatus.SUCCEEDED.value,
                      trigger="manual")
    db.session.add(run)
    db.session.flush()
    db.session.add(InsightState(community_id=community.id, current_run_id=run.id))
    n = 0
    for key, name, area, items in themes:
        theme = InsightTheme(community_id=community.id, key=key, name=name, area=area,
                             keywords=[name[:2], name[2:]],
                             keyword_weights={name[:2]: 1.0, name[2:]: 0.6}, size=len(items))
        db.session.add(theme)
        ids = []
        for day, label, text in items:
            n += 1
            item = FeedbackItem(community_id=community.id, source_kind="import",
                                source_key=f"t:{community.id}:{n}", raw_text=text,
                                redacted_text=redact(text).text, occurred_at=_noon(day))
            db.session.add(item)
            db.session.flush()
            ids.append(item.id)
            db.session.add(ItemAnalysis(
                run_id=run.id, community_id=community.id, feedback_item_id=item.id,
                occurred_at=item.occurred_at, day=day.toordinal(), source_kind="import",
                theme_key=key, sentiment_label=label, model_label=label, confidence=0.9))
        theme.quote_item_ids = ids[:3]
    if action_day is not None:
        db.session.add(InsightThemeAction(
            community_id=community.id, theme_key=themes[0][0], theme_name=themes[0][1],
            note="新成员入群先审核", acted_on_at=_noon(action_day)))
    db.session.commit()
    return run


def ads_and_points():
    """广告刷屏: 12 items in October (9 negative), 6 in September (all negative);
    积分兑换: 5 neutral items in each month."""
    oct_days = [date(2026, 10, d) for d in range(2, 26, 2)]
    ads = [(d, -1 if i < 9 else 1, f"群里广告太多了，第{i}次看到刷屏") for i, d in
           enumerate(oct_days)]
    ads[0] = (ads[0][0], -1, PHONE_QUOTE)
    ads += [(date(2026, 9, d), -1, f"九月广告也不少 {d}") for d in range(3, 27, 4)]
    points = [(date(2026, m, d), 0, f"积分兑换规则想了解一下 {m}-{d}")
              for m in (9, 10) for d in (5, 10, 15, 20, 25)]
    return [(1, "广告刷屏", "规则与秩序", ads), (2, "积分兑换", "激励与积分", points)]


def seed_survey(db, community, title: str = SURVEY["title"], community_nps: bool = True):
    survey = make_survey(community, {**SURVEY, "title": title})
    if community_nps:
        edits.set_community_nps(survey, "nps", True)
    version, definition = survey_service.live_definition(survey)
    for day, nps, csat, likes in ANSWERS:
        answers = {"nps": nps, "csat": csat}
        if likes:
            answers["likes"] = likes
        checked = domain.validate_answers(definition, answers)
        assert checked.ok, checked.errors
        store_response(survey, version, definition,
                       NewResponse(answers=checked.answers, submitted_at=_noon(day)))
    db.session.commit()
    survey_results.clear_cache()
    return survey


def _request(community, period=OCTOBER, previous=SEPTEMBER, **kw):
    return DataRequest(community=community, period=period, previous_period=previous, **kw)


def _report_html(community) -> str:
    assembled = report_service.assemble(community, OCTOBER, SEPTEMBER)
    return render_html(assembled.context)


@pytest.fixture
def reported(db, community):
    """The test community with metrics, two analysed themes (广告刷屏 acted on 10 October)
    and a survey answered in September and October."""
    seed_report_community(community, OCTOBER.end)
    seed_themes(db, community, ads_and_points(), action_day=date(2026, 10, 10))
    seed_survey(db, community)
    return community


def test_theme_data_comes_from_the_stored_analysis(app, reported):
    found = get_provider("themes").collect(_request(reported))
    themes = {t.name: t for t in found["themes"]}
    ads, points = themes["广告刷屏"], themes["积分兑换"]
    first = ads.start
    october = slice((OCTOBER.start - first).days, None)
    september = slice((SEPTEMBER.start - first).days, (OCTOBER.start - first).days)
    assert sum(ads.negative[october]) == 9 and sum(ads.positive[october]) == 3
    assert sum(ads.negative[september]) == 6
    assert sum(points.neutral[october]) == 5 and sum(points.neutral[september]) == 5
    assert ads.acted_on == date(2026, 10, 10) and points.acted_on is None
    assert ads.area == "规则与秩序" and ads.wordcloud_png.startswith(b"\x89PNG")
    assert 2 <= len(ads.quotes) <= 3
    assert all("13812345678" not in q.text for q in ads.quotes)


def test_numbers_only_requests_skip_quotes_and_word_clouds(app, reported):
    found = get_provider("themes").collect(_request(reported, detail=False))
    assert all(not t.quotes and t.wordcloud_png is None for t in found["themes"])


def test_survey_scores_pool_the_period_and_compare_with_the_previous_one(app, reported):
    section = get_provider("surveys").collect(_request(reported))["surveys"]
    assert section.nps.score == 40.0 and section.nps.previous_score == -50.0
    assert (section.nps.promoters, section.nps.passives, section.nps.detractors) == (3, 1, 1)
    assert section.nps.distribution[10] == 2 and sum(section.nps.distribution) == 5
    assert section.csat.score == 60.0 and section.csat.previous_score == 25.0
    assert section.csat.distribution == [0, 1, 1, 2, 1] and section.csat.mean == 3.6
    assert [p.label for p in section.nps.trend][-2:] == ["9月", "10月"]
    assert section.nps.trend[-1].value == 40.0 and section.nps.trend[-2].value == -50.0
    [summary] = section.surveys
    assert summary.title == "十月满意度调查" and summary.responses == 5
    assert summary.nps == 40.0 and summary.csat == 60.0
    assert any("干货分享" in h and "75%" in h for h in summary.highlights)


def test_only_the_marked_question_makes_the_community_nps(app, db, reported):
    # an event survey's NPS is about the event: it is listed by name, never pooled
    event = seed_survey(db, reported, title="周年庆活动反馈", community_nps=False)
    section = get_provider("surveys").collect(_request(reported))["surveys"]
    assert section.nps.score == 40.0 and section.nps.responses == 5
    assert [(n.survey, n.question, n.score, n.responses) for n in section.other_nps] == [
        ("周年庆活动反馈", "你有多大可能把本群推荐给朋友？", 40.0, 5)]
    assert section.nps.trend[-1].value == 40.0
    # unmarking the only community question leaves no headline NPS, only named ones
    edits.set_community_nps(event, "nps", True)
    db.session.commit()
    again = get_provider("surveys").collect(_request(reported))["surveys"]
    assert again.nps.responses == 10 and len(again.other_nps) == 0


def test_a_survey_with_many_open_answers_per_response_counts_responses(app, db, reported):
    summary = get_provider("surveys").collect(_request(reported))["surveys"].surveys[0]
    assert summary.open_theme_responses is None or \
        summary.open_theme_responses <= summary.responses


def test_only_nps_questions_can_be_the_community_nps(app, db, community):
    survey = make_survey(community, SURVEY)
    with pytest.raises(ServiceError):
        edits.set_community_nps(survey, "csat", True)
    edits.set_community_nps(survey, "nps", True)
    assert survey.community_nps_question == "nps"
    edits.set_community_nps(survey, "nps", False)
    assert survey.community_nps_question is None


def test_the_report_shows_themes_surveys_and_recommendations_in_chinese(app, reported):
    html = _report_html(reported)
    for text in ("热点主题", "广告刷屏", "积分兑换", "问卷结果", "十月满意度调查", "改进建议",
                 "社群规则", "[手机号]", "「广告刷屏」改进上线"):
        assert text in html, text
    assert "13812345678" not in html
    assert "本期社群 NPS 为 +40.0（5 份回答），较上期上升 90.0 分" in html
    assert "CSAT 满意率 60.0%（上期 25.0%）" in html
    assert "「广告刷屏」相关反馈由上期 6 条增至 12 条，本期共 12 条，其中负面占 75%" in html


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils")
def test_the_pdf_text_has_the_theme_and_survey_sections(app, reported):
    html = _report_html(reported)
    pdf = report_service.render_document(html).pdf
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,  # noqa: S607
                          check=True).stdout.decode()
    flat = "".join(text.split())
    for expected in ("热点主题", "问卷结果", "改进建议", "广告刷屏", "NPS（净推荐值）",
                     "本期社群NPS为+40.0（5份回答）", "本期共12条，其中负面占75%"):
        assert expected in flat, expected


def test_the_follow_up_reads_actions_taken_since_the_previous_report(app, db, reported):
    previous = report_service.assemble(reported, SEPTEMBER, Period(date(2026, 8, 1),
                                                                   date(2026, 8, 31)))
    recommended = [r.theme_name for r in previous.context.recommendations.items]
    assert "广告刷屏" in recommended
    db.session.add(Report(
        community_id=reported.id, title="九月", period_kind="custom",
        period_start=SEPTEMBER.start, period_end=SEPTEMBER.end,
        previous_start=date(2026, 8, 1), previous_end=date(2026, 8, 31),
        sections=[], status=ReportStatus.READY.value,
        context_json=previous.context.to_json()))
    db.session.commit()
    context = report_service.assemble(reported, OCTOBER, SEPTEMBER).context
    items = {i.theme_name: i for i in context.follow_up.items}
    assert items["广告刷屏"].status == "acted"
    assert items["广告刷屏"].acted_on == date(2026, 10, 10)
    assert items["广告刷屏"].note == "新成员入群先审核"
    assert (items["广告刷屏"].previous_volume, items["广告刷屏"].current_volume) == (6, 12)
    assert all(i.status == "not_acted" for name, i in items.items() if name != "广告刷屏")


def test_reports_never_show_another_communitys_themes_or_surveys(app, db, reported):
    other = make_community(slug="other-club", name="别的社群")
    seed_themes(db, other, [(1, "直播卡顿", "技术与体验",
                             [(date(2026, 10, d), -1, f"直播又卡了 {d}") for d in range(1, 29)]),
                            (7, "隐藏话题", "内容",
                             [(date(2026, 10, d), 0, f"别的社群的话 {d}") for d in range(1, 9)])])
    seed_survey(db, other, title="别家问卷")
    mine, theirs = _report_html(reported), _report_html(other)
    for text in ("直播卡顿", "隐藏话题", "别家问卷", "直播又卡了"):
        assert text not in mine, text
    for text in ("广告刷屏", "积分兑换", "十月满意度调查", "[手机号]"):
        assert text not in theirs, text
    assert "直播卡顿" in theirs and "别家问卷" in theirs


def test_a_community_without_analysis_or_surveys_has_no_such_sections(app, db, community):
    seed_report_community(community, OCTOBER.end)
    assert get_provider("themes").collect(_request(community)) == {}
    assert get_provider("surveys").collect(_request(community)) == {}
    context = report_service.assemble(community, OCTOBER, SEPTEMBER).context
    assert context.themes is None and context.surveys is None
