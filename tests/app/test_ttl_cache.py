"""The per-process cache of short-lived values."""

from __future__ import annotations

import time

from app.services.ttl_cache import TTLCache


class Clock:
    def __init__(self, monkeypatch):
        self.now = 1000.0
        monkeypatch.setattr(time, "monotonic", lambda: self.now)


def test_a_value_is_kept_for_its_ttl_then_loaded_again(monkeypatch):
    clock = Clock(monkeypatch)
    cache = TTLCache(2.0)
    loads = []

    def load():
        loads.append(clock.now)
        return len(loads)

    assert cache.get_or_load("k", load) == 1
    clock.now += 1.9
    assert cache.get_or_load("k", load) == 1
    clock.now += 0.1
    assert cache.get_or_load("k", load) == 2
    assert loads == [1000.0, 1002.0]


def test_none_is_kept_only_when_asked(monkeypatch):
    Clock(monkeypatch)
    cache = TTLCache(2.0)
    calls = []
    assert cache.get_or_load("gone", lambda: calls.append(1)) is None
    assert cache.get_or_load("gone", lambda: calls.append(1)) is None
    assert calls == [1]
    assert cache.get_or_load("missing", lambda: calls.append(2), keep_none=False) is None
    assert cache.get_or_load("missing", lambda: calls.append(2), keep_none=False) is None
    assert calls == [1, 2, 2]


def test_replace_keeps_the_age_and_forget_drops(monkeypatch):
    clock = Clock(monkeypatch)
    cache = TTLCache(2.0)
    cache.get_or_load("k", lambda: "old")
    clock.now += 1.5
    cache.replace("k", "new")
    cache.replace("absent", "x")
    assert cache.get_or_load("k", lambda: "loaded") == "new"
    assert cache.get_or_load("absent", lambda: "loaded") == "loaded"
    clock.now += 0.5
    assert cache.get_or_load("k", lambda: "reloaded") == "reloaded"
    cache.forget("k")
    assert cache.get_or_load("k", lambda: "after forget") == "after forget"
    cache.forget()
    assert cache.get_or_load("absent", lambda: "after clear") == "after clear"


def test_it_empties_when_full(monkeypatch):
    Clock(monkeypatch)
    cache = TTLCache(60.0, max_entries=3)
    for key in "abc":
        cache.get_or_load(key, lambda k=key: k)
    cache.get_or_load("d", lambda: "d")
    assert cache.get_or_load("a", lambda: "reloaded") == "reloaded"
    assert cache.get_or_load("d", lambda: "reloaded") == "d"


def test_forget_everything_empties_every_cache_of_the_process():
    from app.services.ttl_cache import TTLCache, forget_everything

    first, second = TTLCache(60.0), TTLCache(60.0)
    first.get_or_load("k", lambda: "old")
    second.get_or_load("k", lambda: "old")
    forget_everything()
    assert first.get_or_load("k", lambda: "new") == "new"
    assert second.get_or_load("k", lambda: "new") == "new"
