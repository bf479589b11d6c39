"""Results pages checked against hand-computed numbers; export (CSV and XLSX, formulas
defused) that imports back unchanged; imports with bad rows store nothing."""

from __future__ import annotations

import io
import math
import re
from datetime import datetime, timedelta

import pytest
from openpyxl import load_workbook

from app.models import FeedbackItem, Survey, SurveyImport, SurveyResponse
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import responses as runs
from app.storage import file_storage

RESULTS_SURVEY = {
    "schema_version": 1,
    "title": "结果问卷",
    "pages": [{"id": "p1", "title": "全部", "questions": [
        {"id": "group", "type": "single_choice", "title": "你在哪个群？", "required": True,
         "options": [{"id": "a", "label": "一群"}, {"id": "b", "label": "二群"},
                     {"id": "c", "label": "三群"}]},
        {"id": "nps", "type": "nps", "title": "推荐意愿", "required": True},
        {"id": "csat", "type": "csat", "title": "满意度"},
        {"id": "say", "type": "long_text", "title": "想说的话"},
    ]}],
}

ROWS = [  # (group, nps, csat, say, channel)
    ("a", 10, 5, "很好", "wx-1"),
    ("a", 10, 4, "=SUM(A1:A9)", "wx-1"),
    ("a", 9, 4, None, "wx-2"),
    ("b", 8, 3, "@cmd|' /C calc'!A0", "wx-2"),
    ("b", 6, 2, "加我微信 guangying_88 聊聊", None),
    ("c", 3, 5, "+1 直播太卡", "wx-1"),
]


@pytest.fixture
def results_survey(db, survey_factory):
    survey = survey_factory(RESULTS_SURVEY, channels=[("wx-1", "微信1群"), ("wx-2", "微信2群")])
    version, definition = survey_service.live_definition(survey)
    start = datetime(2026, 3, 1, 2, 0)
    for n, (group, nps, csat, say, channel) in enumerate(ROWS):
        answers = {"group": group, "nps": nps, "csat": csat}
        if say:
            answers["say"] = say
        runs.commit_response(survey, version, definition, runs.NewResponse(
            answers=answers, channel=channel, submitted_at=start + timedelta(hours=n * 7)))
    return db.session.get(Survey, survey.id)


def test_the_statistics_page_matches_hand_computed_numbers(client, operator, community,
                                                           results_survey):
    page = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/stats")
    body = page.get_data(as_text=True)
    # NPS: promoters 10,10,9 (3), passives 8 (1), detractors 6,3 (2) of 6.
    p, d, n = 3 / 6, 2 / 6, 6
    nps = 100 * (p - d)
    margin = 1.959963984540054 * 100 * math.sqrt((p + d - (p - d) ** 2) / n)
    assert f"+{nps:.1f}" in body  # +16.7
    low, high = nps - margin, nps + margin
    assert f"−{abs(low):.1f} ～ +{high:.1f}" in body  # the 95% interval
    assert "推荐者（9–10）</dt><dd>3 · 50%" in body
    assert "贬损者（0–6）</dt><dd>2 · 33%" in body
    # CSAT: 5,4,4,5 of 6 are 4 or 5.
    assert "CSAT" in body and "67%" in body
    assert "满意（4–5 分）4 人" in body
    # Single choice: 3 / 2 / 1 of 6.
    assert re.search(r"一群</td><td class=\"num\">3</td><td class=\"num\">50.0%", body)
    assert re.search(r"三群</td><td class=\"num\">1</td><td class=\"num\">16.7%", body)
    # Headline and channels, and charts drawn server-side as SVG.
    assert "<svg" in body and 'role="img"' in body
    assert re.search(r"微信1群</span><meter[^>]*>[^<]*</meter><span class=\"svo-cb-num\">3 · 50%",
                     body)
    assert "未标注渠道" in body


