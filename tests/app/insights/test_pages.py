"""The insight pages as an operator uses them: overview, theme, inbox, queue, corrections,
runs and alerts, in Chinese and English; the forms change what they say."""

from __future__ import annotations

import re

import pytest

from app.models import Correction, InsightTheme, ItemAnalysis, ItemTag, ThemeStatus
from app.services.insights import analysis
from tests.app.insights.conftest import analyse, seed_feedback


@pytest.fixture
def operator_client(client, login_as, analysed):
    login_as("operator")
    return client


def themes(db):
    return db.session.execute(db.select(InsightTheme).where(
        InsightTheme.is_other.is_(False), InsightTheme.status == ThemeStatus.ACTIVE.value)
        .order_by(InsightTheme.size.desc())).scalars().all()


def test_the_overview_lists_themes_with_their_figures(app, db, operator_client, analysed):
    community, _run = analysed
    page = operator_client.get(f"/c/{community.slug}/insights/?period=180d")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for theme in themes(db):
        assert theme.name in html
    assert html.count('class="sparkline"') >= len(themes(db))
    assert "按负面占比" in html and "本期词云" in html
    assert "style=" not in html  # strict CSP: no inline styles
    for sort in ("negative", "growth"):
        assert operator_client.get(f"/c/{community.slug}/insights/?sort={sort}").status_code == 200


def test_the_theme_page_shows_quotes_charts_aspects_and_correction_forms(
        app, db, operator_client, analysed):
    community, _run = analysed
    theme = themes(db)[0]
    page = operator_client.get(f"/c/{community.slug}/insights/themes/{theme.key}?period=180d")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and theme.name in html
    assert "代表性原话" in html and "大家具体在抱怨什么" in html
    assert html.count("<svg") >= 2
    for action in ("rename", "merge", "split", "archive", "act"):
        assert f"/insights/themes/{theme.key}/{action}" in html
    assert operator_client.get(f"/c/{community.slug}/insights/themes/9999").status_code == 404


def test_word_clouds_are_png_images_cached_per_run(app, db, operator_client, analysed):
    community, _run = analysed
    theme = themes(db)[0]
    url = f"/c/{community.slug}/insights/themes/{theme.key}/cloud.png?size=small"
    first = operator_client.get(url)
    assert first.status_code == 200 and first.mimetype == "image/png"
    assert first.data.startswith(b"\x89PNG")
    assert operator_client.get(url).data == first.data
    period = operator_client.get(f"/c/{community.slug}/insights/cloud.png?period=90d")
    assert period.data.startswith(b"\x89PNG")


def test_inbox_search_highlights_the_words_and_keeps_filters_in_paging(
        app, db, operator_client, analysed):
    community, _run = analysed
    html = operator_client.get(f"/c/{community.slug}/insights/inbox?q=积分&sentiment=-1"
                               ).get_data(as_text=True)
    assert "<mark>积分</mark>" in html
    for link in re.findall(r'href="([^"]*after=[^"]*)"', html):
        assert "q=" in link and "sentiment=-1" in link
    empty = operator_client.get(f"/c/{community.slug}/insights/inbox?q=不存在的词语组合")
    assert "没有找到包含这些词的反馈" in empty.get_data(as_text=True)


