"""Duplicates (issue 15, item 7): the same import file is recognised with a choice to import
it again anyway, and a double click on the suggestion box makes one suggestion whose tracking
page both posts get, never someone else's."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from unittest import mock

import pytest

from app.models import MetricImport, Suggestion, SurveyImport, SurveyResponse, utcnow
from app.services.suggestions import submissions
from tests.factories import make_survey

SURVEY = {"schema_version": 1, "title": "导入", "pages": [{"id": "p1", "title": "一", "questions": [
    {"id": "nps", "type": "nps", "title": "推荐意愿"},
    {"id": "say", "type": "long_text", "title": "想说的话"}]}]}
CSV = "序号,推荐意愿,想说的话\n1,9,很好\n2,3,太卡了\n".encode()
METRICS = "日期,活跃人数\n2026-10-01,812\n2026-10-02,790\n".encode()


def _count(db, model) -> int:
    return db.session.execute(db.select(db.func.count(model.id))).scalar_one()


def _upload(client, url, data, name="a.csv", **fields):
    return client.post(url, data={"file": (io.BytesIO(data), name), **fields},
                       content_type="multipart/form-data")


def _import_survey_file(client, url):
    upload = _upload(client, url, CSV)
    assert upload.status_code == 302, upload.get_data(as_text=True)
    page = client.get(upload.headers["Location"]).get_data(as_text=True)
    chosen = dict(re.findall(r'name="(col-\d+)".*?<option value="([^"]+)" selected', page, re.S))
    assert client.post(upload.headers["Location"], data=chosen).status_code == 302
    return upload.headers["Location"]


def test_the_same_survey_file_is_recognised_and_imported_again_only_on_request(
        client, db, community, login_as):
    login_as("operator")
    survey = make_survey(community, SURVEY)
    db.session.commit()
    url = f"/c/{community.slug}/surveys/{survey.id}/import"
    _import_survey_file(client, url)
    assert _count(db, SurveyResponse) == 2
    again = _upload(client, url, CSV, "同一个文件.csv")
    page = again.get_data(as_text=True)
    assert again.status_code == 200 and "这个文件已经导入过" in page and "2 份回答" in page
    assert 'name="again"' in page  # the explicit choice is offered
    assert _count(db, SurveyImport) == 1
    forced = _upload(client, url, CSV, "同一个文件.csv", again="y")
    assert forced.status_code == 302
    assert _count(db, SurveyImport) == 2


def test_an_undone_import_does_not_block_the_same_file(client, db, community, login_as):
    login_as("operator")
    survey = make_survey(community, SURVEY)
    db.session.commit()
    url = f"/c/{community.slug}/surveys/{survey.id}/import"
    detail = _import_survey_file(client, url)
    client.post(detail + "/undo", data={})
    assert _count(db, SurveyResponse) == 0
    assert _upload(client, url, CSV).status_code == 302


def test_the_same_metrics_file_is_recognised_and_imported_again_only_on_request(
        client, db, community, login_as):
    login_as("operator")
    url = f"/c/{community.slug}/metrics/import"
    upload = _upload(client, url, METRICS)
    assert upload.status_code == 302
    record = db.session.execute(db.select(MetricImport)).scalar_one()
    assert client.post(upload.headers["Location"], data={
        "date_column": "0", "col-1": "dau"}).status_code in (200, 302)
    db.session.refresh(record)
    assert record.status == "applied", record.errors
    again = _upload(client, url, METRICS).get_data(as_text=True)
    assert "这个文件已经导入过" in again and 'name="again"' in again
    assert _count(db, MetricImport) == 1
    assert _upload(client, url, METRICS, again="y").status_code == 302
    assert _count(db, MetricImport) == 2


# --- the suggestion box ----------------------------------------------------------------------


def _box_key(client, slug) -> str:
    page = client.get(f"/c/{slug}/box").get_data(as_text=True)
    return re.search(r'name="submission_key" type="hidden" value="([^"]+)"', page).group(1)


def _post_box(client, slug, key, **data):
    form = {"content": "直播课经常卡顿，希望提供回放", "category": "技术与体验",
            "submission_key": key, **data}
    return client.post(f"/c/{slug}/box", data=form, content_type="multipart/form-data")


def _receipt_code(client, slug) -> str:
    page = client.get(f"/c/{slug}/box/thanks").get_data(as_text=True)
    return re.search(r'id="tracking-code">([A-Z0-9-]+)<', page).group(1)


@pytest.mark.parametrize("anonymous", ["y", ""])
def test_a_double_click_on_the_box_makes_one_suggestion_and_shows_its_page_twice(
        client, db, community, login_as, anonymous):
    login_as("member")
    key = _box_key(client, community.slug)
    first = _post_box(client, community.slug, key, anonymous=anonymous)
    assert first.headers["Location"].endswith("/box/thanks")
    code = _receipt_code(client, community.slug)
    second = _post_box(client, community.slug, key, anonymous=anonymous)
    assert second.headers["Location"].endswith("/box/thanks")
    assert _receipt_code(client, community.slug) == code
    assert _count(db, Suggestion) == 1
    suggestion = db.session.execute(db.select(Suggestion)).scalar_one()
    assert key not in (suggestion.submission_key_hash, suggestion.tracking_code_sealed)
    assert code.replace("-", "") not in suggestion.tracking_code_sealed.upper()


def test_each_opened_form_gets_its_own_key(client, db, community, login_as):
    login_as("member")
    first, second = _box_key(client, community.slug), _box_key(client, community.slug)
    assert first != second
    _post_box(client, community.slug, first)
    _post_box(client, community.slug, second)
    assert _count(db, Suggestion) == 2


def test_another_member_with_the_key_never_gets_the_first_ones_page(client, db, community,
                                                                    login_as):
    login_as("member")
    key = _box_key(client, community.slug)
    _post_box(client, community.slug, key)  # signed, so it has an author
    _receipt_code(client, community.slug)
    login_as("member")  # someone else on the same browser
    replay = _post_box(client, community.slug, key)
    assert replay.headers["Location"].endswith("/box")
    assert client.get(f"/c/{community.slug}/box/thanks").status_code == 302  # no receipt
    assert _count(db, Suggestion) == 1


def test_a_replay_after_the_window_is_refused_without_the_page(client, db, community,
                                                               login_as):
    login_as("member")
    key = _box_key(client, community.slug)
    _post_box(client, community.slug, key, anonymous="y")
    _receipt_code(client, community.slug)
    later = utcnow() + submissions.RESUBMIT_WINDOW + timedelta(seconds=1)
    with mock.patch.object(submissions, "utcnow", return_value=later):
        replay = _post_box(client, community.slug, key, anonymous="y")
    assert replay.headers["Location"].endswith("/box")
    assert client.get(f"/c/{community.slug}/box/thanks").status_code == 302
    assert _count(db, Suggestion) == 1


def test_a_second_post_racing_the_first_gets_its_page(client, db, community, login_as):
    """Both posts pass the first look-up; the second one's insert hits the unique key."""
    login_as("member")
    key = _box_key(client, community.slug)
    _post_box(client, community.slug, key, anonymous="y")
    code = _receipt_code(client, community.slug)
    real = submissions.earlier_submission
    calls = []

    def late_lookup(*args):
        calls.append(1)
        return None if len(calls) == 1 else real(*args)

    with mock.patch.object(submissions, "earlier_submission", side_effect=late_lookup):
        second = _post_box(client, community.slug, key, anonymous="y")
    assert second.headers["Location"].endswith("/box/thanks") and len(calls) == 2
    assert _receipt_code(client, community.slug) == code
    assert _count(db, Suggestion) == 1
