"""The demo community (示例社群): generated, varied Chinese content over six months.

Each capability adds its data as a step: ``@demo_step(order, "name")`` on a function that
takes the ``DemoContext``. Steps run in order inside one transaction.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from app.demo.vocab import COMMUNITY_SLUG, DEMO_DAYS
from app.extensions import db
from app.models import Community, Membership, User, utcnow

DEMO_PASSWORD = "huisheng-demo"  # noqa: S105 - printed on purpose: demo logins only  # nosec B105
DEMO_SEED = 20261124
DEMO_EMAIL_DOMAINS = ("@example.com", "@members.example.com")


@dataclass
class DemoLogin:
    """A demo account that people can sign in with."""

    key: str
    email: str
    name: str
    role: str
    what: str


DEMO_LOGINS = (
    DemoLogin("admin", "admin@example.com", "老周", "admin", "群主，社群管理员兼站点管理员"),
    DemoLogin("manager", "manager@example.com", "王主理", "manager", "管理者，接收改进报告"),
    DemoLogin("operator", "operator@example.com", "运营小林", "operator", "运营者"),
    DemoLogin("mentor", "mentor@example.com", "助教阿梁", "operator", "运营者（助教）"),
    DemoLogin("member", "member@example.com", "阿青", "member", "社群成员"),
)


@dataclass
class DemoContext:
    """What the steps share: the community, its people, a seeded RNG and the timeline."""

    community: Community
    staff: dict[str, User]
    rng: random.Random
    start: datetime
    members: list[Membership] = field(default_factory=list)
    notes: dict[str, object] = field(default_factory=dict)

    def at(self, day: float) -> datetime:
        """The datetime of a (fractional) demo day; day 0 is 180 days ago."""
        return self.start + timedelta(days=min(max(day, 0.0), DEMO_DAYS - 0.01))

    def day_of(self, when: datetime) -> float:
        """The demo day of a datetime."""
        return (when - self.start).total_seconds() / 86400

    def member_users(self) -> list[User]:
        """Users with the plain member role (including the demo member)."""
        return [m.user for m in self.members]


DemoStep = Callable[[DemoContext], None]
STEPS: list[tuple[int, str, DemoStep]] = []


def demo_step(order: int, name: str):
    """Register a function as a demo-loading step."""

    def decorator(fn: DemoStep) -> DemoStep:
        STEPS.append((order, name, fn))
        STEPS.sort(key=lambda s: s[0])
        return fn

    return decorator


def demo_exists() -> bool:
    """Whether the demo community is already loaded."""
    return db.session.execute(
        db.select(Community.id).where(Community.slug == COMMUNITY_SLUG)
    ).first() is not None


def remove_demo() -> None:
    """Delete the demo community, everything in it, and the demo accounts."""
    community = db.session.execute(
        db.select(Community).where(Community.slug == COMMUNITY_SLUG)
    ).scalar_one_or_none()
    if community is not None:
        db.session.delete(community)
        db.session.flush()
    for domain in DEMO_EMAIL_DOMAINS:
        db.session.execute(db.delete(User).where(User.email.endswith(domain, autoescape=True)))
    db.session.commit()


def load_demo(*, seed: int = DEMO_SEED, log: Callable[[str], None] = print) -> DemoContext:
    """Create the demo community and run every registered step; commits at the end."""
    from app.demo import steps  # noqa: F401  (registers the steps)

    # Seeded on purpose: the demo must come out the same every time (it is no secret).
    rng = random.Random(seed)  # nosec B311
    start = (utcnow() - timedelta(days=DEMO_DAYS)).replace(hour=0, minute=0, second=0,
                                                           microsecond=0)
    ctx = DemoContext(community=None, staff={}, rng=rng, start=start)  # type: ignore[arg-type]
    for _order, name, fn in STEPS:
        log(f"  demo: {name}")
        fn(ctx)
        db.session.flush()
    db.session.commit()
    return ctx
