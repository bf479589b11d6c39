"""One suggestion per box form, however many times it is posted (a double click, a retry).

The box form carries a one-time submission key. The suggestion keeps the key's hash and its
tracking code sealed with the key, so a second post of the same form finds the first
suggestion and shows its tracking page again, while the database alone reveals neither the
key nor the code. Only the form's holder, signed in as its author if it has one, and only
for a short while, gets the page back: a key copied from a shared browser later gets a
refusal, never someone else's suggestion.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Community, Suggestion, User, utcnow
from app.services.errors import Conflict

#: How long a second post of the same form gets the first one's tracking page.
RESUBMIT_WINDOW = timedelta(minutes=10)
_KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")
_SEAL_LABEL = b"huisheng suggestion tracking code"


def new_key() -> str:
    """A fresh submission key for a box form."""
    return secrets.token_urlsafe(32)


def is_key(value: str | None) -> bool:
    """Whether ``value`` looks like a key from ``new_key`` (anything else is ignored)."""
    return bool(value) and _KEY_PATTERN.fullmatch(value) is not None


def key_hash(key: str) -> str:
    """What is stored for a submission key: its SHA-256."""
    return hashlib.sha256(key.encode()).hexdigest()


def _pad(key: str, length: int) -> bytes:
    return hmac.new(key.encode(), _SEAL_LABEL, hashlib.sha256).digest()[:length]


def seal(code: str, key: str) -> str:
    """The tracking code sealed with the submission key (hex)."""
    raw = code.encode()
    return bytes(a ^ b for a, b in zip(raw, _pad(key, len(raw)), strict=True)).hex()


def unseal(sealed: str, key: str) -> str:
    """The tracking code back from ``seal``."""
    raw = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(raw, _pad(key, len(raw)), strict=True)).decode()


class AlreadySubmitted(Conflict):
    """The form was posted before and its suggestion may not be shown to this request."""

    code = "already_submitted"


def earlier_submission(community: Community, key: str | None, author: User | None
                       ) -> tuple[Suggestion, str] | None:
    """The suggestion an earlier post of this form created and its tracking code, or None.

    Raises ``AlreadySubmitted`` when there is one but this request may not see it (too late,
    or someone other than its signed-in author).
    """
    if not is_key(key):
        return None
    suggestion = db.session.execute(db.select(Suggestion).where(
        Suggestion.community_id == community.id,
        Suggestion.submission_key_hash == key_hash(key))).scalar_one_or_none()
    if suggestion is None:
        return None
    refused = AlreadySubmitted(_l("这份建议已经提交过了。如需再提一条，请重新打开意见箱。"))
    if utcnow() - suggestion.created_at > RESUBMIT_WINDOW or not suggestion.tracking_code_sealed:
        raise refused
    if suggestion.author_id is not None and getattr(author, "id", None) != suggestion.author_id:
        raise refused
    try:
        code = unseal(suggestion.tracking_code_sealed, key)
    except (ValueError, UnicodeDecodeError):
        raise refused from None
    from app.services.suggestions.box import tracking_hash

    if not hmac.compare_digest(tracking_hash(code), suggestion.tracking_hash):
        raise refused
    return suggestion, code
