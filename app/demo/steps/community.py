"""Demo step: the community, its staff, and about 320 members who joined over six months."""

from __future__ import annotations

import math

from app.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoContext, demo_step
from app.demo.people import nickname
from app.demo.vocab import COMMUNITY_DESCRIPTION, COMMUNITY_NAME, COMMUNITY_SLUG, DEMO_DAYS
from app.extensions import db
from app.models import Community, Membership, User
from app.security.passwords import UNUSABLE_PASSWORD, hash_password
from app.services import audit

MEMBER_COUNT = 320


def join_rate(day: float) -> float:
    """Relative joining rate: steady growth, plus a referral campaign (裂变) on days 60–92."""
    rate = 1.0 + day / 120
    if 60 <= day <= 92:
        rate *= 3.2
    return rate


@demo_step(10, "community, staff and members")
def create_community(ctx: DemoContext) -> None:
    """Create 示例社群 with its staff logins and members."""
    rng = ctx.rng
    community = Community(
        slug=COMMUNITY_SLUG, name=COMMUNITY_NAME, description=COMMUNITY_DESCRIPTION,
        settings={"public_board": True},
        created_at=ctx.at(0), updated_at=ctx.at(0),
    )
    db.session.add(community)
    db.session.flush()
    ctx.community = community
    password_hash = hash_password(DEMO_PASSWORD)
    for login in DEMO_LOGINS:
        user = User(
            email=login.email, display_name=login.name, password_hash=password_hash,
            is_superuser=(login.key == "admin"), created_at=ctx.at(0),
        )
        db.session.add(user)
        db.session.flush()
        joined = ctx.at(0 if login.role != "member" else 20)
        membership = Membership(
            user_id=user.id, community_id=community.id, role=login.role, nickname=login.name,
            joined_at=joined, created_at=joined,
        )
        db.session.add(membership)
        ctx.staff[login.key] = user
        if login.role == "member":
            ctx.members.append(membership)
    audit.record("community.created", "community", community.id, actor=ctx.staff["admin"],
                 community_id=community.id, after={"name": COMMUNITY_NAME})

    weights = [join_rate(d) for d in range(DEMO_DAYS)]
    days = rng.choices(range(DEMO_DAYS), weights=weights, k=MEMBER_COUNT)
    users = []
    for i, day in enumerate(sorted(days)):
        when = ctx.at(day + rng.random())
        user = User(
            email=f"m{i + 1:04d}@members.example.com", display_name=nickname(rng),
            password_hash=UNUSABLE_PASSWORD, created_at=when,
        )
        users.append((user, when))
    db.session.add_all([u for u, _ in users])
    db.session.flush()
    memberships = [
        Membership(user_id=u.id, community_id=community.id, role="member",
                   nickname=u.display_name, joined_at=when, created_at=when)
        for u, when in users
    ]
    db.session.add_all(memberships)
    db.session.flush()
    ctx.members.extend(memberships)
    ctx.notes["member_join_days"] = [math.floor(d) for d in days]
