"""Files as rows of ``stored_files`` in the app's database (bytea on PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from typing import BinaryIO

from app.extensions import db
from app.models.storage import StoredFile
from app.storage.base import FileInfo, FileMissing, FileStorage, check_key, check_prefix


class DatabaseStorage(FileStorage):
    """Every process sharing the database shares the files. Writes go through the app's
    session, so they commit or roll back with the rows that refer to them."""

    def put(self, key: str, data: bytes, *, content_type: str,
            community_id: int | None = None) -> FileInfo:
        check_key(key)
        row = db.session.execute(
            db.select(StoredFile).where(StoredFile.key == key)).scalar_one_or_none()
        if row is None:
            row = StoredFile(key=key)
            db.session.add(row)
        row.community_id = community_id
        row.content_type = content_type[:100]
        row.size = len(data)
        row.sha256 = hashlib.sha256(data).hexdigest()
        row.data = data
        db.session.flush()
        return FileInfo(key, row.size, row.created_at)

    def get(self, key: str) -> bytes:
        data = db.session.execute(
            db.select(StoredFile.data).where(StoredFile.key == check_key(key))
        ).scalar_one_or_none()
        if data is None:
            raise FileMissing(key)
        return bytes(data)

    def open(self, key: str) -> BinaryIO:
        return io.BytesIO(self.get(key))

    def exists(self, key: str) -> bool:
        return db.session.execute(
            db.select(StoredFile.id).where(StoredFile.key == check_key(key))
        ).first() is not None

    def delete(self, key: str) -> None:
        db.session.execute(db.delete(StoredFile).where(StoredFile.key == check_key(key)))

    def list(self, prefix: str) -> Iterator[FileInfo]:
        rows = db.session.execute(
            db.select(StoredFile.key, StoredFile.size, StoredFile.created_at)
            .where(StoredFile.key.startswith(check_prefix(prefix), autoescape=True))
            .order_by(StoredFile.key)
        ).all()
        for key, size, created_at in rows:
            yield FileInfo(key, size, created_at)
