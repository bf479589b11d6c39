"""The demo community's suggestion box and interviews: enough, varied, consistent data."""

from __future__ import annotations

from app.models import (
    ChangelogEntry,
    Community,
    FeedbackItem,
    Highlight,
    Interview,
    InterviewGuide,
    Notification,
    SourceKind,
    Suggestion,
    SuggestionComment,
    SuggestionFollow,
    SuggestionMerge,
    SuggestionStatus,
    SuggestionUpdate,
    SuggestionVote,
    User,
)


def test_the_demo_has_a_lived_in_suggestion_box_and_twelve_interviews(app, db):
    from app.demo import load_demo

    load_demo(log=lambda _m: None)
    community = db.session.execute(db.select(Community).where(Community.slug == "demo")
                                   ).scalar_one()
    member = db.session.execute(db.select(User).where(User.email == "member@example.com")
                                ).scalar_one()

    def count(model, *where) -> int:
        return db.session.execute(db.select(db.func.count()).select_from(model).where(*where)
                                  ).scalar_one()

    suggestions = db.session.execute(db.select(Suggestion).where(
        Suggestion.community_id == community.id)).scalars().all()
    assert 140 <= len(suggestions) <= 170
    assert {s.status for s in suggestions} == {s.value for s in SuggestionStatus}
    anonymous = sum(s.is_anonymous for s in suggestions)
    assert 0.2 < anonymous / len(suggestions) < 0.5
    assert len({s.content for s in suggestions}) > 0.9 * len(suggestions)
    assert count(SuggestionMerge) >= 10 and count(SuggestionVote) > 300
    assert count(SuggestionFollow) > 200 and count(SuggestionComment) > 50
    assert count(SuggestionUpdate, SuggestionUpdate.body.is_not(None)) > 100
    assert any(s.is_hidden for s in suggestions)
    assert count(ChangelogEntry, ChangelogEntry.source_type.is_(None)) >= 1
    # 你说我改: one entry per change, under the team's written title, from completed
    # suggestions and the acted-on theme; never a member's own (cut-off) words or codes.
    entries = db.session.execute(db.select(ChangelogEntry)).scalars().all()
    from_suggestions = [e for e in entries if e.source_type == "suggestion"]
    assert len(from_suggestions) >= 10
    assert any(e.source_type == "theme" for e in entries)
    titles = [e.title for e in entries]
    assert len(set(titles)) == len(titles)
    member_words = {s.display_title for s in suggestions} | {s.content for s in suggestions}
    assert not set(titles) & member_words
    assert not any("[" in e.title or "[" in (e.body or "") for e in entries)
    by_id = {s.id: s for s in suggestions}
    for entry in from_suggestions:
        assert by_id[entry.source_id].status == SuggestionStatus.DONE
    # The demo member has signed suggestions, notifications (some unread) and follows.
    assert count(Suggestion, Suggestion.author_id == member.id) >= 5
    assert count(Notification, Notification.recipient_id == member.id) >= 5
    assert count(Notification, Notification.recipient_id == member.id,
                 Notification.read_at.is_(None)) >= 1
    # Timestamps follow the six-month story, not the moment of loading.
    days = {s.created_at.date() for s in suggestions}
    assert len(days) > 80 and (max(days) - min(days)).days > 150
    updates = db.session.execute(db.select(SuggestionUpdate.created_at)).scalars().all()
    assert (max(updates) - min(updates)).days > 120

    interviews = db.session.execute(db.select(Interview)).scalars().all()
    assert len(interviews) == 12 and count(InterviewGuide) == 3
    assert all(i.tag_names for i in interviews)
    assert sum(i.interviewee_id is None for i in interviews) >= 3
    assert sum(not i.consent for i in interviews) == 1
    assert count(Highlight) >= 36 and all(i.highlights for i in interviews)
    assert all(not h.stale for h in db.session.execute(db.select(Highlight)).scalars())
    passages = count(FeedbackItem, FeedbackItem.source_kind == SourceKind.INTERVIEW_PASSAGE)
    highlights = count(FeedbackItem, FeedbackItem.source_kind == SourceKind.INTERVIEW_HIGHLIGHT)
    # a paragraph left with only narration once its quote is a highlight is not analysed
    assert passages > 60 and highlights >= 30
    assert count(FeedbackItem, FeedbackItem.source_kind == SourceKind.SUGGESTION) > 150
