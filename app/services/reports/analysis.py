"""Analysing report inputs into a context, once per version of the data.

``reports.build_context`` is a pure function of what the data providers read, and its scans
(every theme against every metric at five lags, bootstrap before/after comparisons) are the
costly part of the report builder's preview, its outline and the 关联分析 page. The same
inputs give the same context, so the context is kept per process under a digest of its
inputs: the data version. Any change a provider sees (a new feedback item, an imported
metric day, a finished report to follow up) changes the digest, and the next request
analyses again; nothing stale can be shown.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import pickle  # nosec B403: only dumps, to digest our own inputs; nothing is ever loaded
from datetime import UTC, datetime
from typing import Any

from app.services.ttl_cache import TTLCache
from reports import ReportContext, build_context

log = logging.getLogger(__name__)

#: How long an analysed context is kept. The key is the data itself, so this bounds only
#: the memory a context of data nobody asks for any more holds.
CONTEXT_TTL_S = 15 * 60
_contexts: TTLCache[ReportContext] = TTLCache(CONTEXT_TTL_S, max_entries=16)


def data_version(arguments: dict[str, Any]) -> str | None:
    """A digest of ``build_context``'s arguments (None if they cannot be serialised).

    Pickle writes every field of the providers' dataclasses, numbers and arrays
    exactly, so two inputs share a digest only when the analysis would see the same data.
    """
    try:
        blob = pickle.dumps(sorted(arguments.items()), protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        log.warning("report inputs cannot be serialised; analysing without the cache")
        return None
    return hashlib.blake2b(blob, digest_size=20).hexdigest()


def analyse(**arguments: Any) -> ReportContext:
    """``reports.build_context(**arguments)``, analysed once per data version.

    The context is stamped with the time of this call (``generated_at``), as a fresh
    analysis would be; a caller-given ``generated_at`` is part of the data version. The
    sections are shared with the next caller of the same version: read them, never change
    them.
    """
    now = datetime.now(UTC)
    key = data_version(arguments)
    if key is None:
        return build_context(**arguments)
    context = _contexts.get_or_load(key, lambda: build_context(**arguments))
    if arguments.get("generated_at") is not None:
        return context
    return dataclasses.replace(context, generated_at=now)


def forget() -> None:
    """Drop every analysed context of this process."""
    _contexts.forget()
