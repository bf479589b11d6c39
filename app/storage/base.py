"""The storage interface shared by the backends, and the rules for keys."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import BinaryIO

MAX_KEY_LENGTH = 200
_PART = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


class FileMissing(LookupError):
    """No file is stored under the key."""


@dataclass(frozen=True)
class FileInfo:
    """One stored file as listed: its key, size and when it was stored (naive UTC)."""

    key: str
    size: int
    created_at: datetime


def check_key(key: str) -> str:
    """Return ``key`` if it is a safe relative key (``reports/3/12-ab.pdf``), else raise
    ValueError: no absolute path, no ``..``, no hidden or empty part, no backslash."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"invalid storage key: {key!r}")
    parts = key.split("/")
    if any(not _PART.fullmatch(part) or part.endswith(".") for part in parts):
        raise ValueError(f"invalid storage key: {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """A listing prefix: a key, optionally ending with ``/``."""
    check_key(prefix.rstrip("/"))
    return prefix


class FileStorage(ABC):
    """Put, read, stream, test and delete files by key.

    The database backend works inside the caller's database transaction (a file put with a
    row is committed or rolled back with it); the local backend writes to disk at once, so
    its files can outlive a rolled-back row until ``list`` finds them to prune.
    """

    @abstractmethod
    def put(self, key: str, data: bytes, *, content_type: str,
            community_id: int | None = None) -> FileInfo:
        """Store ``data`` under ``key``, replacing any file there."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """The file's bytes; raises ``FileMissing``."""

    @abstractmethod
    def open(self, key: str) -> BinaryIO:
        """A binary file object to stream the file from; raises ``FileMissing``."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the file; a missing file is not an error."""

    @abstractmethod
    def list(self, prefix: str) -> Iterator[FileInfo]:
        """Every file whose key starts with ``prefix`` (e.g. ``reports/``)."""
