"""Parsing the free-form tags that operators type (comma, Chinese comma or 、 separated)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from app.models.base import TAG_NAME_LENGTH
from app.services.errors import ServiceError

MAX_TAGS = 10
MAX_TAG_LENGTH = TAG_NAME_LENGTH
_SEPARATORS = re.compile(r"[,，、;；\n]+")


def parse_tags(value: str | Iterable[str] | None, *, field: str = "tags") -> list[str]:
    """Tags from text or a list: trimmed, ``#`` removed, deduplicated, order kept."""
    if value is None:
        return []
    parts = _SEPARATORS.split(value) if isinstance(value, str) else list(value)
    tags: list[str] = []
    for part in parts:
        tag = " ".join(str(part).split()).lstrip("#＃").strip()
        if not tag:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise ServiceError(_l("每个标签不超过 %(n)d 个字。", n=MAX_TAG_LENGTH),
                               code="tag_too_long", field=field)
        if tag not in tags:
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise ServiceError(_l("最多 %(n)d 个标签。", n=MAX_TAGS), code="too_many_tags",
                           field=field)
    return tags
