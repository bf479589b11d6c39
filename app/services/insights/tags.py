"""Tags on feedback items: operators' own tags in the inbox, plus the tags that items carry
from their source (suggestion tags, interview highlight tags), all filterable by one name.

Sources add their tags through ``TAG_SOURCES``: each gives the tag names in use and a
condition that selects the feedback items carrying a tag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.extensions import db
from app.models import (
    FeedbackItem,
    Highlight,
    HighlightTag,
    ItemTag,
    SourceKind,
    SuggestionTag,
)
from app.services.tags import parse_tags


@dataclass(frozen=True)
class TagSource:
    """Where item tags come from: the names in use and the items that carry a name."""

    key: str
    names: Callable[[int], list[tuple[str, int]]]
    clause: Callable[[int, str], object]


def _own_names(community_id: int) -> list[tuple[str, int]]:
    return [(n, c) for n, c in db.session.execute(
        db.select(ItemTag.name, db.func.count(ItemTag.id))
        .where(ItemTag.community_id == community_id).group_by(ItemTag.name)
    ).all()]


def _own_clause(community_id: int, name: str):
    return db.select(ItemTag.id).where(ItemTag.feedback_item_id == FeedbackItem.id,
                                       ItemTag.name == name).exists()


def _suggestion_names(community_id: int) -> list[tuple[str, int]]:
    from app.models import Suggestion

    return [(n, c) for n, c in db.session.execute(
        db.select(SuggestionTag.name, db.func.count(SuggestionTag.id))
        .join(Suggestion, Suggestion.id == SuggestionTag.suggestion_id)
        .where(Suggestion.community_id == community_id).group_by(SuggestionTag.name)
    ).all()]


def _suggestion_clause(community_id: int, name: str):
    return db.and_(
        FeedbackItem.source_kind == SourceKind.SUGGESTION.value,
        db.select(SuggestionTag.id).where(SuggestionTag.suggestion_id == FeedbackItem.source_id,
                                          SuggestionTag.name == name).exists(),
    )


def _highlight_names(community_id: int) -> list[tuple[str, int]]:
    return [(n, c) for n, c in db.session.execute(
        db.select(HighlightTag.name, db.func.count(HighlightTag.id))
        .join(Highlight, Highlight.id == HighlightTag.highlight_id)
        .where(Highlight.community_id == community_id).group_by(HighlightTag.name)
    ).all()]


def _highlight_clause(community_id: int, name: str):
    # A highlight's feedback item is keyed "interview:<interview id>:h:<highlight id>".
    keys = (
        db.select(db.literal("interview:") + db.cast(Highlight.interview_id, db.String)
                  + db.literal(":h:") + db.cast(Highlight.id, db.String))
        .join(HighlightTag, HighlightTag.highlight_id == Highlight.id)
        .where(Highlight.community_id == community_id, HighlightTag.name == name)
    )
    return db.and_(FeedbackItem.source_kind == SourceKind.INTERVIEW_HIGHLIGHT.value,
                   FeedbackItem.source_key.in_(keys))


TAG_SOURCES: list[TagSource] = [
    TagSource("item", _own_names, _own_clause),
    TagSource("suggestion", _suggestion_names, _suggestion_clause),
    TagSource("highlight", _highlight_names, _highlight_clause),
]


def tags_in_use(community_id: int) -> list[tuple[str, int]]:
    """Every tag name on the community's feedback, with how often it is used, most first."""
    counts: dict[str, int] = {}
    for source in TAG_SOURCES:
        for name, count in source.names(community_id):
            counts[name] = counts.get(name, 0) + int(count)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def tag_clause(community_id: int, name: str):
    """A condition on FeedbackItem: the item carries tag ``name`` from any source."""
    return db.or_(*(source.clause(community_id, name) for source in TAG_SOURCES))


def item_tags(item_ids: list[int]) -> dict[int, list[str]]:
    """Operators' tags of some items."""
    out: dict[int, list[str]] = {}
    if not item_ids:
        return out
    for item_id, name in db.session.execute(
        db.select(ItemTag.feedback_item_id, ItemTag.name)
        .where(ItemTag.feedback_item_id.in_(item_ids)).order_by(ItemTag.name)
    ):
        out.setdefault(item_id, []).append(name)
    return out


def set_item_tags(item: FeedbackItem, value, *, actor) -> list[str]:
    """Replace an item's operator tags (comma, 、 or newline separated)."""
    names = parse_tags(value)
    current = {t.name: t for t in db.session.execute(
        db.select(ItemTag).where(ItemTag.feedback_item_id == item.id)).scalars()}
    for name, tag in current.items():
        if name not in names:
            db.session.delete(tag)
    for name in names:
        if name not in current:
            db.session.add(ItemTag(community_id=item.community_id, feedback_item_id=item.id,
                                   name=name, created_by_id=getattr(actor, "id", None)))
    db.session.flush()
    return names