def test_statistics_follow_the_filters(client, operator, community, results_survey):
    body = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/stats",
                      query_string={"channel": "wx-1"}).get_data(as_text=True)
    # wx-1: nps 10, 10, 3 → promoters 2, detractors 1 → +33.3
    assert "+33.3" in body
    listing = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/responses",
                         query_string={"channel": "_none"}).get_data(as_text=True)
    assert "回答 <span class=\"count\">1</span>" in listing or ">1</span>" in listing
    dated = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/responses",
                       query_string={"since": "2026-03-02"}).get_data(as_text=True)
    # 02:00 UTC + 7 h steps are 10:00, 17:00, 00:00, 07:00, 14:00, 21:00 in Asia/Shanghai.
    assert len(re.findall(r"/responses/\d+\">#", dated)) == 4


def test_the_cross_tab_matches_hand_computed_numbers(client, operator, community,
                                                     results_survey):
    body = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/crosstab",
                      query_string={"q": "nps", "by": "group"}).get_data(as_text=True)
    assert "n=3" in body and "n=2" in body and "n=1" in body
    # NPS per column: 一群 +100, 二群 −50 (8 and 6), 三群 −100.
    assert "<strong>+100.0</strong>" in body  # signed, as on the statistics page and charts
    assert "<strong>−50.0</strong>" in body
    assert "<strong>−100.0</strong>" in body
    assert "中立者（7–8）" in body and "被动者" not in body
    # every column has fewer than 30 respondents: each is flagged and its score is hedged
    assert body.count(">样本少<") == 3 and "仅 3 人，仅供参考" in body
    assert "不足 30 人" in body
    # the NPS groups wear the same colours as in the statistics page's NPS chart
    stats = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/stats").get_data(
        as_text=True)
    for colour in ("#2f7d57", "#d5d9de", "#b8412f"):
        assert colour in body and colour in stats
    by_channel = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/crosstab",
                            query_string={"q": "csat", "by": "@channel"}).get_data(as_text=True)
    assert "微信1群" in by_channel and "未标注渠道" in by_channel and "CSAT %" in by_channel


def test_open_answers_are_feedback_items_with_pii_redacted(client, db, operator, community,
                                                           results_survey):
    items = db.session.execute(db.select(FeedbackItem).order_by(FeedbackItem.id)).scalars().all()
    assert len(items) == 5
    wechat = next(i for i in items if "guangying" in i.raw_text)
    assert "guangying_88" not in wechat.redacted_text and "wechat" in wechat.pii_kinds
    assert wechat.source_kind == "survey_answer"
    assert wechat.source_ref["survey_id"] == results_survey.id
    assert wechat.source_ref["question_id"] == "say"
    assert wechat.source_key == (f"survey:{results_survey.id}:response:"
                                 f"{wechat.source_ref['response_id']}:say")
    body = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/open-answers"
                      ).get_data(as_text=True)
    assert "共 5 条" in body and "[微信号]" in body and "guangying_88" not in body
    assert f"反馈 #{wechat.id}" in body
    assert f"/responses/{wechat.source_ref['response_id']}#q-say" in body
    detail = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/responses/"
                        f"{wechat.source_ref['response_id']}").get_data(as_text=True)
    assert f"反馈 #{wechat.id}" in detail and "二群" in detail


