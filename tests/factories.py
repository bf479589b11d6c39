"""Factory builders with sensible defaults for tests."""

from __future__ import annotations

import itertools
from functools import lru_cache

from app.extensions import db
from app.models import Community, Membership, User
from app.security.passwords import hash_password
from app.security.roles import Role

DEFAULT_PASSWORD = "correct-horse-battery"  # noqa: S105
_seq = itertools.count(1)


@lru_cache(maxsize=1)
def _default_hash() -> str:
    # Hashing with argon2 is deliberately slow; reuse one hash of the default password.
    return hash_password(DEFAULT_PASSWORD)


def make_user(*, email: str | None = None, display_name: str | None = None,
              is_superuser: bool = False, **fields) -> User:
    """A user whose password is ``DEFAULT_PASSWORD``."""
    n = next(_seq)
    user = User(
        email=(email or f"user{n}@example.org").lower(),
        display_name=display_name or f"用户{n}",
        password_hash=fields.pop("password_hash", None) or _default_hash(),
        is_superuser=is_superuser,
        **fields,
    )
    db.session.add(user)
    db.session.flush()
    return user


def make_community(*, slug: str | None = None, name: str | None = None, **fields) -> Community:
    """A community with a unique slug."""
    n = next(_seq)
    community = Community(slug=slug or f"c{n}", name=name or f"测试社群{n}", **fields)
    db.session.add(community)
    db.session.flush()
    return community


def make_member(community: Community, role: Role | str = Role.MEMBER, *,
                user: User | None = None, **user_fields) -> User:
    """A user with a role in the community."""
    user = user or make_user(**user_fields)
    db.session.add(Membership(user_id=user.id, community_id=community.id, role=Role(role).value))
    db.session.flush()
    return user


def make_survey(community: Community, definition: dict | None = None, *,
                template: str | None = None, access_mode: str = "anonymous",
                publish: bool = True, channels=(), actor: User | None = None, **fields):
    """A survey from a definition dict or a template, published by default."""
    import surveys as domain
    from app.services.surveys import lifecycle as survey_service

    survey = survey_service.create_survey(community, actor=actor, template_key=template,
                                          access_mode=access_mode)
    if definition is not None:
        survey_service.save_definition(survey, domain.Survey.from_dict(definition))
    if channels:
        survey_service.set_channels(survey, list(channels), actor=actor)
    for name, value in fields.items():
        setattr(survey, name, value)
    if publish:
        survey_service.publish(survey, actor=actor)
    db.session.flush()
    return survey
