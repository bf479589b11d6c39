"""The feedback inbox: every feedback item of a community, filtered, searched and paged.

Paging is by keyset on (occurred_at, id), newest first, so page 500 costs what page 1 costs.
Items not analysed yet (just submitted) are listed too, with their analysis pending.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from app.extensions import db
from app.models import Community, FeedbackItem, InsightTheme, ItemAnalysis
from app.services.insights import analysis
from app.services.insights.periods import to_utc
from app.services.insights.search import query_tokens, search_clause
from app.services.insights.segments import get_segment
from app.services.insights.tags import item_tags, tag_clause
from app.services.ttl_cache import TTLCache

PAGE_SIZE = 25
# Filtered lists are counted up to here ("1,000+"): beyond it, an exact count of a search or
# a filter would cost more than the page itself. The unfiltered total is always exact.
COUNT_CAP = 1_000
_CHANNEL_CACHE: TTLCache[list[str]] = TTLCache(60.0)


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox shows. Empty values mean "any"."""

    kinds: tuple[str, ...] = ()
    survey_id: int | None = None
    question_id: str | None = None
    channel: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    theme: int | None = None
    sentiment: int | None = None
    tag: str | None = None
    segment: str | None = None
    q: str | None = None
    corrected: bool = False

    @property
    def needs_analysis(self) -> bool:
        """Whether the filters look at analysis results (theme, sentiment, segments)."""
        seg = get_segment(self.segment)
        return (self.theme is not None or self.sentiment is not None or self.corrected
                or (seg is not None and seg.needs_analysis))

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return any(v not in (None, (), "", False) for v in self.__dict__.values())

    def as_args(self) -> dict[str, Any]:
        """The filters as the inbox page's URL query arguments."""
        args: dict[str, Any] = {}
        if self.kinds:
            args["kind"] = list(self.kinds)
        if self.survey_id is not None:
            args["survey"] = (f"{self.survey_id}:{self.question_id}" if self.question_id
                              else str(self.survey_id))
        for name in ("channel", "theme", "sentiment", "tag", "segment", "q"):
            value = getattr(self, name)
            if value not in (None, ""):
                args[name] = value
        if self.date_from:
            args["start"] = self.date_from.isoformat()
        if self.date_to:
            args["end"] = self.date_to.isoformat()
        if self.corrected:
            args["corrected"] = 1
        return args


@dataclass
class InboxRow:
    """One item as the inbox shows it."""

    item: FeedbackItem
    analysis: ItemAnalysis | None
    theme_name: str | None
    tags: list[str] = field(default_factory=list)
    link: str | None = None


@dataclass
class InboxPage:
    """A page of the inbox with its cursors."""

    rows: list[InboxRow]
    total: int
    total_capped: bool
    next_cursor: str | None
    prev_cursor: str | None
    run_id: int | None
    query_words: list[str] = field(default_factory=list)