def test_export_defuses_formulas_and_imports_back_unchanged(client, db, operator, community,
                                                            results_survey, survey_factory):
    csv_bytes = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/export.csv").data
    text = csv_bytes.decode("utf-8-sig")
    assert "'=SUM(A1:A9)" in text and "'@cmd" in text and "'+1 直播太卡" in text
    assert "推荐意愿 [nps]" in text and "你在哪个群？ [group]" in text
    xlsx = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/export.xlsx").data
    sheet = load_workbook(io.BytesIO(xlsx)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert any(c.value == "'=SUM(A1:A9)" and c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for c in cells)
    # Import the export into a copy of the survey: the same answers come back.
    copy = survey_factory(RESULTS_SURVEY, channels=[("wx-1", "微信1群"), ("wx-2", "微信2群")])
    upload = client.post(f"/c/{community.slug}/surveys/{copy.id}/import", data={
        "file": (io.BytesIO(csv_bytes), "export.csv")}, content_type="multipart/form-data")
    assert upload.status_code == 302
    imp = db.session.execute(db.select(SurveyImport)).scalar_one()
    stored = imp.file_key
    assert imp.data is None and file_storage().get(stored) == csv_bytes
    mapping_page = client.get(upload.headers["Location"]).get_data(as_text=True)
    chosen = dict(re.findall(r'name="(col-\d+)".*?<option value="([^"]+)" selected', mapping_page,
                             re.S))
    assert chosen["col-3"] == "group" and chosen["col-0"] == "@id"
    run = client.post(upload.headers["Location"], data={**chosen, "enforce_required": "y"})
    assert run.status_code == 302
    db.session.expire_all()
    imp = db.session.get(SurveyImport, imp.id)
    assert imp.status == "done" and imp.imported_count == 6 and imp.data is None
    assert imp.file_key is None and not file_storage().exists(stored)

    def rows(survey_id):
        return sorted((r.answers["group"], r.answers["nps"], r.answers.get("say"), r.channel,
                       r.submitted_at.replace(microsecond=0)) for r in
                      db.session.execute(db.select(SurveyResponse).where(
                          SurveyResponse.survey_id == survey_id)).scalars())

    assert rows(copy.id) == rows(results_survey.id)
    imported = db.session.execute(db.select(SurveyResponse).where(
        SurveyResponse.survey_id == copy.id)).scalars().all()
    assert {r.source for r in imported} == {"import"}
    assert {r.external_id for r in imported} == {str(r.id) for r in db.session.execute(
        db.select(SurveyResponse).where(SurveyResponse.survey_id == results_survey.id)).scalars()}
    assert db.session.get(Survey, copy.id).response_count == 6
    copied_feedback = db.session.execute(db.select(db.func.count(FeedbackItem.id)).where(
        FeedbackItem.source_key.like(f"survey:{copy.id}:%"))).scalar_one()
    assert copied_feedback == 5
    # Undo removes the responses and their feedback items again.
    client.post(f"/c/{community.slug}/surveys/{copy.id}/import/{imp.id}/undo", data={})
    assert rows(copy.id) == []
    assert db.session.execute(db.select(db.func.count(FeedbackItem.id)).where(
        FeedbackItem.source_key.like(f"survey:{copy.id}:%"))).scalar_one() == 0


WJX_CSV = (
    "序号,提交答卷时间,1、你在哪个群？,2、推荐意愿,3、满意度,4、想说的话,来源IP\n"
    "1,2026/3/5 10:00:00,一群,9,满意,很好,1.2.3.4\n"
    "2,2026/3/5 11:00:00,二群,11,满意,太贵,1.2.3.5\n"
    "3,2026/3/5 12:00:00,,5,非常满意,(跳过),1.2.3.6\n"
    "4,2026/3/5 13:00:00,四群,7,满意,好,1.2.3.7\n"
)


def test_an_import_with_bad_rows_reports_row_numbers_and_stores_nothing(client, db, operator,
                                                                         community,
                                                                         survey_factory):
    survey = survey_factory(RESULTS_SURVEY)
    upload = client.post(f"/c/{community.slug}/surveys/{survey.id}/import", data={
        "file": (io.BytesIO(WJX_CSV.encode("gbk")), "问卷星导出.csv")},
        content_type="multipart/form-data")
    assert upload.status_code == 302
    page = client.get(upload.headers["Location"]).get_data(as_text=True)
    # Suggestions: numbered titles and 问卷星 metadata columns; the IP column is never mapped.
    chosen = dict(re.findall(r'name="(col-\d+)".*?<option value="([^"]+)" selected', page,
                             re.S))
    assert chosen == {"col-0": "@id", "col-1": "@submitted_at", "col-2": "group",
                      "col-3": "nps", "col-4": "csat", "col-5": "say"}
    result = client.post(upload.headers["Location"], data={**chosen, "enforce_required": "y"},
                         follow_redirects=True)
    body = result.get_data(as_text=True)
    assert "发现 3 处错误，没有导入任何数据" in body
    assert re.search(r"<td>3</td><td>D</td>.*?请填写 0 到 10 之间的值", body, re.S)
    assert re.search(r"<td>4</td><td>C</td>.*?此题为必答题", body, re.S)
    assert re.search(r"<td>5</td><td>C</td>.*?四群", body, re.S)
    assert db.session.execute(db.select(db.func.count(SurveyResponse.id))).scalar_one() == 0
    assert db.session.execute(db.select(db.func.count(FeedbackItem.id))).scalar_one() == 0
    assert db.session.execute(db.select(SurveyImport.status)).scalar_one() == "failed"


def test_unreadable_and_oversized_uploads_are_refused_clearly(app, client, db, operator,
                                                              community, survey_factory,
                                                              monkeypatch):
    from app.services.surveys import importing as survey_import

    survey = survey_factory(RESULTS_SURVEY)
    url = f"/c/{community.slug}/surveys/{survey.id}/import"
    xls = client.post(url, data={"file": (io.BytesIO(b"\xd0\xcf\x11\xe0rest"), "old.xls")},
                      content_type="multipart/form-data")
    assert "不支持的文件格式" in xls.get_data(as_text=True)
    empty = client.post(url, data={"file": (io.BytesIO(b"a,b\n"), "empty.csv")},
                        content_type="multipart/form-data")
    assert "只有表头，没有数据行" in empty.get_data(as_text=True)
    monkeypatch.setattr(survey_import, "MAX_UPLOAD_BYTES", 50)
    big = client.post(url, data={"file": (io.BytesIO(WJX_CSV.encode()), "big.csv")},
                      content_type="multipart/form-data")
    assert "文件超过 10 MB" in big.get_data(as_text=True)
    app.config["MAX_CONTENT_LENGTH"] = 2048
    huge = client.post(url, data={"file": (io.BytesIO(b"x" * 5000), "huge.csv")},
                       content_type="multipart/form-data")
    assert huge.status_code == 413 and "提交的内容太大了" in huge.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(SurveyImport.id))).scalar_one() == 0


