"""Links from a feedback item back to the exact place it came from (a registry by source kind).

Each text source registers a function ``(item, community_slug) -> path``; the insight
workspace and the reports use :func:`source_link` to let people jump to the original.
"""

from __future__ import annotations

from collections.abc import Callable

from app.models import FeedbackItem, SourceKind

SourceLink = Callable[[FeedbackItem, str], str | None]
SOURCE_LINKS: dict[str, SourceLink] = {}


def register_source_link(kind: SourceKind | str):
    """Register the link builder of a source kind."""

    def decorator(fn: SourceLink) -> SourceLink:
        SOURCE_LINKS[SourceKind(kind).value] = fn
        return fn

    return decorator


def source_link(item: FeedbackItem, community_slug: str) -> str | None:
    """The path (with an anchor where useful) of the item's original, or None if unknown."""
    builder = SOURCE_LINKS.get(item.source_kind)
    return builder(item, community_slug) if builder else None


@register_source_link(SourceKind.SUGGESTION)
def _suggestion(item: FeedbackItem, slug: str) -> str | None:
    ref = item.source_ref or {}
    sid = ref.get("suggestion_id") or item.source_id
    if not sid:
        return None
    anchor = {"comment": f"#comment-{ref.get('comment_id')}",
              "answer": f"#update-{ref.get('answer_id')}"}.get(ref.get("part"), "")
    return f"/c/{slug}/suggestions/{int(sid)}{anchor}"


@register_source_link(SourceKind.INTERVIEW_PASSAGE)
def _passage(item: FeedbackItem, slug: str) -> str | None:
    ref = item.source_ref or {}
    if not ref.get("interview_id"):
        return None
    return f"/c/{slug}/interviews/{int(ref['interview_id'])}#{ref.get('anchor', '')}"


@register_source_link(SourceKind.INTERVIEW_HIGHLIGHT)
def _highlight(item: FeedbackItem, slug: str) -> str | None:
    ref = item.source_ref or {}
    if not ref.get("interview_id"):
        return None
    return f"/c/{slug}/interviews/{int(ref['interview_id'])}#h-{int(ref['highlight_id'])}"
