"""User interviews (用户访谈): guides, interview records, their notes as feedback items, search
and lists by tag and interviewee.

Every text paragraph of the notes becomes an ``INTERVIEW_PASSAGE`` feedback item and every
highlight an ``INTERVIEW_HIGHLIGHT`` item, each pointing back to its anchor in the interview.
Each piece of text enters the analysis once: a highlighted passage is taken out of its
paragraph's item, which keeps only the rest (and the highlights' ids), or goes away when
nothing else is left. When the interviewee did not consent, nothing of the interview goes into
the analysis.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import (
    Community,
    FeedbackItem,
    Highlight,
    HighlightTag,
    Interview,
    InterviewChannel,
    InterviewGuide,
    InterviewTag,
    Membership,
    SourceKind,
    User,
)
from app.security.roles import Role
from app.services import audit
from app.services.errors import ServiceError
from app.services.insights.feedback import FeedbackInput, delete_feedback, record_feedback
from app.services.interviews.notes import (
    MAX_NOTES,
    NoteBlock,
    clean_notes,
    guide_template,
    locate,
    parse_notes,
)
from app.services.tags import parse_tags

MAX_QUESTIONS = 40
MAX_QUESTION = 200
MAX_QUOTE = 2000


# --- guides ----------------------------------------------------------------------------------


def parse_questions(text: str | list[str]) -> list[str]:
    """Questions from a textarea (one per line, list numbering removed)."""
    lines = text.splitlines() if isinstance(text, str) else list(text)
    questions = []
    for line in lines:
        q = re.sub(r"^\s*(?:[-*•]|\d{1,2}[.、)）]|[QqＱ]\d{1,2}[.:：、]?)\s*", "", str(line))
        q = " ".join(q.split())
        if not q:
            continue
        if len(q) > MAX_QUESTION:
            raise ServiceError(_l("每个问题不超过 %(n)d 个字。", n=MAX_QUESTION),
                               code="question_too_long", field="questions")
        questions.append(q)
    if not questions:
        raise ServiceError(_l("请至少写一个问题。"), code="questions_required", field="questions")
    if len(questions) > MAX_QUESTIONS:
        raise ServiceError(_l("问题最多 %(n)d 个。", n=MAX_QUESTIONS), code="too_many_questions",
                           field="questions")
    return questions


def _guide_fields(title: str, description: str, questions) -> tuple[str, str, list[str]]:
    title = " ".join((title or "").split())
    if not title:
        raise ServiceError(_l("请填写提纲名称。"), code="title_required", field="title")
    if len(title) > 120:
        raise ServiceError(_l("名称不能超过 120 个字。"), code="title_too_long", field="title")
    description = (description or "").strip()
    if len(description) > 4000:
        raise ServiceError(_l("说明不能超过 4000 个字。"), code="description_too_long",
                           field="description")
    return title, description, parse_questions(questions)


def create_guide(community: Community, *, title: str, questions, description: str = "",
                 actor: User) -> InterviewGuide:
    """Create a reusable interview guide."""
    title, description, questions = _guide_fields(title, description, questions)
    guide = InterviewGuide(community_id=community.id, title=title, description=description,
                           questions=questions, created_by_id=actor.id)
    db.session.add(guide)
    db.session.flush()
    audit.record("interview_guide.created", "interview_guide", guide.id, actor=actor,
                 community_id=community.id, after={"title": title, "questions": len(questions)})
    return guide


def update_guide(guide: InterviewGuide, *, title: str, questions, description: str = "",
                 actor: User) -> None:
    """Edit a guide; interviews that used it keep the questions they started with."""
    title, description, questions = _guide_fields(title, description, questions)
    before = {"title": guide.title, "questions": list(guide.questions)}
    guide.title, guide.description, guide.questions = title, description, questions
    audit.record("interview_guide.updated", "interview_guide", guide.id, actor=actor,
                 community_id=guide.community_id, before=before,
                 after={"title": title, "questions": questions})


def delete_guide(guide: InterviewGuide, *, actor: User) -> None:
    """Delete a guide; interviews keep their copy of its questions."""
    audit.record("interview_guide.deleted", "interview_guide", guide.id, actor=actor,
                 community_id=guide.community_id, before={"title": guide.title})
    db.session.delete(guide)


def guides(community: Community) -> list[InterviewGuide]:
    """The community's guides, by title."""
    return list(db.session.execute(
        db.select(InterviewGuide).where(InterviewGuide.community_id == community.id)
        .order_by(InterviewGuide.title)
    ).scalars())