def test_deleting_a_response_removes_its_feedback(client, db, operator, community,
                                                  results_survey):
    response_id = db.session.execute(db.select(SurveyResponse.id).order_by(SurveyResponse.id)
                                     ).scalars().first()
    client.post(f"/c/{community.slug}/surveys/{results_survey.id}/responses/{response_id}/delete",
                data={})
    db.session.expire_all()
    assert db.session.get(SurveyResponse, response_id) is None
    assert db.session.get(Survey, results_survey.id).response_count == 5
    assert db.session.execute(db.select(db.func.count(FeedbackItem.id))).scalar_one() == 4
    stats = client.get(f"/c/{community.slug}/surveys/{results_survey.id}/stats")
    assert "回答数</span>\n    <span class=\"stat-value\">5</span>" in stats.get_data(as_text=True)


def test_exports_name_the_channels_and_give_times_to_the_second(client, db, operator, community,
                                                                 survey_factory):
    survey = survey_factory(RESULTS_SURVEY, channels=[("wx-group-1", "微信1群")])
    version, definition = survey_service.live_definition(survey)
    for channel in ("wx-group-1", "moments"):
        runs.commit_response(survey, version, definition, runs.NewResponse(
            answers={"group": "a", "nps": 9}, channel=channel,
            submitted_at=datetime(2026, 3, 1, 2, 0, 5, 123456)))
    text = client.get(f"/c/{community.slug}/surveys/{survey.id}/export.csv").data.decode(
        "utf-8-sig")
    lines = text.splitlines()[1:]
    assert any(",微信1群," in line for line in lines) and "wx-group-1" not in text
    assert any(",moments," in line for line in lines)  # a code nobody named stays as it is
    assert "2026-03-01 10:00:05+08:00" in text and ".123456" not in text
    xlsx = client.get(f"/c/{community.slug}/surveys/{survey.id}/export.xlsx").data
    values = [c.value for row in load_workbook(io.BytesIO(xlsx)).active.iter_rows() for c in row]
    assert "微信1群" in values and "wx-group-1" not in values
    assert all(v.microsecond == 0 for v in values if isinstance(v, datetime))


