"""Password hashing with argon2id."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()

# A stored value that can never match a password: for accounts that only exist as members
# (for example demo members, or people who joined through an invite but never set one).
UNUSABLE_PASSWORD = "!unusable"  # noqa: S105  # nosec B105


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """Check a password against its stored hash, in constant time for real hashes."""
    if not stored_hash or stored_hash.startswith("!"):
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    if stored_hash.startswith("!"):
        return False
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False
