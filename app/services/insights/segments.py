"""Member segments for filtering feedback, each defined at the time of the feedback.

- 新成员 (``new``): the author had joined the community less than 30 days before writing it.
- 老成员 (``veteran``): the author had been a member for 90 days or more.
- 活跃成员 (``active``): the author sent at least 3 pieces of feedback (any source) in the 30
  days up to and including this one.
- 实名 (``identified``) / 匿名 (``anonymous``): whether an author is recorded at all; anonymous
  feedback never carries an identity, so it is in no member segment above.

The days of membership and the recent count are stored with each item's analysis, so the
filters are plain column conditions. Segments are a registry: add one with ``Segment``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.models import FeedbackItem, ItemAnalysis

NEW_MEMBER_DAYS = 30
VETERAN_DAYS = 90
ACTIVE_MIN_ITEMS = 3


@dataclass(frozen=True)
class Segment:
    """A named group of feedback authors and the condition that selects their items."""

    key: str
    label: object
    description: object
    clause: Callable[[], object]
    needs_analysis: bool = True


SEGMENTS: dict[str, Segment] = {}


def register(segment: Segment) -> Segment:
    """Add a segment to the registry."""
    SEGMENTS[segment.key] = segment
    return segment


def get_segment(key: str | None) -> Segment | None:
    """The segment called ``key``, or None."""
    return SEGMENTS.get(key or "")


register(Segment(
    "new", _l("新成员"), _l("写反馈时入群不满 30 天"),
    lambda: ItemAnalysis.member_days.between(0, NEW_MEMBER_DAYS - 1),
))
register(Segment(
    "veteran", _l("老成员"), _l("写反馈时已入群 90 天以上"),
    lambda: ItemAnalysis.member_days >= VETERAN_DAYS,
))
register(Segment(
    "active", _l("活跃成员"), _l("此前 30 天内（含本条）至少反馈 3 次"),
    lambda: ItemAnalysis.author_recent >= ACTIVE_MIN_ITEMS,
))
register(Segment(
    "identified", _l("实名反馈"), _l("留下了作者身份的反馈"),
    lambda: FeedbackItem.author_id.is_not(None), needs_analysis=False,
))
register(Segment(
    "anonymous", _l("匿名反馈"), _l("匿名提交，不记录任何身份"),
    lambda: FeedbackItem.author_id.is_(None), needs_analysis=False,
))