def test_two_segments_are_compared_with_a_significance_test_in_plain_words(
        client, operator, community, results_survey):
    base = f"/c/{community.slug}/surveys/{results_survey.id}/crosstab"
    page = client.get(base, query_string={"q": "nps", "by": "@channel"}).get_data(as_text=True)
    assert "分组对比" in page and '<option value="wx-1" selected>微信1群</option>' in page
    compared = client.get(base, query_string={"q": "nps", "by": "@channel", "a": "wx-1",
                                              "b": "wx-2"}).get_data(as_text=True)
    # 微信1群: 10, 10, 3 → NPS +33.3; 微信2群: 9, 8 → +50.0
    assert "「微信1群」（3 人）的 NPS 为 +33.3，「微信2群」（2 人）为 +50.0，低 16.7 分" in compared
    assert "差异不显著" in compared and "不足 30 人，结论仅供参考" in compared
    assert "NPS 差异的 z 检验" in compared
    by_group = client.get(base, query_string={"q": "csat", "by": "group", "a": "a", "b": "b"}
                          ).get_data(as_text=True)
    assert "两比例 z 检验" in by_group
    assert "「一群」（3 人）的 CSAT 满意率为 100.0%，「二群」（2 人）为 0.0%" in by_group
    one = client.get(base, query_string={"q": "csat", "by": "group", "a": "a", "b": "c"})
    assert "「三群」只有 1 人作答，回答太少，无法检验" in one.get_data(as_text=True)
    same = client.get(base, query_string={"q": "nps", "by": "group", "a": "a", "b": "a"})
    assert same.status_code == 200 and "请选择两个不同的分组" in same.get_data(as_text=True)
    text_question = client.get(base, query_string={"q": "say", "by": "group"})
    assert "分组对比" not in text_question.get_data(as_text=True)


def test_the_community_keeps_its_channel_presets_for_new_surveys(client, db, operator,
                                                                  community, survey_factory):
    survey = survey_factory(RESULTS_SURVEY)
    share = f"/c/{community.slug}/surveys/{survey.id}"
    saved = client.post(f"{share}/channels", data={
        "channels-0-key": "wx-group-1", "channels-0-label": "微信1群",
        "channels-1-key": "moments", "channels-1-label": "朋友圈", "as_presets": "y"})
    assert saved.status_code == 302
    db.session.expire_all()
    assert db.session.get(Survey, survey.id).channel_labels() == {"wx-group-1": "微信1群",
                                                                  "moments": "朋友圈"}
    created = client.post(f"/c/{community.slug}/surveys/new",
                          data={"source": "template:event_feedback", "access_mode": "anonymous"})
    assert created.status_code == 302
    newest = db.session.execute(db.select(Survey).order_by(Survey.id.desc())).scalars().first()
    assert newest.channel_labels() == {"wx-group-1": "微信1群", "moments": "朋友圈"}
    # a survey made before the presets offers to add the ones it lacks, without re-typing
    older = survey_factory(RESULTS_SURVEY, channels=[("qq-group", "QQ群")])
    page = client.get(f"/c/{community.slug}/surveys/{older.id}/share").get_data(as_text=True)
    assert "添加社群常用渠道（2 个）" in page and "微信1群、朋友圈" in page
    client.post(f"/c/{community.slug}/surveys/{older.id}/channels", data={"use_presets": "1"})
    db.session.expire_all()
    assert list(db.session.get(Survey, older.id).channel_labels()) == [
        "qq-group", "wx-group-1", "moments"]
    # a bad preset is refused and nothing is stored
    client.post(f"{share}/channels", data={"channels-0-key": "Bad Key!",
                                           "channels-0-label": "坏", "as_presets": "y"})
    db.session.expire_all()
    assert newest.community.setting("channel_presets") == [
        {"key": "wx-group-1", "label": "微信1群"}, {"key": "moments", "label": "朋友圈"}]
