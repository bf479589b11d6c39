"""API credentials for busy endpoints: who a bearer token acts as, as plain ids, briefly
cached per process.

Survey submission is the API's busiest call, and checking the token is one query of its
few. A token's credentials are therefore kept for ``CREDENTIALS_TTL`` seconds. Any commit
in this process that touches tokens, memberships or users empties the cache at once (the
handlers below, an entry of ``app.side_effects``); other
processes notice a revoked token, a removed member or a changed role within the TTL (the
same bound as the cached survey state in ``surveys.submission_info``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.orm import Session

from app.extensions import db
from app.models import ApiToken, Membership, User, utcnow
from app.security.roles import Role
from app.services.accounts.users import API_TOKEN_PREFIX, token_hash, token_role
from app.services.ttl_cache import TTLCache

CREDENTIALS_TTL = 2.0  # seconds
# A token's last use is recorded at most this often (it is shown to admins, not audited).
TOUCH_EVERY_SECONDS = 60


@dataclass(frozen=True)
class ApiCredentials:
    """Who an API token acts as, as plain ids (no model objects)."""

    token_id: int
    user_id: int
    community_id: int
    role: Role | None
    last_used_at: datetime | None


# By token hash; unknown and revoked tokens are kept too (as None).
_cache: TTLCache[ApiCredentials | None] = TTLCache(CREDENTIALS_TTL)
_QUERY = None


def _query():
    global _QUERY
    if _QUERY is None:  # built once: constructing the statement costs more than running it
        _QUERY = (
            db.select(ApiToken.id, ApiToken.user_id, ApiToken.community_id,
                      ApiToken.revoked_at, ApiToken.last_used_at, User.active,
                      User.is_superuser, Membership.role)
            .join(User, User.id == ApiToken.user_id)
            .outerjoin(Membership, db.and_(Membership.user_id == ApiToken.user_id,
                                           Membership.community_id == ApiToken.community_id))
            .where(ApiToken.token_hash == db.bindparam("token_hash"))
        )
    return _QUERY


def _load(hashed: str) -> ApiCredentials | None:
    row = db.session.connection().execute(_query(), {"token_hash": hashed}).first()
    if row is None or row.revoked_at is not None or not row.active:
        return None
    return ApiCredentials(row.id, row.user_id, row.community_id,
                          token_role(row.is_superuser, row.role), row.last_used_at)


def resolve_api_credentials(secret: str) -> ApiCredentials | None:
    """The live token behind a bearer secret as plain ids and the owner's role (None for an
    unknown, revoked or deactivated one), at most ``CREDENTIALS_TTL`` seconds old."""
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    hashed = token_hash(secret)
    return _cache.get_or_load(hashed, lambda: _load(hashed))


def record_use(secret: str, credentials: ApiCredentials) -> bool:
    """Record the token's use now if the last record is older than a minute; returns whether
    it wrote (then the caller commits)."""
    last = credentials.last_used_at
    now = utcnow()
    if last is not None and (now - last).total_seconds() <= TOUCH_EVERY_SECONDS:
        return False
    db.session.connection().execute(
        ApiToken.__table__.update().where(ApiToken.__table__.c.id == credentials.token_id)
        .values(last_used_at=now))
    _cache.replace(token_hash(secret), replace(credentials, last_used_at=now))
    return True


def forget_credentials() -> None:
    """Empty the cache (tokens, memberships or users changed)."""
    _cache.forget()


_WATCHED = (ApiToken, Membership, User)


def note_account_changes(session: Session) -> None:
    """After a flush: note whether it wrote tokens, memberships or users."""
    if any(isinstance(obj, _WATCHED)
           for group in (session.new, session.dirty, session.deleted) for obj in group):
        session.info["api_credentials.changed"] = True


def account_changes_committed(session: Session) -> None:
    """After a commit: empty the cache if account rows changed."""
    if session.info.pop("api_credentials.changed", False):
        forget_credentials()


def account_changes_rolled_back(session: Session) -> None:
    """After a rollback: the noted changes never happened."""
    session.info.pop("api_credentials.changed", None)

