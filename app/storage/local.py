"""Files on the local disk, under the instance folder."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from app.storage.base import FileInfo, FileMissing, FileStorage, check_key, check_prefix


class LocalStorage(FileStorage):
    """Key ``a/b/c.pdf`` is the file ``<root>/a/b/c.pdf``; writes are atomic (a hidden
    temporary file renamed into place), so a reader never sees half a file."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()

    def path(self, key: str) -> Path:
        """The file a key names (checked to stay under the root)."""
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"invalid storage key: {key!r}")
        return path

    def put(self, key: str, data: bytes, *, content_type: str,
            community_id: int | None = None) -> FileInfo:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        return FileInfo(key, len(data), _mtime(path))

    def get(self, key: str) -> bytes:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileMissing(key) from None

    def open(self, key: str) -> BinaryIO:
        try:
            return self.path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise FileMissing(key) from None

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        try:
            self.path(key).unlink(missing_ok=True)
        except (IsADirectoryError, NotADirectoryError):
            pass

    def list(self, prefix: str) -> Iterator[FileInfo]:
        check_prefix(prefix)
        folder = self.root / prefix.rsplit("/", 1)[0] if "/" in prefix else self.root
        if not folder.is_dir():
            return
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(self.root).as_posix()
            if not relative.startswith(prefix) or not path.is_file():
                continue
            if any(part.startswith(".") for part in relative.split("/")):
                continue  # a write in progress
            yield FileInfo(relative, path.stat().st_size, _mtime(path))


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)
