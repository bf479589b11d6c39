"""Fixtures for the insight workspace: generated feedback from the demo story, and analyses
run with the real pipeline (the shipped sentiment model, loaded once)."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from app.demo.vocab import CHANNELS, THEMES_BY_KEY, compose, sentiment_for
from app.extensions import db
from app.models import AnalysisRun, FeedbackItem, Membership, SourceKind, utcnow
from app.services.insights.feedback import FeedbackInput, record_feedback
from tests.conftest import sentiment_model_cache
from tests.factories import make_member

STORY = ("ads", "points", "live", "content", "events")


@pytest.fixture(scope="session", autouse=True)
def trained_sentiment_model():
    """Load the shipped sentiment model once per test process."""
    from app.services.insights import engine

    return engine.load_or_train_locked(sentiment_model_cache())


def seed_feedback(community, *, count: int = 100, weeks: int = 12, seed: int = 3,
                  members=None, anonymous_share: float = 0.3,
                  kind: SourceKind = SourceKind.IMPORT, themes=STORY, key_prefix: str = "t",
                  end=None) -> list[FeedbackItem]:
    """``count`` messages from the demo story, spread over the last ``weeks`` weeks."""
    rng = random.Random(seed)
    end = end or utcnow()
    items = []
    for i in range(count):
        theme = THEMES_BY_KEY[themes[i % len(themes)]]
        text = compose(theme, sentiment_for(theme, rng), rng, with_wish=0.3)
        author = None
        if members and rng.random() >= anonymous_share:
            author = rng.choice(members)
        items.append(record_feedback(FeedbackInput(
            community_id=community.id, source_kind=kind, source_key=f"{key_prefix}:{i}",
            text=text, channel=rng.choice(CHANNELS), author_id=author.id if author else None,
            occurred_at=end - timedelta(days=rng.uniform(0, weeks * 7)),
        )))
    db.session.commit()
    return items


def add_item(community, text: str, *, key: str, kind: SourceKind = SourceKind.IMPORT,
             author=None, when=None, channel: str | None = None) -> FeedbackItem:
    """One feedback item."""
    item = record_feedback(FeedbackInput(
        community_id=community.id, source_kind=kind, source_key=key, text=text,
        author_id=author.id if author else None, occurred_at=when or utcnow(), channel=channel))
    db.session.commit()
    return item


def members(community, n: int = 6, *, joined_days_ago=None) -> list:
    """``n`` members; ``joined_days_ago`` sets each one's join date (a list or one number)."""
    people = []
    for i in range(n):
        user = make_member(community, "member")
        if joined_days_ago is not None:
            days = joined_days_ago[i] if isinstance(joined_days_ago, list) else joined_days_ago
            membership = db.session.execute(db.select(Membership).where(
                Membership.user_id == user.id, Membership.community_id == community.id)
            ).scalar_one()
            membership.joined_at = utcnow() - timedelta(days=days)
        people.append(user)
    db.session.commit()
    return people


def analyse(community, *, trigger: str = "manual") -> AnalysisRun:
    """Run a full analysis in this process and return the finished run (it covers every
    item, so nothing is left waiting for the incremental analysis)."""
    from app.services.insights import analysis, hooks

    hooks.suppress_due()
    run = AnalysisRun(community_id=community.id, trigger=trigger,
                      previous_run_id=analysis.current_run_id(community.id))
    db.session.add(run)
    db.session.commit()
    return analysis.execute_run(run.id)


@pytest.fixture
def analysed(community):
    """A community with 100 generated items, analysed."""
    seed_feedback(community, members=members(community, 8))
    run = analyse(community)
    return community, run
