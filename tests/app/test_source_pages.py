"""Every page of the box, notifications and interviews renders in Chinese and English, with
no inline scripts or styles (the CSP forbids them) and no external assets."""

from __future__ import annotations

import re

from app.services.interviews import records as interviews
from app.services.suggestions import board, triage
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import enable_board, image_bytes, make_interview, make_suggestion

NOTES = "## 你怎么看群里的广告？\n\n广告**太多**了，[详见](https://example.com)。\n\n- 希望审核"


def _pages(slug, suggestion, code, interview, guide):
    return [
        f"/c/{slug}/box", f"/c/{slug}/box/mine", f"/c/{slug}/board", f"/c/{slug}/s/{suggestion.id}",
        f"/c/{slug}/t/{code}", f"/c/{slug}/track", f"/c/{slug}/changes",
        f"/c/{slug}/notifications", f"/c/{slug}/suggestions",
        f"/c/{slug}/suggestions/{suggestion.id}",
        f"/c/{slug}/suggestions/settings", f"/c/{slug}/interviews",
        f"/c/{slug}/interviews/{interview.id}", f"/c/{slug}/interviews/{interview.id}/edit",
        f"/c/{slug}/interviews/new", f"/c/{slug}/interviews/guides",
        f"/c/{slug}/interviews/guides/{guide.id}", f"/c/{slug}/interviews/highlights",
        f"/c/{slug}/s/{suggestion.id}/edit",
    ]


def test_pages_render_in_both_languages_without_inline_code_or_external_assets(
        app, db, client, community):
    enable_board(community)
    admin = make_member(community, "admin")
    suggestion, code = make_suggestion(community, author=admin, title="直播回放",
                                       images=[image_bytes()])
    other, _ = make_suggestion(community, author=admin, content="直播太卡了")
    triage.merge(other, suggestion, actor=admin)
    triage.change_status(suggestion, status="new", reply="能说说具体时间吗？", actor=admin)
    board.add_comment(suggestion, admin, "同意")
    guide = interviews.create_guide(community, title="提纲", questions="问题一", actor=admin)
    interview = make_interview(community, actor=admin, notes=NOTES, tags="广告")
    interviews.create_highlight(interview, paragraph_index=1, quote="广告太多了", actor=admin)
    db.session.commit()
    sign_in(client, admin)
    for lang in ("zh_CN", "en"):
        client.post("/set-language", data={"lang": lang, "next": "/"})
        for url in _pages(community.slug, suggestion, code, interview, guide):
            response = client.get(url)
            assert response.status_code == 200, url
            page = response.get_data(as_text=True)
            assert "<script>" not in page and " style=" not in page, url
            assert not re.search(r"<script(?![^>]*\bsrc=\"/static/)", page), url
            assert "http://" not in page.replace("http://www.w3.org", "").replace(
                "http://localhost", ""), url
            assert re.search(r'(src|href)="https?://(?!example\.com)', page) is None, url
            if lang == "en":
                assert 'lang="en"' in page
        if lang == "en":
            assert "Suggestion box" in client.get(f"/c/{community.slug}/box").get_data(
                as_text=True)
