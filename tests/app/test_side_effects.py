"""The side effects of database writes: listed in app.side_effects, attached to the app's own
session and engines, each one taking effect on commit and never on rollback."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from app import side_effects
from app.models import FeedbackItem, Membership, SourceKind
from app.services.accounts import api_credentials
from app.services.accounts import users as accounts
from app.services.insights import hooks
from app.services.insights.feedback import FeedbackInput, insert_new_feedback, prepare_new_feedback
from tests.factories import make_member

APP = Path(__file__).resolve().parents[2] / "app"


def test_every_side_effect_is_listed_in_the_registry():
    names = [effect.name for effect in side_effects.side_effects()]
    assert any(name.startswith("insights:") for name in names)
    assert any(name.startswith("API credentials:") for name in names)
    # Nothing else in the app listens to sessions or connection commits on its own.
    for path in APP.rglob("*.py"):
        if path.name == "side_effects.py":
            continue
        source = path.read_text(encoding="utf-8")
        for needle in ("event.listen(Session", "listens_for(Session", '"after_commit"',
                       '"after_flush"', 'Engine, "commit"', 'Engine, "rollback"'):
            assert needle not in source, f"{path.relative_to(APP.parent)}: {needle}"


def test_listeners_sit_on_the_apps_session_and_engine_not_the_global_classes(app, db):
    for name, handler in side_effects._SESSION_EVENTS:
        assert event.contains(db.session, name, handler)
        assert not event.contains(Session, name, handler)
    for name, handler in side_effects._CONNECTION_EVENTS:
        assert event.contains(db.engine, name, handler)
        assert not event.contains(Engine, name, handler)


def _item(community, key: str, text: str = "直播总是卡顿，希望优化一下") -> FeedbackItem:
    return FeedbackItem(community_id=community.id, source_kind=SourceKind.IMPORT.value,
                        source_key=key, raw_text=text, redacted_text=text)


def test_a_committed_feedback_item_is_due_for_analysis(db, community):
    db.session.add(_item(community, "k:1"))
    db.session.flush()
    assert hooks.take_due(db.session()) == {}  # flushed, not committed: not due yet
    db.session.commit()
    item_id = db.session.execute(db.select(FeedbackItem.id)).scalar_one()
    assert hooks.take_due(db.session()) == {community.id: [item_id]}


def test_a_rolled_back_feedback_item_is_never_due(db, community):
    db.session.add(_item(community, "k:2"))
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert hooks.take_due(db.session()) == {}


def test_a_session_of_its_own_triggers_no_side_effect(db, community):
    with Session(bind=db.engine) as other:
        other.add(_item(community, "k:3"))
        other.commit()
        assert hooks.PENDING not in other.info and hooks.DUE not in other.info


def _plain_rows(community, key: str) -> list[dict]:
    return prepare_new_feedback([FeedbackInput(
        community_id=community.id, source_kind=SourceKind.IMPORT, source_key=key,
        text="积分商城东西太少了")])


def test_rows_inserted_without_the_orm_are_due_once_their_connection_commits(db, community):
    hooks.suppress_due()
    db.session.commit()
    insert_new_feedback(_plain_rows(community, "core:1"))
    assert not getattr(hooks._committed_keys, "keys", None)  # not committed yet
    db.session.commit()
    assert hooks._committed_keys.keys == {(community.id, "core:1")}
    hooks.suppress_due()


def test_rows_inserted_without_the_orm_and_rolled_back_are_forgotten(db, community):
    hooks.suppress_due()
    db.session.commit()
    insert_new_feedback(_plain_rows(community, "core:2"))
    db.session.rollback()
    assert not getattr(hooks._committed_keys, "keys", None)


@pytest.fixture
def cached_secret(db, community):
    operator = make_member(community, "operator")
    secret = accounts.create_api_token(community, operator, "集成").secret
    db.session.commit()
    assert api_credentials.resolve_api_credentials(secret).role.value == "operator"
    return operator, secret


def _cached(secret: str) -> bool:
    return accounts.token_hash(secret) in api_credentials._cache._entries


def test_a_committed_role_change_empties_the_credentials_cache(db, cached_secret):
    operator, secret = cached_secret
    assert _cached(secret)
    membership = db.session.execute(db.select(Membership).where(
        Membership.user_id == operator.id)).scalar_one()
    membership.role = "member"
    db.session.flush()
    assert _cached(secret)  # flushed only
    db.session.commit()
    assert not _cached(secret)
    assert api_credentials.resolve_api_credentials(secret).role.value == "member"


def test_a_rolled_back_role_change_keeps_the_credentials_cache(db, cached_secret):
    operator, secret = cached_secret
    membership = db.session.execute(db.select(Membership).where(
        Membership.user_id == operator.id)).scalar_one()
    membership.role = "member"
    db.session.flush()
    db.session.rollback()
    assert _cached(secret)