def guide_usage(community: Community) -> dict[int, int]:
    """How many interviews use each guide."""
    return dict(db.session.execute(
        db.select(Interview.guide_id, db.func.count(Interview.id))
        .where(Interview.community_id == community.id, Interview.guide_id.is_not(None))
        .group_by(Interview.guide_id)
    ).all())


# --- interviews ------------------------------------------------------------------------------


@dataclass
class InterviewData:
    """What an operator fills in for an interview."""

    held_on: date
    channel: str
    interviewer_id: int | None
    consent: bool
    interviewee_id: int | None = None
    interviewee_name: str = ""
    title: str = ""
    consent_note: str = ""
    tags: str | list[str] = ""
    guide_id: int | None = None
    notes: str = ""


def _member(community: Community, user_id: int) -> tuple[User, Membership] | None:
    row = db.session.execute(
        db.select(User, Membership).join(Membership, Membership.user_id == User.id)
        .where(Membership.community_id == community.id, User.id == user_id)
    ).first()
    return (row[0], row[1]) if row else None


def _validated(community: Community, data: InterviewData) -> dict:
    values: dict = {}
    if data.interviewee_id:
        found = _member(community, data.interviewee_id)
        if found is None:
            raise ServiceError(_l("请选择本社群的成员，或填写外部受访者的称呼。"),
                               code="invalid_interviewee", field="interviewee_id")
        user, membership = found
        values["interviewee_id"] = user.id
        values["interviewee_name"] = (membership.nickname or user.display_name)[:80]
    else:
        name = " ".join((data.interviewee_name or "").split())
        if not name:
            raise ServiceError(_l("请选择受访成员，或填写外部受访者的称呼。"),
                               code="interviewee_required", field="interviewee_name")
        if len(name) > 80:
            raise ServiceError(_l("称呼不能超过 80 个字。"), code="name_too_long",
                               field="interviewee_name")
        values["interviewee_id"] = None
        values["interviewee_name"] = name
    if data.held_on is None:
        raise ServiceError(_l("请填写访谈日期。"), code="date_required", field="held_on")
    if data.held_on > date.today() + timedelta(days=1):
        raise ServiceError(_l("访谈日期不能晚于今天。"), code="date_in_future", field="held_on")
    values["held_on"] = data.held_on
    try:
        values["channel"] = InterviewChannel(data.channel).value
    except ValueError:
        raise ServiceError(_l("请选择访谈方式。"), code="invalid_channel",
                           field="channel") from None
    if data.interviewer_id:
        found = _member(community, data.interviewer_id)
        if found is None or not found[1].role_enum.at_least(Role.OPERATOR):
            raise ServiceError(_l("访谈人需要是本社群的运营者。"), code="invalid_interviewer",
                               field="interviewer_id")
    values["interviewer_id"] = data.interviewer_id or None
    values["consent"] = bool(data.consent)
    note = (data.consent_note or "").strip()
    if len(note) > 500:
        raise ServiceError(_l("同意说明不能超过 500 个字。"), code="consent_note_too_long",
                           field="consent_note")
    values["consent_note"] = note
    title = " ".join((data.title or "").split())
    if len(title) > 120:
        raise ServiceError(_l("标题不能超过 120 个字。"), code="title_too_long", field="title")
    values["title"] = title or str(_l("与%(name)s的访谈", name=values["interviewee_name"]))
    notes = clean_notes(data.notes)
    if len(notes) > MAX_NOTES:
        raise ServiceError(_l("访谈记录不能超过 %(n)d 个字。", n=MAX_NOTES), code="notes_too_long",
                           field="notes")
    values["notes"] = notes
    values["tags"] = parse_tags(data.tags)
    return values


