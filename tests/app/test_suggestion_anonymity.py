"""Anonymity: an anonymous submission leaves no identity that the team could reach (through any
page or the API) and no client address in any table or log line."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import inspect, text

from app.models import AuditEntry, FeedbackItem, Suggestion, SuggestionFollow, SuggestionVote
from app.services.accounts import users as accounts
from app.services.suggestions import triage
from tests.conftest import sign_in
from tests.factories import make_member
from tests.factories_sources import enable_board

CLIENT_ADDRESS = "203.0.113.77"


def all_rows(db) -> list[tuple[str, str]]:
    """Every row of every table as text, with its table name."""
    rows = []
    with db.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608 - our tables
                rows.append((table, " ".join(str(v) for v in row)))
    return rows


def user_references(db, user_id: int) -> dict[str, int]:
    """How often each foreign key to users points at this person (their own account and
    membership rows aside)."""
    found = {}
    for table in db.metadata.sorted_tables:
        if table.name in ("users", "memberships"):
            continue
        for column in table.columns:
            if any(fk.column.table.name == "users" for fk in column.foreign_keys):
                n = db.session.execute(
                    db.select(db.func.count()).select_from(table).where(column == user_id)
                ).scalar_one()
                if n:
                    found[f"{table.name}.{column.name}"] = n
    return found


def from_address(app):
    """A test client whose requests come from ``CLIENT_ADDRESS``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = CLIENT_ADDRESS
    return client


@pytest.fixture
def app_config():
    return {"RATELIMIT_ENABLED": True}


@pytest.fixture
def people(db, community):
    enable_board(community, anonymous_visitors=True)
    member = make_member(community, display_name="隐身的阿青", email="secret.member@example.org")
    operator = make_member(community, "operator")
    admin = make_member(community, "admin")
    db.session.commit()
    return member, operator, admin


def test_an_anonymous_member_leaves_no_identity_and_no_address_anywhere(
        app, db, community, people, caplog):
    member, operator, admin = people
    client = from_address(app)
    before = user_references(db, member.id)
    sign_in(client, member)
    with caplog.at_level(logging.DEBUG):
        response = client.post(f"/c/{community.slug}/box", data={
            "content": "群主处理广告不公平，只踢新人不管老成员", "category": "群规与秩序",
            "anonymous": "y"})
        assert response.status_code == 302
        page = client.get(f"/c/{community.slug}/box/thanks").get_data(as_text=True)
        code = re.search(r'id="tracking-code">([A-Z0-9-]+)<', page).group(1).replace("-", "")
        client.post(f"/c/{community.slug}/t/{code}/answer", data={"body": "补充：上周三的事"})
        # A visitor too, from the same address.
        visitor = from_address(app)
        visitor.post(f"/c/{community.slug}/box", data={"content": "直播太卡", "category": "其他"})
    suggestion = db.session.execute(
        db.select(Suggestion).where(Suggestion.content.like("群主%"))).scalar_one()
    assert suggestion.author_id is None
    assert user_references(db, member.id) == before, "nothing new points at the member"
    assert not db.session.execute(db.select(SuggestionFollow)).first()
    assert not db.session.execute(db.select(SuggestionVote)).first()
    items = db.session.execute(db.select(FeedbackItem)).scalars().all()
    assert items and all(i.author_id is None for i in items)
    audits = db.session.execute(db.select(AuditEntry).where(
        AuditEntry.target_type == "suggestion")).scalars().all()
    assert audits and all(a.actor_id is None for a in audits)
    for table, row in all_rows(db):
        assert CLIENT_ADDRESS not in row, f"client address stored in {table}"
    for record in caplog.records:
        assert CLIENT_ADDRESS not in record.getMessage()
    assert CLIENT_ADDRESS not in caplog.text
    # The member's own list does not know about it either.
    mine = client.get(f"/c/{community.slug}/box/mine").get_data(as_text=True)
    assert "群主处理广告不公平" not in mine


def test_operators_cannot_reach_an_anonymous_submitter_through_any_page_or_the_api(
        app, db, client, community, people):
    member, operator, admin = people
    sign_in(client, member)
    client.post(f"/c/{community.slug}/box", data={
        "content": "群主处理广告不公平", "category": "群规与秩序", "anonymous": "y"})
    suggestion = db.session.execute(db.select(Suggestion)).scalar_one()
    triage.change_status(suggestion, status="in_progress", reply="我们会复盘", actor=operator)
    db.session.commit()
    secrets = [member.display_name, member.email, f"/members/{member.id}"]
    sign_in(client, admin)
    slug = community.slug
    pages = [
        f"/c/{slug}/suggestions", f"/c/{slug}/suggestions/{suggestion.id}",
        f"/c/{slug}/suggestions?q=群主", f"/c/{slug}/s/{suggestion.id}", f"/c/{slug}/board",
        f"/c/{slug}/audit", f"/c/{slug}/notifications", f"/c/{slug}/changes", f"/c/{slug}/",
    ]
    for url in pages:
        body = client.get(url).get_data(as_text=True)
        assert "群主处理广告不公平" in body or url.endswith(("/audit", "/notifications",
                                                           "/changes", f"/c/{slug}/"))
        for secret in secrets:
            assert secret not in body, f"{secret!r} leaks on {url}"
    similar = client.post(f"/c/{slug}/box/similar", json={"text": "群主处理广告不公平的问题"})
    assert member.display_name not in similar.get_data(as_text=True)
    token = accounts.create_api_token(community, admin, "看板").secret
    db.session.commit()
    api = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert member.email not in api.get_data(as_text=True)
    # Members on the board do not see it either.
    sign_in(client, operator)
    assert "匿名" in client.get(f"/c/{slug}/suggestions/{suggestion.id}").get_data(as_text=True)
