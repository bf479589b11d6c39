"""Communities: creating them, listing them for a user, and their overview numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Community, FeedbackItem, Membership, User, utcnow
from app.security.roles import Role
from app.services import audit
from app.services.errors import Conflict, ServiceError

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
RESERVED_SLUGS = {"new", "admin", "api", "static", "auth", "login"}


def create_community(
    name: str, slug: str, *, actor: User | None, description: str = "", admin: User | None = None
) -> Community:
    """Create a community; ``admin`` (default: the actor) becomes its first admin."""
    name = (name or "").strip()
    slug = (slug or "").strip().lower()
    if not name:
        raise ServiceError(_l("请填写社群名称。"), code="name_required", field="name")
    if len(name) > 120:
        raise ServiceError(_l("社群名称不能超过 120 个字符。"), code="name_too_long", field="name")
    if not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        raise ServiceError(
            _l("短网址只能包含小写字母、数字和连字符，且不能以连字符开头或结尾。"),
            code="invalid_slug", field="slug",
        )
    if db.session.execute(db.select(Community.id).where(Community.slug == slug)).first():
        raise Conflict(_l("该短网址已被使用。"), code="slug_taken", field="slug")
    community = Community(name=name, slug=slug, description=(description or "").strip())
    db.session.add(community)
    db.session.flush()
    audit.record(
        "community.created", "community", community.id, actor=actor,
        community_id=community.id, after={"name": name, "slug": slug},
    )
    first_admin = admin or actor
    if first_admin is not None:
        from app.services.accounts.users import add_member

        add_member(community, first_admin, Role.ADMIN, actor=actor)
    return community


@dataclass
class CommunityWithRole:
    """A community as seen by one user."""

    community: Community
    role: Role


def communities_for(user: User) -> list[CommunityWithRole]:
    """The communities the user belongs to, with their role (site admins see all)."""
    if user.is_superuser:
        rows = db.session.execute(db.select(Community).order_by(Community.name)).scalars()
        return [CommunityWithRole(c, Role.ADMIN) for c in rows]
    rows = db.session.execute(
        db.select(Community, Membership.role)
        .join(Membership, Membership.community_id == Community.id)
        .where(Membership.user_id == user.id)
        .order_by(Community.name)
    )
    return [CommunityWithRole(c, Role(role)) for c, role in rows]


def list_members(community: Community, *, query: str = "", limit: int = 50, offset: int = 0):
    """Members of a community with their users, newest first, optionally filtered by text."""
    stmt = (
        db.select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.community_id == community.id)
    )
    if query:
        # autoescape: a % or _ typed in the box is searched for, not a wildcard
        needle = query.strip()
        stmt = stmt.where(
            db.or_(User.display_name.icontains(needle, autoescape=True),
                   User.email.icontains(needle, autoescape=True),
                   Membership.nickname.icontains(needle, autoescape=True))
        )
    total = db.session.execute(
        db.select(db.func.count()).select_from(stmt.subquery())
    ).scalar_one()
    rows = db.session.execute(
        stmt.order_by(Membership.joined_at.desc(), Membership.id.desc()).limit(limit).offset(offset)
    ).all()
    return rows, total


@dataclass
class Overview:
    """Headline numbers for a community's home page."""

    members: int
    new_members_30d: int
    staff: int
    feedback_total: int
    feedback_30d: int
    feedback_by_kind_30d: dict[str, int]
    anonymous_share_30d: float


def overview(community: Community) -> Overview:
    """Counts of members and feedback for the community dashboard."""
    since = utcnow() - timedelta(days=30)
    count = db.func.count

    def scalar(stmt) -> int:
        return int(db.session.execute(stmt).scalar_one() or 0)

    members = scalar(db.select(count(Membership.id)).where(Membership.community_id == community.id))
    new_members = scalar(
        db.select(count(Membership.id)).where(
            Membership.community_id == community.id, Membership.joined_at >= since
        )
    )
    staff = scalar(
        db.select(count(Membership.id)).where(
            Membership.community_id == community.id, Membership.role != Role.MEMBER.value
        )
    )
    total = scalar(
        db.select(count(FeedbackItem.id)).where(FeedbackItem.community_id == community.id)
    )
    by_kind = dict(
        db.session.execute(
            db.select(FeedbackItem.source_kind, count(FeedbackItem.id))
            .where(FeedbackItem.community_id == community.id, FeedbackItem.occurred_at >= since)
            .group_by(FeedbackItem.source_kind)
        ).all()
    )
    recent = sum(by_kind.values())
    anonymous = scalar(
        db.select(count(FeedbackItem.id)).where(
            FeedbackItem.community_id == community.id,
            FeedbackItem.occurred_at >= since,
            FeedbackItem.author_id.is_(None),
        )
    )
    return Overview(
        members=members,
        new_members_30d=new_members,
        staff=staff,
        feedback_total=total,
        feedback_30d=recent,
        feedback_by_kind_30d=by_kind,
        anonymous_share_30d=(anonymous / recent) if recent else 0.0,
    )