def _set_tags(owner, tag_model, names: list[str]) -> None:
    existing = {t.name: t for t in owner.tags}
    for name, tag in existing.items():
        if name not in names:
            owner.tags.remove(tag)
    for name in names:
        if name not in existing:
            owner.tags.append(tag_model(name=name))


def create_interview(community: Community, data: InterviewData, *, actor: User) -> Interview:
    """Record an interview. With a guide and no notes yet, the notes start as a section per
    question of the guide."""
    values = _validated(community, data)
    tags = values.pop("tags")
    guide = None
    if data.guide_id:
        guide = db.session.get(InterviewGuide, data.guide_id)
        if guide is None or guide.community_id != community.id:
            raise ServiceError(_l("找不到这个访谈提纲。"), code="invalid_guide", field="guide_id")
    interview = Interview(community_id=community.id, created_by_id=actor.id, **values)
    if guide is not None:
        interview.guide_id = guide.id
        interview.guide_questions = list(guide.questions)
        if not interview.notes:
            interview.notes = guide_template(guide.questions)
    _set_tags(interview, InterviewTag, tags)
    db.session.add(interview)
    db.session.flush()
    sync_feedback(interview)
    audit.record("interview.created", "interview", interview.id, actor=actor,
                 community_id=community.id,
                 after={"title": interview.title, "channel": interview.channel,
                        "consent": interview.consent, "guide_id": interview.guide_id})
    return interview


def update_interview(interview: Interview, data: InterviewData, *, actor: User) -> list[str]:
    """Edit an interview; returns the changed fields. Highlights are re-anchored in the new
    notes (or flagged when their passage is gone) and the feedback items follow."""
    community = db.session.get(Community, interview.community_id)
    values = _validated(community, data)
    tags = values.pop("tags")
    changed = [k for k, v in values.items() if getattr(interview, k) != v]
    if sorted(tags) != sorted(interview.tag_names):
        changed.append("tags")
    for key, value in values.items():
        setattr(interview, key, value)
    _set_tags(interview, InterviewTag, tags)
    db.session.flush()
    if "notes" in changed:
        revalidate_highlights(interview)
    sync_feedback(interview)
    if changed:
        audit.record("interview.updated", "interview", interview.id, actor=actor,
                     community_id=interview.community_id, after={"changed": changed})
    return changed


def delete_interview(interview: Interview, *, actor: User | None, record: bool = True) -> None:
    """Delete an interview with its highlights and feedback items (``record=False``: without
    the audit entry, whose title usually names the interviewee)."""
    _delete_all_feedback(interview)
    if record:
        audit.record("interview.deleted", "interview", interview.id, actor=actor,
                     community_id=interview.community_id, before={"title": interview.title})
    db.session.delete(interview)


# --- feedback items --------------------------------------------------------------------------


def _occurred(interview: Interview) -> datetime:
    return datetime.combine(interview.held_on, time(12, 0))


def passage_keys(interview: Interview, blocks: list[NoteBlock]) -> dict[int, str]:
    """Stable keys for text paragraphs: by content, so unchanged paragraphs keep their item
    when others are added or removed around them."""
    seen: dict[str, int] = {}
    keys = {}
    for block in blocks:
        if not block.is_text:
            continue
        digest = hashlib.sha1(block.plain.encode(), usedforsecurity=False).hexdigest()[:12]
        seen[digest] = seen.get(digest, 0) + 1
        keys[block.index] = f"interview:{interview.id}:p:{digest}:{seen[digest]}"
    return keys


