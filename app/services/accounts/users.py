"""Accounts: creating users, signing in, passwords, invitations and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import ApiToken, Community, Invitation, Membership, User, utcnow
from app.models.accounts import new_session_nonce
from app.security.passwords import hash_password, needs_rehash, verify_password
from app.security.roles import Role
from app.services import audit
from app.services.errors import Conflict, NotFound, ServiceError

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    """Validate an email address (syntax only) and return it in normal form, lower-cased."""
    # Imported here: its tables cost every process start 20 ms, and few requests need it.
    from email_validator import EmailNotValidError, validate_email

    try:
        info = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ServiceError(_l("邮箱地址格式不正确。"), code="invalid_email", field="email") from exc
    return info.normalized.lower()


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short or trivially weak."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError(
            _l("密码至少需要 %(n)d 个字符。", n=MIN_PASSWORD_LENGTH),
            code="weak_password", field="password",
        )
    if len(set(password)) < 4:
        raise ServiceError(
            _l("密码过于简单，请混合使用不同字符。"), code="weak_password", field="password"
        )


def find_user_by_email(email: str) -> User | None:
    """The user with this email (case-insensitive), if any."""
    return db.session.execute(
        db.select(User).where(User.email == email.strip().lower())
    ).scalar_one_or_none()


def create_user(
    email: str,
    password: str | None,
    *,
    display_name: str | None = None,
    is_superuser: bool = False,
    password_hash: str | None = None,
) -> User:
    """Create a user; the email must be new. ``password=None`` needs ``password_hash``."""
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise Conflict(_l("该邮箱已注册。"), code="email_taken", field="email")
    if password is not None:
        check_password_strength(password)
        password_hash = hash_password(password)
    if password_hash is None:
        raise ValueError("create_user needs a password or a password hash")
    user = User(
        email=email,
        display_name=(display_name or email.split("@", 1)[0]).strip()[:80],
        password_hash=password_hash,
        is_superuser=is_superuser,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None. Upgrades old hashes."""
    user = find_user_by_email(email)
    if user is None:
        # Spend comparable time so that response times do not reveal which emails exist.
        verify_password(_dummy_hash(), password)
        return None
    if not user.active or not verify_password(user.password_hash, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A real hash of a random password, made on the first sign-in with an unknown email.

    Hashing is deliberately slow (about 0.2 s), so it is not paid by every process at import.
    """
    return hash_password(secrets.token_urlsafe(12))


def change_password(user: User, current: str, new: str) -> None:
    """Change a password after checking the current one; ends the user's other sessions."""
    if not verify_password(user.password_hash, current):
        raise ServiceError(_l("当前密码不正确。"), code="wrong_password", field="current_password")
    check_password_strength(new)
    user.password_hash = hash_password(new)
    end_sessions(user)
    audit.record("user.password_changed", "user", user.id, actor=user)


def end_sessions(user: User | None) -> None:
    """Invalidate every session cookie of ``user`` (each carries the user's session nonce,
    checked on every request): on sign-out, password change and role removal."""
    if user is not None:
        user.session_nonce = new_session_nonce()


# --- memberships --------------------------------------------------------------------------


def add_member(
    community: Community, user: User, role: Role | str, *, actor=None, nickname: str | None = None
) -> Membership:
    """Give the user a role in the community (or change it if they are already a member)."""
    role = Role(role)
    membership = db.session.execute(
        db.select(Membership).where(
            Membership.user_id == user.id, Membership.community_id == community.id
        )
    ).scalar_one_or_none()
    if membership is None:
        membership = Membership(
            user_id=user.id, community_id=community.id, role=role.value, nickname=nickname
        )
        db.session.add(membership)
        db.session.flush()
        audit.record(
            "membership.added", "membership", membership.id, actor=actor,
            community_id=community.id, after={"user_id": user.id, "role": role.value},
        )
    elif membership.role != role.value:
        before = membership.role
        membership.role = role.value
        audit.record(
            "membership.role_changed", "membership", membership.id, actor=actor,
            community_id=community.id, before={"role": before}, after={"role": role.value},
        )
    return membership


def set_member_role(membership: Membership, role: Role | str, *, actor) -> None:
    """Change a member's role; a community always keeps at least one admin."""
    role = Role(role)
    if membership.role == Role.ADMIN and role != Role.ADMIN:
        ensure_another_admin(membership)
    before = membership.role
    if before == role.value:
        return
    membership.role = role.value
    if not role.at_least(Role(before)) and getattr(actor, "id", None) != membership.user_id:
        # a lowered role: any copy of the person's session cookie stops working
        end_sessions(db.session.get(User, membership.user_id))
    audit.record(
        "membership.role_changed", "membership", membership.id, actor=actor,
        community_id=membership.community_id, before={"role": before}, after={"role": role.value},
    )


def remove_member(membership: Membership, *, actor) -> None:
    """Remove someone from a community; the last admin cannot be removed."""
    if membership.role == Role.ADMIN:
        ensure_another_admin(membership)
    audit.record(
        "membership.removed", "membership", membership.id, actor=actor,
        community_id=membership.community_id,
        before={"user_id": membership.user_id, "role": membership.role},
    )
    if getattr(actor, "id", None) != membership.user_id:
        end_sessions(db.session.get(User, membership.user_id))
    db.session.delete(membership)


def ensure_another_admin(membership: Membership) -> None:
    """Raise ``Conflict`` when ``membership`` is its community's only admin."""
    admins = db.session.execute(
        db.select(db.func.count(Membership.id)).where(
            Membership.community_id == membership.community_id,
            Membership.role == Role.ADMIN.value,
            Membership.id != membership.id,
        )
    ).scalar_one()
    if admins == 0:
        raise Conflict(_l("社群至少需要保留一位管理员。"), code="last_admin")


# --- invitations ---------------------------------------------------------------------------


def token_hash(token: str) -> str:
    """The stored form of a secret token (invitation or API token): its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class IssuedInvitation:
    """A new invitation and its secret token (shown once, never stored in clear)."""

    invitation: Invitation
    token: str


def create_invitation(
    community: Community,
    role: Role | str,
    *,
    actor: User,
    email: str | None = None,
    note: str | None = None,
    max_uses: int | None = 1,
    ttl_days: int = 14,
) -> IssuedInvitation:
    """Create an invite link into the community with a role."""
    role = Role(role)
    if email:
        email = normalise_email(email)
    if max_uses is not None and max_uses < 1:
        raise ServiceError(_l("可用次数至少为 1。"), code="invalid_max_uses", field="max_uses")
    if not 1 <= ttl_days <= 365:
        raise ServiceError(_l("有效期需在 1 到 365 天之间。"), code="invalid_ttl", field="ttl_days")
    token = secrets.token_urlsafe(24)
    invitation = Invitation(
        community_id=community.id,
        role=role.value,
        email=email or None,
        note=(note or "").strip()[:200] or None,
        token_hash=token_hash(token),
        created_by_id=actor.id,
        expires_at=utcnow() + timedelta(days=ttl_days),
        max_uses=max_uses,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record(
        "invitation.created", "invitation", invitation.id, actor=actor,
        community_id=community.id,
        after={"role": role.value, "email": invitation.email, "max_uses": max_uses},
    )
    return IssuedInvitation(invitation, token)


def find_invitation(token: str) -> Invitation:
    """The usable invitation behind a token, or NotFound."""
    invitation = db.session.execute(
        db.select(Invitation).where(Invitation.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if invitation is None or not invitation.is_usable():
        raise NotFound(_l("邀请链接无效或已过期。"), code="invitation_invalid")
    return invitation


def accept_invitation(invitation: Invitation, user: User) -> Membership:
    """Join the community through an invitation. An existing higher role is never lowered."""
    if invitation.email and invitation.email != user.email:
        raise ServiceError(_l("此邀请仅限受邀邮箱使用。"), code="invitation_email_mismatch")
    community = db.session.get(Community, invitation.community_id)
    existing = db.session.execute(
        db.select(Membership).where(
            Membership.user_id == user.id, Membership.community_id == community.id
        )
    ).scalar_one_or_none()
    role = Role(invitation.role)
    _claim_use(invitation)
    if existing is not None and existing.role_enum.at_least(role):
        membership = existing
    else:
        membership = add_member(community, user, role, actor=user)
    audit.record(
        "invitation.accepted", "invitation", invitation.id, actor=user,
        community_id=community.id, after={"user_id": user.id, "role": membership.role},
    )
    return membership


def _claim_use(invitation: Invitation) -> None:
    """Take one use of the link in a single conditional UPDATE, so that people accepting a
    single-use link at the same moment cannot all get in: only one row update succeeds."""
    now = utcnow()
    claimed = db.session.execute(
        db.update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
            db.or_(Invitation.max_uses.is_(None), Invitation.use_count < Invitation.max_uses),
        )
        .values(use_count=Invitation.use_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise NotFound(_l("邀请链接无效或已过期。"), code="invitation_invalid")
    db.session.refresh(invitation, ["use_count"])


def revoke_invitation(invitation: Invitation, *, actor: User) -> None:
    """Stop an invite link from working."""
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        audit.record(
            "invitation.revoked", "invitation", invitation.id, actor=actor,
            community_id=invitation.community_id,
        )


def list_invitations(community: Community) -> list[Invitation]:
    """The community's invitations, newest first."""
    return list(
        db.session.execute(
            db.select(Invitation)
            .where(Invitation.community_id == community.id)
            .order_by(Invitation.created_at.desc())
        ).scalars()
    )


# --- API tokens ----------------------------------------------------------------------------

API_TOKEN_PREFIX = "hs_"  # noqa: S105 - a public prefix, not a secret  # nosec B105


@dataclass
class IssuedToken:
    """A new API token and its secret (shown once)."""

    token: ApiToken
    secret: str


def create_api_token(community: Community, user: User, name: str) -> IssuedToken:
    """Create an API token that acts as ``user`` inside ``community``."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(_l("请填写令牌名称。"), code="name_required", field="name")
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        community_id=community.id,
        user_id=user.id,
        name=name[:80],
        prefix=secret[:10],
        token_hash=token_hash(secret),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.created", "api_token", token.id, actor=user,
        community_id=community.id, after={"name": token.name, "prefix": token.prefix},
    )
    return IssuedToken(token, secret)


def resolve_api_token(secret: str) -> ApiToken | None:
    """The live token behind a bearer secret, or None."""
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    token = db.session.execute(
        db.select(ApiToken).where(ApiToken.token_hash == token_hash(secret))
    ).scalar_one_or_none()
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    return token


@dataclass
class ApiCaller:
    """Who an API token acts as: the token, its user and community, and the user's role
    there (None when they are no longer a member; site administrators act as admins)."""

    token: ApiToken
    user: User
    community: Community
    role: Role | None


@lru_cache(maxsize=1)
def _caller_query():
    # Built once: constructing the statement costs more than running it.
    return (
        db.select(ApiToken, User, Community, Membership.role)
        .join(User, User.id == ApiToken.user_id)
        .join(Community, Community.id == ApiToken.community_id)
        .outerjoin(Membership, db.and_(Membership.user_id == ApiToken.user_id,
                                       Membership.community_id == ApiToken.community_id))
        .where(ApiToken.token_hash == db.bindparam("token_hash"))
    )


def token_role(is_superuser: bool, membership_role: str | None) -> Role | None:
    """The role a token's owner acts with: admin for site administrators, else their role in
    the token's community (None when they are no longer a member)."""
    if is_superuser:
        return Role.ADMIN
    return Role(membership_role) if membership_role else None


def resolve_api_caller(secret: str) -> ApiCaller | None:
    """The live token behind a bearer secret with its user, community and role, in one
    query (the API checks this on every call)."""
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    row = db.session.execute(_caller_query(), {"token_hash": token_hash(secret)}).first()
    if row is None:
        return None
    token, user, community, role = row
    if token.revoked_at is not None or not user.active:
        return None
    return ApiCaller(token, user, community, token_role(user.is_superuser, role))


def revoke_api_token(token: ApiToken, *, actor: User) -> None:
    """Disable an API token."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            "api_token.revoked", "api_token", token.id, actor=actor,
            community_id=token.community_id,
        )


def list_api_tokens(community: Community) -> list[ApiToken]:
    """The community's API tokens, newest first."""
    return list(
        db.session.execute(
            db.select(ApiToken)
            .where(ApiToken.community_id == community.id)
            .order_by(ApiToken.created_at.desc())
        ).scalars()
    )
