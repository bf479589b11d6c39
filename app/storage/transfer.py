"""Copying every stored file from one backend to another (``flask files copy``), for a switch
of ``FILE_STORAGE`` without losing report PDFs or uploads waiting for their mapping."""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Callable

from app.extensions import db
from app.models import Community
from app.storage.base import FileStorage

#: Every key the app stores starts with one of these.
PREFIXES = ("reports/", "uploads/")
_COMMUNITY = re.compile(r"^(?:reports|uploads/suggestions|uploads/survey-imports)/(\d+)/"
                        r"|^uploads/metric-imports/(\d+)-")


def community_of(key: str) -> int | None:
    """The community a key belongs to, read from its path."""
    match = _COMMUNITY.match(key)
    if match is None:
        return None
    return int(match.group(1) or match.group(2))


def copy_files(source: FileStorage, target: FileStorage, *,
               progress: Callable[[str], None] = lambda key: None) -> tuple[int, int]:
    """Copy every file of ``source`` that ``target`` lacks (committing every 50 files);
    returns (copied, already there). Files of communities that no longer exist are copied
    without a community."""
    known = set(db.session.execute(db.select(Community.id)).scalars())
    copied = present = 0
    for prefix in PREFIXES:
        for info in list(source.list(prefix)):
            if target.exists(info.key):
                present += 1
                continue
            community_id = community_of(info.key)
            content_type = mimetypes.guess_type(info.key)[0] or "application/octet-stream"
            target.put(info.key, source.get(info.key), content_type=content_type,
                       community_id=community_id if community_id in known else None)
            copied += 1
            progress(info.key)
            if copied % 50 == 0:
                db.session.commit()
    db.session.commit()
    return copied, present