def _existing_keys(interview: Interview, kind: SourceKind) -> list[str]:
    return list(db.session.execute(
        db.select(FeedbackItem.source_key).where(
            FeedbackItem.community_id == interview.community_id,
            FeedbackItem.source_kind == kind.value,
            FeedbackItem.source_id == interview.id,
        )
    ).scalars())


def _delete_all_feedback(interview: Interview) -> None:
    for kind in (SourceKind.INTERVIEW_PASSAGE, SourceKind.INTERVIEW_HIGHLIGHT):
        for key in _existing_keys(interview, kind):
            delete_feedback(interview.community_id, key)


def sync_feedback(interview: Interview) -> None:
    """Bring the interview's feedback items in line with its notes and highlights."""
    if not interview.consent:
        _delete_all_feedback(interview)
        return
    blocks = parse_notes(interview.notes)
    keys = passage_keys(interview, blocks)
    taken = _highlighted_spans(blocks, interview.highlights)
    for index, key in list(keys.items()):
        block = blocks[index]
        spans = taken.get(index, [])
        text = _rest_of(block.plain, [span for span, _id in spans])
        if not text:
            del keys[index]
            continue
        ref = {"interview_id": interview.id, "paragraph": index,
               "anchor": block.anchor, "question": block.heading}
        if spans:
            ref["highlights"] = sorted(highlight_id for _span, highlight_id in spans)
        record_feedback(FeedbackInput(
            community_id=interview.community_id,
            source_kind=SourceKind.INTERVIEW_PASSAGE,
            source_key=key,
            source_id=interview.id,
            source_ref=ref,
            text=text,
            author_id=interview.interviewee_id,
            channel=f"interview-{interview.channel}",
            occurred_at=_occurred(interview),
        ))
    wanted = set(keys.values())
    for key in _existing_keys(interview, SourceKind.INTERVIEW_PASSAGE):
        if key not in wanted:
            delete_feedback(interview.community_id, key)
    for highlight in interview.highlights:
        _record_highlight(interview, highlight)


def _highlighted_spans(blocks: list[NoteBlock], highlights) -> dict[int, list]:
    """Where each current highlight sits in its paragraph's plain text, by paragraph:
    ``[((start, end), highlight id), …]``. Stale highlights no longer sit anywhere."""
    spans: dict[int, list] = {}
    for h in highlights:
        if h.stale or h.id is None or not 0 <= h.paragraph_index < len(blocks):
            continue
        span = locate(blocks[h.paragraph_index].plain, h.quote)
        if span is not None:
            spans.setdefault(h.paragraph_index, []).append((span, h.id))
    return spans


def _rest_of(plain: str, spans: list[tuple[int, int]]) -> str:
    """The paragraph's text outside the highlighted spans; pieces without a letter or digit
    (a stray comma or full stop) are dropped, and so is a paragraph that has nothing else."""
    if not spans:
        return plain
    pieces, pos = [], 0
    for start, end in sorted(spans):
        pieces.append(plain[pos:start])
        pos = max(pos, end)
    pieces.append(plain[pos:])
    kept = [p.strip() for p in pieces if any(ch.isalnum() for ch in p)]
    rest = " ".join(kept)
    return rest if _has_substance(rest) else ""


# What an interviewer writes around a quote once the quote itself is a highlight: who spoke
# (聊到这里，他说 / 她顺便问了一句： / 她的原话大意是： / 原话：) and bracketed notes to self
# (（停顿了一下）).
_SPEAKER = r"(?:他|她|对方|受访者|ta|TA)"
_NARRATION = re.compile(
    r"(?:(?:聊到这里|说到这里|接着|然后|最后|另外)[，,]?\s*)?"
    rf"(?:{_SPEAKER}(?:又|还|也|顺便|最后)?"
    r"(?:说|提到|补充|问了一句|问|表示|觉得)(?:了|道)?[:：，,]?"
    rf"|(?:{_SPEAKER}的)?原话(?:大意)?(?:是)?[:：，,]?)")