def encode_cursor(occurred_at: datetime, item_id: int) -> str:
    """An opaque cursor for keyset paging."""
    raw = f"{occurred_at.isoformat()}|{item_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, int] | None:
    """The position a cursor stands for, or None when it is missing or malformed."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _, item_id = raw.partition("|")
        return datetime.fromisoformat(stamp), int(item_id)
    except (ValueError, UnicodeDecodeError):
        return None


def survey_clause(survey_id: int, question_id: str | None = None):
    """Items of one survey (or one of its questions), by their source columns."""
    # Only survey answers have a survey_id (``source_links``), so no source kind condition:
    # without it SQLite picks the survey index rather than the (community, kind) one.
    clause = FeedbackItem.survey_id == int(survey_id)
    if question_id:
        clause = db.and_(clause, FeedbackItem.question_key == question_id)
    return clause


def _conditions(community: Community, filters: InboxFilters) -> list:
    where = [FeedbackItem.community_id == community.id]
    if filters.kinds:
        where.append(FeedbackItem.source_kind.in_(list(filters.kinds)))
    if filters.survey_id is not None:
        where.append(survey_clause(filters.survey_id, filters.question_id))
    if filters.channel:
        where.append(FeedbackItem.channel == filters.channel)
    if filters.date_from:
        where.append(FeedbackItem.occurred_at >= to_utc(community, filters.date_from))
    if filters.date_to:
        where.append(FeedbackItem.occurred_at < to_utc(community,
                                                       filters.date_to + timedelta(days=1)))
    if filters.theme is not None:
        where.append(ItemAnalysis.theme_key == filters.theme)
    if filters.sentiment is not None:
        where.append(ItemAnalysis.sentiment_label == filters.sentiment)
    if filters.corrected:
        where.append(db.or_(ItemAnalysis.sentiment_corrected.is_(True),
                            ItemAnalysis.theme_corrected.is_(True)))
    if filters.tag:
        where.append(tag_clause(community.id, filters.tag))
    segment = get_segment(filters.segment)
    if segment is not None:
        where.append(segment.clause())
    if filters.q:
        clause = search_clause(filters.q)
        if clause is not None:
            where.append(clause)
    return where


def _base(community: Community, filters: InboxFilters, run_id: int | None, columns):
    stmt = db.select(*columns)
    join_on = db.and_(ItemAnalysis.feedback_item_id == FeedbackItem.id,
                      ItemAnalysis.run_id == (run_id if run_id is not None else -1))
    if filters.needs_analysis:
        stmt = stmt.select_from(FeedbackItem).join(ItemAnalysis, join_on)
    else:
        stmt = stmt.select_from(FeedbackItem).outerjoin(ItemAnalysis, join_on)
    return stmt.where(*_conditions(community, filters))


def count(community: Community, filters: InboxFilters, *, cap: int = COUNT_CAP
          ) -> tuple[int, bool]:
    """How many items match (counting stops at ``cap`` when filtered); returns
    (count, capped)."""
    if not filters.active:
        total = db.session.execute(db.select(db.func.count(FeedbackItem.id)).where(
            FeedbackItem.community_id == community.id)).scalar_one()
        return int(total), False
    run_id = analysis.current_run_id(community.id)
    inner = _base(community, filters, run_id, [FeedbackItem.id]).limit(cap + 1).subquery()
    total = int(db.session.execute(db.select(db.func.count()).select_from(inner)).scalar_one())
    return min(total, cap), total > cap


def page(community: Community, filters: InboxFilters, *, after: str | None = None,
         before: str | None = None, limit: int = PAGE_SIZE, with_count: bool = True,
         link_for=None) -> InboxPage:
    """One page of matching items, newest first, after or before a cursor."""
    run_id = analysis.current_run_id(community.id)
    stmt = _base(community, filters, run_id, [FeedbackItem, ItemAnalysis])
    position = decode_cursor(before) if before else decode_cursor(after)
    backwards = bool(before and position)
    if position is not None:
        stamp, item_id = position
        # Spelled out (not a row-value comparison) so that both databases use the
        # (community_id, occurred_at) index for the range.
        if backwards:
            stmt = stmt.where(FeedbackItem.occurred_at >= stamp, db.or_(
                FeedbackItem.occurred_at > stamp, FeedbackItem.id > item_id))
        else:
            stmt = stmt.where(FeedbackItem.occurred_at <= stamp, db.or_(
                FeedbackItem.occurred_at < stamp, FeedbackItem.id < item_id))
    if backwards:
        stmt = stmt.order_by(FeedbackItem.occurred_at.asc(), FeedbackItem.id.asc())
    else:
        stmt = stmt.order_by(FeedbackItem.occurred_at.desc(), FeedbackItem.id.desc())
    found = db.session.execute(stmt.limit(limit + 1)).all()
    more = len(found) > limit
    found = found[:limit]
    if backwards:
        found.reverse()
    names = theme_names(community.id)
    tags = item_tags([item.id for item, _ in found])
    rows = [
        InboxRow(item, ia, names.get(ia.theme_key) if ia is not None else None,
                 tags.get(item.id, []), link_for(item) if link_for else None)
        for item, ia in found
    ]
    next_cursor = prev_cursor = None
    if rows:
        first, last = rows[0].item, rows[-1].item
        if backwards:
            next_cursor = encode_cursor(last.occurred_at, last.id)
            prev_cursor = encode_cursor(first.occurred_at, first.id) if more else None
        else:
            next_cursor = encode_cursor(last.occurred_at, last.id) if more else None
            prev_cursor = encode_cursor(first.occurred_at, first.id) if position else None
    total, capped = count(community, filters) if with_count else (len(rows), False)
    return InboxPage(rows, total, capped, next_cursor, prev_cursor, run_id,
                     query_tokens(filters.q) if filters.q else [])


def theme_names(community_id: int) -> dict[int, str]:
    """Theme key → name for the community."""
    return dict(db.session.execute(
        db.select(InsightTheme.key, InsightTheme.name)
        .where(InsightTheme.community_id == community_id)
    ).all())


def channels(community_id: int) -> list[str]:
    """The channels the community's feedback came through (cached for a minute)."""
    return _CHANNEL_CACHE.get_or_load(community_id, lambda: sorted(
        c for c in db.session.execute(
            db.select(FeedbackItem.channel).where(FeedbackItem.community_id == community_id,
                                                  FeedbackItem.channel.is_not(None)).distinct()
        ).scalars() if c))


def with_theme(filters: InboxFilters, theme: int | None) -> InboxFilters:
    """The same filters for another theme."""
    return replace(filters, theme=theme)
