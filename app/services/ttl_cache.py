"""A small per-process cache whose entries are trusted for a few seconds.

Busy paths keep what hardly changes (a survey's description, a token's credentials, a
community's channels) for a moment instead of asking the database on every request. Each
process has its own copy, so a change made elsewhere is seen within the entry's lifetime;
the process that makes a change forgets the entry at once.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

V = TypeVar("V")
_ALL: weakref.WeakSet[TTLCache] = weakref.WeakSet()


def forget_everything() -> None:
    """Empty every cache of the process (the database they mirror was emptied or replaced,
    as between tests)."""
    for cache in list(_ALL):
        cache.forget()


class TTLCache(Generic[V]):
    """Values by key, each trusted for ``ttl`` seconds from the moment its loading began;
    thread-safe, and emptied whole when it grows past ``max_entries`` (simpler than evicting,
    and rare)."""

    def __init__(self, ttl: float, max_entries: int = 4096):
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._lock = Lock()
        _ALL.add(self)

    def get_or_load(self, key: Hashable, load: Callable[[], V], *,
                    keep_none: bool = True) -> V:
        """The fresh value for ``key``, else what ``load()`` returns, kept from now on (a
        None is not kept when ``keep_none`` is false)."""
        started = time.monotonic()
        with self._lock:
            hit = self._entries.get(key)
        if hit is not None and started - hit[0] < self.ttl:
            return hit[1]
        value = load()
        with self._lock:
            if value is None and not keep_none:
                self._entries.pop(key, None)
            else:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[key] = (started, value)
        return value

    def replace(self, key: Hashable, value: V) -> None:
        """Swap the value of a cached ``key`` without making it any younger."""
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries[key] = (hit[0], value)

    def forget(self, key: Hashable | None = None) -> None:
        """Drop the entry of ``key``, or every entry when None."""
        with self._lock:
            if key is None:
                self._entries.clear()
            else:
                self._entries.pop(key, None)