_NOTE = re.compile(r"[（(][^（）()]*[）)]")
MIN_REST_CHARS = 4


def _has_substance(text: str) -> bool:
    """Whether a paragraph's rest says something beyond the narration around a highlight
    and the openers members put before what they mean (说实话, 最近发现, 想反馈一下 …)."""
    left = _NARRATION.sub("", _NOTE.sub("", text))
    for phrase in _opener_phrases():
        left = left.replace(phrase, "")
    return sum(ch.isalnum() for ch in left) >= MIN_REST_CHARS


@lru_cache(maxsize=1)
def _opener_phrases() -> tuple[str, ...]:
    from nlp.segment import load_filler_phrases

    # Longest first, so 想吐槽一下 goes before 吐槽一下 can leave a 想 behind.
    return tuple(sorted(load_filler_phrases(), key=len, reverse=True))


def _record_highlight(interview: Interview, highlight: Highlight) -> None:
    key = f"interview:{interview.id}:h:{highlight.id}"
    if not interview.consent:
        delete_feedback(interview.community_id, key)
        return
    record_feedback(FeedbackInput(
        community_id=interview.community_id,
        source_kind=SourceKind.INTERVIEW_HIGHLIGHT,
        source_key=key,
        source_id=interview.id,
        source_ref={**highlight.as_ref(), "tags": highlight.tag_names,
                    "sentiment": highlight.sentiment, "stale": highlight.stale},
        text=highlight.quote,
        author_id=interview.interviewee_id,
        channel=f"interview-{interview.channel}",
        occurred_at=_occurred(interview),
    ))


# --- highlights ------------------------------------------------------------------------------


def _sentiment(value) -> int | None:
    if value in (None, "", "auto"):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ServiceError(_l("情感只能是负面、中性或正面。"), code="invalid_sentiment",
                           field="sentiment") from None
    if number not in (-1, 0, 1):
        raise ServiceError(_l("情感只能是负面、中性或正面。"), code="invalid_sentiment",
                           field="sentiment")
    return number


def create_highlight(
    interview: Interview,
    *,
    paragraph_index: int,
    quote: str,
    hint: int | None = None,
    tags: str | list[str] = "",
    sentiment=None,
    note: str = "",
    actor: User,
) -> Highlight:
    """Save the passage the operator selected in paragraph ``paragraph_index`` as a highlight.

    ``quote`` is the selected text as the reader saw it and ``hint`` where the selection
    started in the paragraph's visible text; the passage is located in the Markdown source.
    """
    quote = " ".join((quote or "").split())
    if not quote:
        raise ServiceError(_l("请先在访谈记录中选中一段文字。"), code="quote_required",
                           field="quote")
    if len(quote) > MAX_QUOTE:
        raise ServiceError(_l("摘录不能超过 %(n)d 个字。", n=MAX_QUOTE), code="quote_too_long",
                           field="quote")
    blocks = parse_notes(interview.notes)
    if not 0 <= paragraph_index < len(blocks) or not blocks[paragraph_index].is_text:
        raise ServiceError(_l("请在访谈内容的段落里选择文字。"), code="invalid_paragraph",
                           field="quote")
    block = blocks[paragraph_index]
    span = locate(block.source, quote, hint)
    if span is None:
        raise ServiceError(_l("在这段记录里找不到选中的文字，请刷新页面后重新选择。"),
                           code="quote_not_found", field="quote")
    note = (note or "").strip()
    if len(note) > 500:
        raise ServiceError(_l("备注不能超过 500 个字。"), code="note_too_long", field="note")
    start, end = span
    highlight = Highlight(
        interview_id=interview.id, community_id=interview.community_id,
        paragraph_index=paragraph_index, start=start, end=end,
        excerpt=block.source[start:end], quote=quote, sentiment=_sentiment(sentiment),
        note=note, created_by_id=actor.id,
    )
    _set_tags(highlight, HighlightTag, parse_tags(tags))
    interview.highlights.append(highlight)
    db.session.flush()
    sync_feedback(interview)
    audit.record("highlight.created", "interview", interview.id, actor=actor,
                 community_id=interview.community_id,
                 after={"highlight_id": highlight.id, "paragraph": paragraph_index,
                        "start": start, "end": end})
    return highlight


