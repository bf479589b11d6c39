"""Report data from user interviews: the interviews held in the period whose interviewees
agreed to their use, with the highlights' redacted quotes and tags.

Interviewees appear by role (社群成员, 运营者…, or 外部受访者), never by name, and the
interview's own title (which usually names them) is not used; quotes come from the
highlights' feedback items, whose text has personal details removed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    INTERVIEW_CHANNEL_LABELS,
    FeedbackItem,
    Interview,
    InterviewChannel,
    Membership,
    SourceKind,
)
from app.security.roles import ROLE_LABELS, Role
from app.services.reports.data import (
    DataProvider,
    DataRequest,
    chinese,
    clean_quote,
    register_provider,
)
from reports.context import InterviewHighlight

MAX_INTERVIEWS = 12
MAX_QUOTES = 3
MAX_TOPICS = 6
SENTIMENT_WORDS = {-1: "负面", 0: "中性", 1: "正面"}


def _role(interview: Interview) -> str:
    if interview.interviewee_id is None:
        return "外部受访者"
    role = db.session.execute(
        db.select(Membership.role).where(Membership.user_id == interview.interviewee_id,
                                         Membership.community_id == interview.community_id)
    ).scalar_one_or_none()
    return chinese(ROLE_LABELS[Role(role)]) if role else "社群成员"


def _highlight_items(interview: Interview) -> list[FeedbackItem]:
    return list(db.session.execute(
        db.select(FeedbackItem).where(
            FeedbackItem.community_id == interview.community_id,
            FeedbackItem.source_kind == SourceKind.INTERVIEW_HIGHLIGHT.value,
            FeedbackItem.source_id == interview.id)
        .order_by(FeedbackItem.id)
    ).scalars())


def highlight_of(interview: Interview) -> InterviewHighlight:
    """One interview as the report shows it."""
    items = _highlight_items(interview)
    topics = Counter(interview.tag_names)
    moods: Counter[int] = Counter()
    for item in items:
        ref = item.source_ref or {}
        topics.update(ref.get("tags") or [])
        if ref.get("sentiment") in SENTIMENT_WORDS:
            moods[ref["sentiment"]] += 1
    channel = chinese(INTERVIEW_CHANNEL_LABELS.get(InterviewChannel(interview.channel), ""))
    summary = f"{channel}访谈，共 {len(items)} 条摘录"
    if moods:
        summary += "（" + "、".join(f"{SENTIMENT_WORDS[k]} {moods[k]}" for k in (-1, 0, 1)
                                   if moods[k]) + "）"
    names = [name for name, _n in topics.most_common(MAX_TOPICS)]
    if names:
        summary += "；涉及" + "、".join(names)
    role = _role(interview)
    # operators' titles usually name the interviewee; the report names roles only
    return InterviewHighlight(
        title=f"{role}访谈（{channel}）", summary=summary + "。", interviewee=role,
        held_on=interview.held_on,
        quotes=[q for q in (clean_quote(i.redacted_text) for i in items) if q][:MAX_QUOTES],
        themes=names,
    )


@register_provider
class InterviewsProvider(DataProvider):
    """Interviews held in the period, with the interviewee's consent."""

    key = "interviews"
    label = _l("用户访谈")
    sections = ("interviews",)
    provides = ("interviews",)

    def collect(self, request: DataRequest) -> dict[str, Any]:
        rows = list(db.session.execute(
            db.select(Interview).where(
                Interview.community_id == request.community.id, Interview.consent.is_(True),
                Interview.held_on.between(request.period.start, request.period.end))
            .order_by(Interview.held_on.desc(), Interview.id.desc()).limit(MAX_INTERVIEWS)
        ).scalars())
        if not rows:
            return {}
        return {"interviews": [highlight_of(i) for i in rows]}