def test_one_click_labelling_from_the_queue_goes_back_to_the_queue(
        app, db, operator_client, analysed):
    community, run = analysed
    html = operator_client.get(f"/c/{community.slug}/insights/queue").get_data(as_text=True)
    item_id = int(re.search(r'/insights/items/(\d+)/sentiment', html).group(1))
    response = operator_client.post(
        f"/c/{community.slug}/insights/items/{item_id}/sentiment",
        data={"label": "-1", "next": f"/c/{community.slug}/insights/queue"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/c/{community.slug}/insights/queue")
    row = db.session.execute(db.select(ItemAnalysis).where(
        ItemAnalysis.run_id == run.id, ItemAnalysis.feedback_item_id == item_id)).scalar_one()
    db.session.refresh(row)
    assert row.sentiment_label == -1 and row.sentiment_corrected
    html = operator_client.get(f"/c/{community.slug}/insights/queue").get_data(as_text=True)
    assert f"/insights/items/{item_id}/sentiment" not in html


def test_next_links_never_leave_the_site(app, db, operator_client, analysed):
    community, run = analysed
    item_id = db.session.execute(db.select(ItemAnalysis.feedback_item_id)).scalars().first()
    response = operator_client.post(
        f"/c/{community.slug}/insights/items/{item_id}/sentiment",
        data={"label": "1", "next": "//evil.example.com/"})
    assert response.headers["Location"].endswith(f"/c/{community.slug}/insights/inbox")


def test_rename_merge_and_undo_through_the_forms(app, db, operator_client, analysed):
    community, _run = analysed
    big, second = themes(db)[:2]
    base = f"/c/{community.slug}/insights/themes"
    operator_client.post(f"{base}/{big.key}/rename", data={"name": "积分与奖励"})
    operator_client.post(f"{base}/{second.key}/merge", data={"target": str(big.key)})
    db.session.expire_all()
    assert db.session.get(InsightTheme, big.id).name == "积分与奖励"
    assert db.session.get(InsightTheme, second.id).status == ThemeStatus.MERGED
    merge = db.session.execute(db.select(Correction).where(Correction.kind == "merge")
                               ).scalar_one()
    html = operator_client.get(f"/c/{community.slug}/insights/corrections").get_data(
        as_text=True)
    assert "并入" in html and "积分与奖励" in html
    operator_client.post(f"/c/{community.slug}/insights/corrections/{merge.id}/undo")
    db.session.expire_all()
    assert db.session.get(InsightTheme, second.id).status == ThemeStatus.ACTIVE
    bad = operator_client.post(f"{base}/{big.key}/rename", data={"name": ""},
                               follow_redirects=True)
    assert "请填写主题名称" in bad.get_data(as_text=True)


def test_tags_are_saved_from_the_inbox(app, db, operator_client, analysed):
    community, _run = analysed
    item_id = db.session.execute(db.select(ItemAnalysis.feedback_item_id)).scalars().first()
    operator_client.post(f"/c/{community.slug}/insights/items/{item_id}/tags",
                         data={"tags": "待跟进、新人"})
    assert sorted(db.session.execute(db.select(ItemTag.name)).scalars()) == ["待跟进", "新人"]
    html = operator_client.get(f"/c/{community.slug}/insights/inbox?tag=新人").get_data(
        as_text=True)
    assert f'id="item-{item_id}"' in html


def test_runs_page_shows_history_and_a_run_can_be_started(app, db, operator_client, analysed):
    community, run = analysed
    page = operator_client.get(f"/c/{community.slug}/insights/runs").get_data(as_text=True)
    assert f"第 {run.id} 次分析" in page and "首次分析" in page
    response = operator_client.post(f"/c/{community.slug}/insights/runs")
    assert response.status_code == 302
    newest = analysis.current_run(community.id)
    assert newest.id != run.id
    status = operator_client.get(f"/c/{community.slug}/insights/runs/{newest.id}/status")
    assert status.json["status"] == "succeeded" and status.json["progress"] == 1.0


def test_the_pages_speak_english_too(app, db, operator_client, analysed):
    community, _run = analysed
    with operator_client.session_transaction() as session:
        session["lang"] = "en"
    html = operator_client.get(f"/c/{community.slug}/insights/").get_data(as_text=True)
    assert "Themes" in html and "反馈主题" not in html


def test_an_empty_community_gets_a_way_to_start(app, db, client, login_as, community):
    login_as("operator")
    html = client.get(f"/c/{community.slug}/insights/").get_data(as_text=True)
    assert "开始分析" in html
    seed_feedback(community, count=10)
    analyse(community)
    assert client.get(f"/c/{community.slug}/insights/inbox").status_code == 200