def update_highlight(highlight: Highlight, *, tags, sentiment, note: str, actor: User) -> None:
    """Change a highlight's tags, sentiment override and note."""
    note = (note or "").strip()
    if len(note) > 500:
        raise ServiceError(_l("备注不能超过 500 个字。"), code="note_too_long", field="note")
    before = {"tags": highlight.tag_names, "sentiment": highlight.sentiment}
    _set_tags(highlight, HighlightTag, parse_tags(tags))
    highlight.sentiment = _sentiment(sentiment)
    highlight.note = note
    db.session.flush()
    _record_highlight(highlight.interview, highlight)
    audit.record("highlight.updated", "interview", highlight.interview_id, actor=actor,
                 community_id=highlight.community_id, before=before,
                 after={"highlight_id": highlight.id, "tags": highlight.tag_names,
                        "sentiment": highlight.sentiment})


def delete_highlight(highlight: Highlight, *, actor: User) -> None:
    """Remove a highlight and its feedback item."""
    delete_feedback(highlight.community_id,
                    f"interview:{highlight.interview_id}:h:{highlight.id}")
    audit.record("highlight.deleted", "interview", highlight.interview_id, actor=actor,
                 community_id=highlight.community_id,
                 before={"highlight_id": highlight.id, "quote": highlight.quote[:200]})
    interview = highlight.interview
    interview.highlights.remove(highlight)
    db.session.delete(highlight)
    db.session.flush()
    sync_feedback(interview)


def revalidate_highlights(interview: Interview) -> None:
    """After the notes changed: find each highlight's passage again, or flag it as stale."""
    blocks = parse_notes(interview.notes)
    for h in interview.highlights:
        found = _refind(blocks, h)
        if found is None:
            h.stale = True
            continue
        index, start, end = found
        h.paragraph_index, h.start, h.end = index, start, end
        h.excerpt = blocks[index].source[start:end]
        h.stale = False


def _refind(blocks: list[NoteBlock], h: Highlight) -> tuple[int, int, int] | None:
    if 0 <= h.paragraph_index < len(blocks):
        same = blocks[h.paragraph_index].source
        if same[h.start:h.end] == h.excerpt:
            return h.paragraph_index, h.start, h.end
    by_distance = sorted((b for b in blocks if b.is_text),
                         key=lambda b: (abs(b.index - h.paragraph_index), b.index))
    for block in by_distance:
        pos = block.source.find(h.excerpt) if h.excerpt else -1
        if pos != -1:
            return block.index, pos, pos + len(h.excerpt)
    for block in by_distance:
        span = locate(block.source, h.quote, h.start)
        if span is not None:
            return block.index, span[0], span[1]
    return None


# --- lists and search ------------------------------------------------------------------------


@dataclass
class InterviewFilters:
    """How the interview list is narrowed."""

    q: str | None = None
    tag: str | None = None
    interviewee: str | None = None  # "m<user id>" for a member, "x<name>" for an external person
    channel: str | None = None


