"""Demo step: about 150 suggestions over six months, in every status, with the team's replies,
votes, followers, comments, merged duplicates, moderation, and the changelog they feed.

Everything goes through the same services as the app (so feedback items, audit entries,
notifications and changelog entries are real), then timestamps are moved to the demo timeline.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from app.demo import DemoContext, demo_step
from app.demo.clock import Clock
from app.demo.vocab import (
    AGREEMENTS,
    CHANGE_TITLES,
    CHANNELS,
    DEMO_DAYS,
    INTERNAL_NOTES,
    MANUAL_CHANGELOG,
    MERGE_NOTES,
    SPAM_COMMENTS,
    SPAM_SUGGESTIONS,
    SUBMITTER_ANSWERS,
    THEME_RESPONSES,
    Theme,
    answered_status,
    closeness,
    compose,
    intended_sentiment,
    pick_theme,
    reply_for,
    suggestion_text,
    title,
)
from app.extensions import db
from app.models import (
    Notification,
    Suggestion,
    SuggestionFollow,
    SuggestionVote,
)
from app.services import notifications
from app.services.suggestions import board as board_service
from app.services.suggestions import box as box_service
from app.services.suggestions import changelog as changelog_service
from app.services.suggestions import triage as triage_service
from app.services.suggestions.similarity import segmenter
from nlp.similarity import TextSimilarity

SUGGESTION_COUNT = 150
DUPLICATES = 12
# Positions (in order of arrival) of the demo member's suggestions; they joined on day 20.
DEMO_MEMBER_SIGNED = (24, 48, 80, 104, 130, 147)
DEMO_MEMBER_ANONYMOUS = (60, 118)
# Which box category each theme area falls into.
AREA_CATEGORY = {
    "规则与秩序": "群规与秩序", "激励与积分": "积分与激励", "技术与体验": "技术与体验",
    "内容": "内容", "活动": "活动", "学习与课程": "内容", "服务与响应": "服务",
    "用户互动": "其他", "品牌": "其他",
}
# How closely (shared character pairs, see vocab.closeness) a change must answer a
# suggestion for that suggestion to announce it on 你说我改.
ANNOUNCE_CLOSENESS = 4
# A theme's popularity on the board: how many +1s its suggestions tend to get.
HEAT = {"ads": 3.0, "live": 2.6, "points": 2.2, "response": 1.6, "events": 1.4}


def _later(ctx: DemoContext, when: datetime, low: float, high: float) -> datetime:
    day = min(ctx.day_of(when) + ctx.rng.uniform(low, high), DEMO_DAYS - 0.05)
    return ctx.at(day)


def _outcome(ctx: DemoContext, theme: Theme, day: float) -> tuple[str | None, float | None]:
    """The final status of a suggestion made on ``day`` and the day it was reached."""
    rng = ctx.rng
    age = DEMO_DAYS - day
    response = THEME_RESPONSES[theme.key]
    if age < 12:
        return (None, None) if rng.random() < 0.7 else ("in_progress", day + rng.uniform(.2, 2))
    if response.fixed_on and day < response.fixed_on - 3 and rng.random() < 0.85:
        return "done", response.fixed_on + rng.uniform(0, 3)
    status = rng.choices(("done", "planned", "declined", "in_progress"),
                         weights=response.outcome, k=1)[0]
    if status == "declined" and not response.declined and rng.random() < 0.7:
        status = "planned"
    settle = day + rng.uniform(2, min(25.0, max(3.0, age - 1)))
    return status, min(settle, DEMO_DAYS - 0.1)


@demo_step(40, "suggestion box: suggestions, replies, votes, merges, changelog")
def suggestion_box(ctx: DemoContext) -> None:
    """About 150 suggestions drawn from the themes' timelines, and the team's work on them."""
    community = ctx.community
    settings = dict(community.settings or {})
    settings.update(public_board=True, anonymous_visitors=True, public_changelog=True)
    community.settings = settings
    with Clock() as clock:
        made = _suggestions(ctx, clock)
        _support(ctx, made)
        duplicates = _merges(ctx, clock, made)
        _triage(ctx, clock, made, duplicates)
        _comments(ctx, clock, made, duplicates)
        for (heading, body), day in zip(MANUAL_CHANGELOG, (70, 140), strict=True):
            clock.stamp(ctx.at(day))
            changelog_service.add_entry(community, title=heading, body=body,
                                        actor=ctx.staff["operator"], published_at=ctx.at(day))
    # Notifications stay in the app (no email for generated data); older ones have been read.
    notifications.discard_pending_deliveries()
    cutoff = ctx.at(DEMO_DAYS - 21)
    for note in db.session.execute(db.select(Notification).where(
            Notification.community_id == community.id, Notification.created_at < cutoff)
    ).scalars():
        note.read_at = note.created_at + timedelta(hours=ctx.rng.uniform(1, 48))
    # Services stamp updated_at with the real time; put it back on the timeline.
    for suggestion in db.session.execute(
            db.select(Suggestion).where(Suggestion.community_id == community.id)).scalars():
        suggestion.updated_at = suggestion.status_changed_at or suggestion.created_at
    ctx.notes["suggestions"] = len(made) + len(SPAM_SUGGESTIONS)
    ctx.notes["suggestion_duplicates"] = len(duplicates)


def _people(ctx: DemoContext):
    demo_member = ctx.staff["member"]
    members = [u for u in ctx.member_users() if u.id != demo_member.id]
    return [ctx.staff["operator"], ctx.staff["mentor"]], demo_member, members


def _suggestions(ctx: DemoContext, clock: Clock) -> list[tuple[Suggestion, Theme, float]]:
    """The suggestions, in the order they arrived, plus a little spam the team hid."""
    rng = ctx.rng
    staff, demo_member, members = _people(ctx)
    joined = {m.user_id: m.joined_at for m in ctx.members}
    made: list[tuple[Suggestion, Theme, float]] = []
    days = sorted(rng.uniform(3, DEMO_DAYS - 0.5) for _ in range(SUGGESTION_COUNT))
    for i, day in enumerate(days):
        theme = pick_theme(rng, day)
        when = ctx.at(day)
        anonymous = rng.random() < 0.33
        if i in DEMO_MEMBER_SIGNED or i in DEMO_MEMBER_ANONYMOUS:
            # The demo member's own: signed ones fill "my suggestions" and notifications.
            author, anonymous = demo_member, i in DEMO_MEMBER_ANONYMOUS
        else:
            candidates = [u for u in rng.sample(members, 8) if joined[u.id] <= when]
            if not candidates:
                candidates = [u for u in members if joined[u.id] <= when] or staff
            author = candidates[0] if len(candidates) < 9 else rng.choice(candidates)
        clock.stamp(when)
        submitted = box_service.submit(
            ctx.community, content=suggestion_text(theme, rng, day),
            title=title(theme, rng) if rng.random() < 0.6 else None,
            category=AREA_CATEGORY.get(theme.area, "其他"), author=author,
            anonymous=anonymous, created_at=when,
        )
        made.append((submitted.suggestion, theme, day))
    for text in SPAM_SUGGESTIONS:
        day = rng.uniform(60, 150)
        clock.stamp(ctx.at(day))
        spam = box_service.submit(ctx.community, content=text, category="其他",
                                  author=rng.choice(members), created_at=ctx.at(day)).suggestion
        clock.stamp(ctx.at(day + 0.2))
        triage_service.set_hidden(spam, True, actor=ctx.staff["operator"])
        triage_service.change_status(spam, status="declined", reply="广告内容，已在建议广场隐藏。",
                                     actor=ctx.staff["operator"], at=ctx.at(day + 0.2))
    return made


def _support(ctx: DemoContext, made) -> None:
    """Votes and followers (a +1 also follows, as in the app); hot themes get more."""
    rng = ctx.rng
    _staff, demo_member, members = _people(ctx)
    votes, follows = [], []
    for suggestion, theme, _day in made:
        expected = HEAT.get(theme.key, 1.0) * rng.paretovariate(1.6)
        n = min(int(expected * 2.2), 40)
        voters = [u for u in rng.sample(members, min(n + 5, len(members)))
                  if u.id != suggestion.author_id][:n]
        if rng.random() < 0.07 and demo_member.id != suggestion.author_id:
            voters.append(demo_member)
        for voter in voters:
            at = _later(ctx, suggestion.created_at, 0.05, 6)
            votes.append(SuggestionVote(suggestion_id=suggestion.id, user_id=voter.id,
                                        created_at=at))
            if voter is demo_member or rng.random() < 0.6:
                follows.append(SuggestionFollow(suggestion_id=suggestion.id, user_id=voter.id,
                                                created_at=at))
    db.session.add_all(votes)
    db.session.add_all(follows)
    db.session.flush()


def _merges(ctx: DemoContext, clock: Clock, made) -> set[int]:
    """Duplicates merged into the earlier suggestion that says the same thing most closely."""
    rng = ctx.rng
    staff, _member, _members = _people(ctx)
    texts = [box_service.feedback_text(s) for s, _t, _d in made]
    scores = TextSimilarity(tokenizer=segmenter().tokens).fit(texts).similarity_matrix(texts)
    duplicates: set[int] = set()
    targets: set[int] = set()
    for i, (suggestion, theme, _day) in enumerate(made):
        if len(duplicates) >= DUPLICATES or i < 10 or rng.random() > 0.35:
            continue
        earlier = [j for j in range(i) if made[j][0].id not in duplicates
                   and made[j][1].key == theme.key]
        if not earlier:
            continue
        best = max(earlier, key=lambda j: scores[i, j])
        if scores[i, best] < 0.5 or suggestion.id in targets:
            continue
        at = _later(ctx, suggestion.created_at, 0.3, 3)
        clock.stamp(at)
        triage_service.merge(suggestion, made[best][0], actor=rng.choice(staff),
                             note=rng.choice(MERGE_NOTES) or None, at=at)
        duplicates.add(suggestion.id)
        targets.add(made[best][0].id)
    return duplicates


def _triage(ctx: DemoContext, clock: Clock, made, duplicates: set[int]) -> None:
    """Tags, assignees, notes, first replies, the submitters' answers and final statuses.

    Replies answer what the suggestion says (the team's change closest to its words), and
    each change reaches 你说我改 once, under the team's title, from the first request it
    answered; compliments answered with thanks announce nothing.
    """
    rng = ctx.rng
    staff, _member, _members = _people(ctx)
    announced: set[str] = set()
    for suggestion, theme, day in made:
        if suggestion.id in duplicates:
            continue
        status, settle_day = _outcome(ctx, theme, day)
        if status is None:
            continue
        status = answered_status(status, theme, suggestion.content)
        actor = rng.choice(staff)
        first_reply = day + rng.uniform(0.1, 1.5)
        clock.stamp(ctx.at(first_reply))
        if rng.random() < 0.7:
            tags = rng.sample(THEME_RESPONSES[theme.key].tags,
                              k=min(2, len(THEME_RESPONSES[theme.key].tags)))
            triage_service.triage(suggestion, category=suggestion.category, tags=tags,
                                  assignee_id=rng.choice(staff).id if rng.random() < 0.8 else None,
                                  actor=actor)
        if status != "in_progress" and settle_day - first_reply > 2 and rng.random() < 0.55:
            at = ctx.at(first_reply)
            triage_service.change_status(suggestion, status="in_progress",
                                         reply=reply_for("in_progress", theme, rng)[0], actor=actor,
                                         at=at)
            if suggestion.is_anonymous and rng.random() < 0.35:
                answer_at = _later(ctx, at, 0.1, 1.5)
                clock.stamp(answer_at)
                box_service.answer_back(suggestion, rng.choice(SUBMITTER_ANSWERS).format(
                            channel=rng.choice(CHANNELS)), created_at=answer_at)
        if rng.random() < 0.2:
            note_at = ctx.at(first_reply)
            clock.stamp(note_at)
            triage_service.add_note(suggestion, rng.choice(INTERNAL_NOTES), actor=actor, at=note_at)
        at = ctx.at(max(settle_day, first_reply))
        clock.stamp(at)
        reply, change = reply_for(status, theme, rng, suggestion.content)
        title = CHANGE_TITLES.get(change) if change not in announced else None
        if title and (intended_sentiment(suggestion.content) == 1
                      or closeness(suggestion.content, change) < ANNOUNCE_CLOSENESS):
            # Praise with a wish, or a request the change only touches: thanked, and the
            # change is announced from a suggestion it answers.
            title = None
        if title:
            announced.add(change)
        triage_service.change_status(suggestion, status=status, reply=reply,
                                     actor=rng.choice(staff), at=at, changelog_title=title)


def _comments(ctx: DemoContext, clock: Clock, made, duplicates: set[int]) -> None:
    """Comments on the board, anonymous now and then, and a little spam that was hidden."""
    rng = ctx.rng
    _staff, _member, members = _people(ctx)
    for suggestion, theme, _day in made:
        if suggestion.id in duplicates or rng.random() > 0.3:
            continue
        for _ in range(rng.randint(1, 4)):
            at = _later(ctx, suggestion.created_at, 0.05, 8)
            agrees = rng.random() < 0.6
            text = compose(theme, -1 if agrees else 1, rng, with_wish=0.3)
            if agrees and rng.random() < 0.5:  # "+1" to a complaint, usually with more words
                text = rng.choice(AGREEMENTS) + ("" if rng.random() < 0.15 else "，" + text)
            board_service.add_comment(suggestion, rng.choice(members), text,
                                      anonymous=rng.random() < 0.12, created_at=at)
    for text in SPAM_COMMENTS:
        suggestion = rng.choice([s for s, _t, _d in made if s.id not in duplicates])
        at = _later(ctx, suggestion.created_at, 0.1, 3)
        spam = board_service.add_comment(suggestion, rng.choice(members), text, created_at=at)
        clock.stamp(_later(ctx, at, 0.05, 0.5))
        triage_service.set_comment_hidden(spam, True, actor=ctx.staff["operator"])
