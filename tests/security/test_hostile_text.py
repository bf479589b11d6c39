"""Hostile characters: a NUL in a search, lone surrogates and absurdly deep JSON to the API,
NUL and bidi-override characters typed into forms. None of them may cause a 500 or be
stored as typed."""

from __future__ import annotations

import json

import pytest

from app.models import FeedbackItem, SearchText, SourceKind, Suggestion
from app.security.text_input import clean_text, json_depth_exceeds
from app.services.accounts import users as accounts
from app.services.insights import inbox
from app.services.insights.feedback import FeedbackInput, record_feedback
from app.services.insights.inbox import InboxFilters
from app.services.insights.search import index_items
from tests.factories import make_member


@pytest.fixture
def api_headers(db, community):
    operator = make_member(community, "operator")
    db.session.commit()
    secret = accounts.create_api_token(community, operator, "t").secret
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_clean_text_drops_controls_and_bidi_overrides_but_keeps_lines():
    assert clean_text("好\x00评\u202e\u2066ok\u2069") == "好评ok"
    assert clean_text("第一行\n第二行\t完") == "第一行\n第二行\t完"
    assert clean_text("\ud800坏") == "\ufffd坏"
    assert clean_text("plain ascii") == "plain ascii"


@pytest.mark.parametrize("query", ["\x00", "积分\x00", "\x00\x01\"*"])
def test_a_nul_in_the_search_finds_nothing_instead_of_failing(app, db, community, query):
    item = record_feedback(FeedbackInput(community_id=community.id,
                                         source_kind=SourceKind.IMPORT, source_key="a",
                                         text="积分兑换的商品太少了"))
    db.session.commit()
    index_items([item])
    db.session.commit()
    assert db.session.execute(db.select(db.func.count(SearchText.feedback_item_id))).scalar()
    rows = inbox.page(community, InboxFilters(q=query)).rows
    assert all("积分" in r.item.redacted_text for r in rows)


def test_a_nul_in_the_inbox_query_string_is_not_a_server_error(app, client, db, community,
                                                               login_as):
    login_as("operator")
    response = client.get(f"/c/{community.slug}/insights/inbox?q=%00")
    assert response.status_code == 200


def test_a_lone_surrogate_in_api_json_is_not_a_server_error(app, client, db, community,
                                                           api_headers):
    body = '{"points": [{"key": "\\ud800", "day": "2026-01-01", "value": 1}]}'
    response = client.post("/api/v1/metrics", data=body, content_type="application/json",
                           headers=api_headers)
    assert response.status_code < 500
    assert response.get_json()["success"] is False


def test_deeply_nested_api_json_is_refused_as_invalid(app, client, db, community, api_headers):
    body = "[" * 100_000 + "]" * 100_000
    assert json_depth_exceeds(body)
    assert not json_depth_exceeds(json.dumps({"a": [{"b": "[[[[" * 50}]}))
    response = client.post("/api/v1/metrics", data=body, content_type="application/json",
                           headers=api_headers)
    assert response.status_code == 400
    assert response.get_json()["success"] is False


def test_nul_and_bidi_overrides_typed_into_the_box_are_not_stored(app, client, db, community,
                                                                  login_as):
    login_as("member")
    response = client.post(f"/c/{community.slug}/box", data={
        "content": "食堂\x00的饭菜\u202e太咸了，希望少放点盐", "title": "饭菜\u2066太咸",
        "category": "技术与体验"},
        content_type="multipart/form-data", follow_redirects=False)
    assert response.status_code in (302, 303)
    suggestion = db.session.execute(db.select(Suggestion)).scalar_one()
    assert suggestion.content == "食堂的饭菜太咸了，希望少放点盐"
    assert "\u2066" not in (suggestion.title or "")
    item = db.session.execute(db.select(FeedbackItem)).scalar_one()
    assert "\x00" not in item.raw_text and "\u202e" not in item.redacted_text


def test_imported_feedback_is_cleaned_too(app, db, community):
    item = record_feedback(FeedbackInput(community_id=community.id,
                                         source_kind=SourceKind.IMPORT, source_key="x",
                                         text="导入\x00的\u202e文本"))
    db.session.commit()
    assert item.raw_text == "导入的文本"