def list_interviews(community: Community, filters: InterviewFilters, *, limit: int = 20,
                    offset: int = 0) -> tuple[list[Interview], int]:
    """Interviews matching the filters, most recent first, and the total."""
    stmt = db.select(Interview).where(Interview.community_id == community.id)
    if filters.tag:
        stmt = stmt.where(Interview.id.in_(
            db.select(InterviewTag.interview_id).where(InterviewTag.name == filters.tag)))
    if filters.interviewee:
        kind, value = filters.interviewee[:1], filters.interviewee[1:]
        if kind == "m" and value.isdigit():
            stmt = stmt.where(Interview.interviewee_id == int(value))
        elif kind == "x" and value:
            stmt = stmt.where(Interview.interviewee_id.is_(None),
                              Interview.interviewee_name == value)
    if filters.channel:
        stmt = stmt.where(Interview.channel == filters.channel)
    if filters.q:
        needle = filters.q.strip()
        in_highlights = db.select(Highlight.interview_id).where(
            Highlight.community_id == community.id,
            Highlight.quote.icontains(needle, autoescape=True))
        stmt = stmt.where(db.or_(
            Interview.notes.icontains(needle, autoescape=True),
            Interview.title.icontains(needle, autoescape=True),
            Interview.interviewee_name.icontains(needle, autoescape=True),
            Interview.id.in_(in_highlights),
        ))
    total = int(db.session.execute(
        db.select(db.func.count()).select_from(stmt.subquery())).scalar_one())
    rows = db.session.execute(
        stmt.order_by(Interview.held_on.desc(), Interview.id.desc()).limit(limit).offset(offset)
    ).scalars().all()
    return list(rows), total


@dataclass
class SearchHit:
    """Where a search term appears in an interview: a paragraph or a highlight."""

    kind: str  # "paragraph" | "highlight"
    anchor: str
    snippet: str


def search_hits(interview: Interview, q: str, *, limit: int = 3) -> list[SearchHit]:
    """Snippets of the paragraphs and highlights that contain ``q``."""
    needle = (q or "").strip().lower()
    if not needle:
        return []
    hits: list[SearchHit] = []
    for block in parse_notes(interview.notes):
        text = block.plain
        pos = text.lower().find(needle)
        if pos != -1:
            hits.append(SearchHit("paragraph", block.anchor, _snippet(text, pos, len(needle))))
    for h in interview.highlights:
        pos = h.quote.lower().find(needle)
        if pos != -1:
            hits.append(SearchHit("highlight", h.anchor, _snippet(h.quote, pos, len(needle))))
    return hits[:limit]


def _snippet(text: str, pos: int, length: int, around: int = 30) -> str:
    start = max(0, pos - around)
    end = min(len(text), pos + length + around)
    flat = " ".join(text[start:end].split())
    return ("…" if start else "") + flat + ("…" if end < len(text) else "")


def interview_tags(community: Community) -> list[tuple[str, int]]:
    """Tags used on interviews, with how many interviews carry each."""
    rows = db.session.execute(
        db.select(InterviewTag.name, db.func.count(InterviewTag.id))
        .join(Interview, Interview.id == InterviewTag.interview_id)
        .where(Interview.community_id == community.id)
        .group_by(InterviewTag.name).order_by(db.func.count(InterviewTag.id).desc(),
                                             InterviewTag.name)
    ).all()
    return [(name, int(n)) for name, n in rows]


@dataclass
class Interviewee:
    """Someone who was interviewed, with how often."""

    key: str
    name: str
    is_member: bool
    count: int
    last_on: date


def interviewees(community: Community) -> list[Interviewee]:
    """Everyone interviewed in the community, most interviewed first."""
    rows = db.session.execute(
        db.select(Interview.interviewee_id, Interview.interviewee_name, Interview.held_on)
        .where(Interview.community_id == community.id)
    ).all()
    people: dict[str, Interviewee] = {}
    for user_id, name, held in rows:
        key = f"m{user_id}" if user_id else f"x{name}"
        entry = people.get(key)
        if entry is None:
            people[key] = Interviewee(key, name, bool(user_id), 1, held)
        else:
            entry.count += 1
            if held > entry.last_on:
                entry.last_on, entry.name = held, name
    return sorted(people.values(), key=lambda p: (-p.count, -p.last_on.toordinal(), p.name))


