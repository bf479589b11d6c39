"""Demo step: feedback collected from the group chats and imported from a spreadsheet."""

from __future__ import annotations

from app.demo import DemoContext, demo_step
from app.demo.vocab import CHANNELS, DEMO_DAYS, compose, mixed, pick_theme, sentiment_for
from app.models import SourceKind
from app.services.insights.feedback import FeedbackInput, record_feedback

IMPORTED_COUNT = 180


@demo_step(20, "feedback imported from group chats")
def import_chat_feedback(ctx: DemoContext) -> None:
    """About 180 messages picked from the group chats over six months."""
    rng = ctx.rng
    members = ctx.member_users()
    for i in range(IMPORTED_COUNT):
        day = rng.uniform(0, DEMO_DAYS)
        theme = pick_theme(rng, day)
        if rng.random() < 0.12:
            text = mixed(rng, day)
        else:
            text = compose(theme, sentiment_for(theme, rng, day), rng, pii_rate=0.04)
        author = rng.choice(members) if rng.random() < 0.6 else None
        record_feedback(FeedbackInput(
            community_id=ctx.community.id,
            source_kind=SourceKind.IMPORT,
            source_key=f"import:chat-2026:{i + 1}",
            text=text,
            source_ref={"batch": "群聊精选反馈", "row": i + 2},
            author_id=author.id if author else None,
            channel=rng.choice(CHANNELS),
            occurred_at=ctx.at(day),
        ))
