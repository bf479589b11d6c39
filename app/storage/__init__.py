"""Where the app keeps its files: report PDFs, suggestion images and uploads waiting for
their column mapping.

Every file goes through one ``FileStorage`` chosen by ``FILE_STORAGE``:

- ``local`` (the default): files under the instance folder, laid out as before
  (``reports/<community>/…``, ``uploads/…``); one machine only, or a shared mount.
- ``database``: files as rows of ``stored_files`` in the app's database, so every web and
  worker process that shares the database sees every file.

Files are never served by URL: views stream them with ``send_stored`` after their own
access checks.
"""

from __future__ import annotations

from flask import current_app, send_file

from app.storage.base import FileInfo, FileMissing, FileStorage, check_key
from app.storage.database import DatabaseStorage
from app.storage.local import LocalStorage

BACKENDS = ("local", "database")

__all__ = ["BACKENDS", "DatabaseStorage", "FileInfo", "FileMissing", "FileStorage",
           "LocalStorage", "check_key", "file_storage", "send_stored"]


def file_storage() -> FileStorage:
    """The storage the current app is configured with (``FILE_STORAGE``)."""
    kind = current_app.config.get("FILE_STORAGE", "local")
    if kind == "database":
        return DatabaseStorage()
    if kind == "local":
        return LocalStorage(current_app.instance_path)
    raise RuntimeError(f"FILE_STORAGE must be one of {', '.join(BACKENDS)}, not {kind!r}")


def send_stored(key: str, *, mimetype: str, download_name: str):
    """A response streaming a stored file as an attachment, never cached by the browser.

    Raises ``FileMissing`` when the file is not there (the view answers 404).
    """
    handle = file_storage().open(key)
    response = send_file(handle, mimetype=mimetype, as_attachment=True,
                         download_name=download_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
