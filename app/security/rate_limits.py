"""The rate limits in force, counted for where their counters live.

With ``RATELIMIT_STORAGE_URI`` (or ``REDIS_URL``) pointing at Redis, every web process shares
one counter per client, and a configured limit is the limit. Without it, each process counts
in its own memory, so a client spread over N processes would get N times the limit: each
process then enforces its share (``RATELIMIT_PROCESSES``, by default gunicorn's
``WEB_CONCURRENCY``), rounded up, so the total stays close to what was configured.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from flask import current_app

_PART = re.compile(r"^\s*(\d+)\s*(/|per\s)\s*(.+?)\s*$", re.IGNORECASE)


def shared_storage(storage_uri: str | None) -> bool:
    """Whether the limiter's counters are shared by every process (not ``memory://``)."""
    return bool(storage_uri) and not storage_uri.startswith("memory://")


@lru_cache(maxsize=64)
def share_of(limit: str, processes: int) -> str:
    """``limit`` (``"10 per minute;50 per hour"``) for one of ``processes`` processes."""
    if processes <= 1:
        return limit
    parts = []
    for part in re.split(r"[;,]", limit):
        if not part.strip():
            continue
        match = _PART.match(part)
        if not match:
            raise ValueError(f"Cannot read the rate limit {part!r} in {limit!r}")
        amount, separator, period = match.groups()
        share = max(1, math.ceil(int(amount) / processes))
        parts.append(f"{share}{'/' if separator == '/' else ' per '}{period}")
    return ";".join(parts)


def limit_for(setting: str) -> str:
    """The limit named by the config key ``setting``, as this process must enforce it."""
    config = current_app.config
    limit = config[setting]
    if shared_storage(config.get("RATELIMIT_STORAGE_URI")):
        return limit
    return share_of(limit, int(config.get("RATELIMIT_PROCESSES") or 1))