def highlights_list(community: Community, *, tag: str | None = None, sentiment=None,
                    limit: int = 50, offset: int = 0) -> tuple[list[Highlight], int]:
    """Highlights across all interviews, newest interview first, optionally by tag."""
    stmt = (db.select(Highlight).join(Interview, Interview.id == Highlight.interview_id)
            .where(Highlight.community_id == community.id))
    if tag:
        stmt = stmt.where(Highlight.id.in_(
            db.select(HighlightTag.highlight_id).where(HighlightTag.name == tag)))
    if sentiment not in (None, ""):
        stmt = stmt.where(Highlight.sentiment == _sentiment(sentiment))
    total = int(db.session.execute(
        db.select(db.func.count()).select_from(stmt.subquery())).scalar_one())
    rows = db.session.execute(
        stmt.order_by(Interview.held_on.desc(), Highlight.paragraph_index, Highlight.start)
        .limit(limit).offset(offset)
    ).scalars().all()
    return list(rows), total


def highlight_tags(community: Community) -> list[tuple[str, int]]:
    """Tags used on highlights, with counts."""
    rows = db.session.execute(
        db.select(HighlightTag.name, db.func.count(HighlightTag.id))
        .join(Highlight, Highlight.id == HighlightTag.highlight_id)
        .where(Highlight.community_id == community.id)
        .group_by(HighlightTag.name).order_by(db.func.count(HighlightTag.id).desc(),
                                             HighlightTag.name)
    ).all()
    return [(name, int(n)) for name, n in rows]


def operators_for_select(community: Community) -> list[User]:
    """Possible interviewers: the community's operators, managers and admins."""
    return list(db.session.execute(
        db.select(User).join(Membership, Membership.user_id == User.id).where(
            Membership.community_id == community.id,
            Membership.role.in_([Role.OPERATOR.value, Role.MANAGER.value, Role.ADMIN.value]),
        ).order_by(User.display_name)
    ).scalars())


@dataclass(frozen=True)
class MemberChoice:
    """A member offered as an interviewee: the name, and what tells namesakes apart."""

    id: int
    name: str
    detail: str

    @property
    def label(self) -> str:
        """The name with its detail, as one line."""
        return f"{self.name} · {self.detail}"


def _member_choices(community: Community, rows) -> list[MemberChoice]:
    from app.security.roles import ROLE_LABELS
    from app.services.insights.periods import local_date

    choices = []
    for uid, nick, name, role, joined in rows:
        detail = str(_l("%(day)s 加入", day=local_date(community, joined).isoformat()))
        if role != Role.MEMBER.value:
            detail = f"{ROLE_LABELS[Role(role)]} · {detail}"
        choices.append(MemberChoice(uid, nick or name, detail))
    return choices


def _member_rows(community: Community):
    return (db.select(User.id, Membership.nickname, User.display_name, Membership.role,
                      Membership.joined_at)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.community_id == community.id))


def members_for_select(community: Community, limit: int = 2000) -> list[MemberChoice]:
    """Members for choosing an interviewee, each with the join date (and role) that tells
    namesakes apart."""
    rows = db.session.execute(
        _member_rows(community)
        .order_by(db.func.coalesce(Membership.nickname, User.display_name),
                  Membership.joined_at).limit(limit)
    ).all()
    return _member_choices(community, rows)


def search_members(community: Community, q: str, limit: int = 20) -> list[MemberChoice]:
    """Members whose name (the community nickname or the account name) contains ``q``:
    names that start with it first, then by name and join date."""
    needle = " ".join((q or "").split())[:40]
    if not needle:
        return []
    name = db.func.coalesce(Membership.nickname, User.display_name)
    starts = db.case((name.istartswith(needle, autoescape=True), 0), else_=1)
    rows = db.session.execute(
        _member_rows(community)
        .where(db.or_(Membership.nickname.icontains(needle, autoescape=True),
                      User.display_name.icontains(needle, autoescape=True)))
        .order_by(starts, name, Membership.joined_at).limit(limit)
    ).all()
    return _member_choices(community, rows)
