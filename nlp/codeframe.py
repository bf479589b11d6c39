"""The code frame (编码框架): the themes community feedback keeps returning to.

The shipped frame lives in ``nlp/data/codeframe/``: ``themes.json`` (key, name, name_en,
description) and ``seeds/<key>.txt`` (a few hundred seed phrases per theme, ``#`` comments).
A community customises it without touching those files: :meth:`CodeFrame.customised` takes a
JSON-friendly dict (rename, disable, extend, add), and the immutable ``renamed`` /
``disabled`` / ``extended`` / ``with_theme`` helpers do the same one edit at a time.

The classifier that decides whether an item belongs to one of the themes is in
:mod:`nlp.codeframe_classifier`; this module needs no numerical library, so the app can read
and edit a community's frame without loading one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = [
    "FRAME_DIR",
    "NONE",
    "CodeFrame",
    "FrameCorrection",
    "FrameTheme",
    "load_code_frame",
]

FRAME_DIR = Path(__file__).resolve().parent / "data" / "codeframe"
NONE = "none"
CUSTOM_PREFIX = "custom:"
MAX_SEED_WEIGHT = 20.0
Tokenizer = Callable[[str], Sequence[str]]


# --------------------------------------------------------------------------- the frame


@dataclass(frozen=True)
class FrameTheme:
    """One theme of the code frame: a stable key, its names, what it covers, seed phrases."""

    key: str
    name: str
    name_en: str = ""
    description: str = ""
    seeds: tuple[str, ...] = ()
    enabled: bool = True
    custom: bool = False
    area: str | None = None


@dataclass(frozen=True)
class FrameCorrection:
    """An operator's correction: this text belongs to frame theme ``key`` (or ``"none"``)."""

    text: str
    key: str
    weight: float = 1.0


@dataclass(frozen=True)
class CodeFrame:
    """An ordered set of frame themes. Edits return a new frame (the shipped one is shared)."""

    themes: tuple[FrameTheme, ...] = ()

    def __iter__(self) -> Iterator[FrameTheme]:
        return iter(self.themes)

    def __len__(self) -> int:
        return len(self.themes)

    def keys(self) -> list[str]:
        """Every theme key, in frame order (disabled themes included)."""
        return [t.key for t in self.themes]

    def enabled_keys(self) -> list[str]:
        """The keys of the themes this community uses."""
        return [t.key for t in self.themes if t.enabled]

    def theme(self, key: str) -> FrameTheme:
        """The theme with ``key``; KeyError names the known keys."""
        for t in self.themes:
            if t.key == key:
                return t
        raise KeyError(f"no code-frame theme {key!r}; known: {', '.join(self.keys())}")

    def _replace(self, key: str, **changes: Any) -> CodeFrame:
        self.theme(key)
        return CodeFrame(tuple(replace(t, **changes) if t.key == key else t for t in self.themes))

    def renamed(self, key: str, name: str) -> CodeFrame:
        """The frame with theme ``key`` shown as ``name``."""
        name = name.strip()
        if not name:
            raise ValueError("a code-frame theme needs a name")
        return self._replace(key, name=name)

    def disabled(self, key: str, disabled: bool = True) -> CodeFrame:
        """The frame with theme ``key`` switched off (its items go to discovered themes)."""
        return self._replace(key, enabled=not disabled)

    def extended(self, key: str, phrases: Iterable[str]) -> CodeFrame:
        """The frame with more seed phrases for theme ``key`` (duplicates ignored)."""
        theme = self.theme(key)
        seeds = tuple(dict.fromkeys([*theme.seeds, *_clean_phrases(phrases)]))
        return self._replace(key, seeds=seeds)

    def with_theme(self, name: str, phrases: Iterable[str], *, key: str | None = None,
                   description: str = "", area: str | None = None) -> CodeFrame:
        """The frame plus a community's own theme (a name and its seed phrases)."""
        name = name.strip()
        seeds = tuple(dict.fromkeys(_clean_phrases(phrases)))
        if not name or not seeds:
            raise ValueError("a new code-frame theme needs a name and at least one phrase")
        key = key or CUSTOM_PREFIX + name
        if key in self.keys() or key == NONE:
            raise ValueError(f"code-frame key {key!r} is taken")
        added = FrameTheme(key, name, description=description, seeds=seeds, custom=True,
                           area=area)
        return CodeFrame((*self.themes, added))

    def customised(self, custom: Mapping[str, Any] | None) -> CodeFrame:
        """Apply a community's stored customisation.

        ``custom`` is JSON-friendly: ``{"rename": {key: name}, "disable": [key, ...],
        "extend": {key: [phrase, ...]}, "add": [{"name", "phrases", "key"?,
        "description"?, "area"?}, ...]}``; every part is optional. Added themes come first, so they
        can also be renamed, extended or disabled in the same dict.
        """
        frame = self
        if not custom:
            return frame
        for item in custom.get("add", ()):
            frame = frame.with_theme(item["name"], item.get("phrases", ()), key=item.get("key"),
                                     description=item.get("description", ""),
                                     area=item.get("area"))
        for key, phrases in (custom.get("extend") or {}).items():
            frame = frame.extended(key, phrases)
        for key, name in (custom.get("rename") or {}).items():
            frame = frame.renamed(key, name)
        for key in custom.get("disable", ()):
            frame = frame.disabled(key)
        return frame

    def fingerprint(self) -> str:
        """A short hash of everything that changes what the classifier learns or shows."""
        return hashlib.sha1(
            json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True).encode("utf-8"),
            usedforsecurity=False,
        ).hexdigest()[:16]

    def training_fingerprint(self) -> str:
        """A short hash of what the classifier learns from: the keys and seed phrases
        (names and switches only change what is shown and claimed)."""
        data = [[t.key, list(t.seeds)] for t in self.themes]
        return hashlib.sha1(json.dumps(data, ensure_ascii=False).encode("utf-8"),
                            usedforsecurity=False).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (what the theme model stores)."""
        return {"themes": [
            {"key": t.key, "name": t.name, "name_en": t.name_en, "description": t.description,
             "seeds": list(t.seeds), "enabled": t.enabled, "custom": t.custom, "area": t.area}
            for t in self.themes
        ]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CodeFrame:
        """Rebuild a frame from :meth:`to_dict` output."""
        return cls(tuple(
            FrameTheme(t["key"], t["name"], t.get("name_en", ""), t.get("description", ""),
                       tuple(t.get("seeds", ())), bool(t.get("enabled", True)),
                       bool(t.get("custom", False)), t.get("area"))
            for t in data.get("themes", ())
        ))

    @classmethod
    def empty(cls) -> CodeFrame:
        """A frame without themes: every item goes to discovered themes."""
        return cls(())


def _clean_phrases(phrases: Iterable[str]) -> list[str]:
    if isinstance(phrases, str):
        phrases = [phrases]
    return [p.strip() for p in phrases if p and p.strip() and not p.strip().startswith("#")]


def read_seed_file(path: Path) -> tuple[str, ...]:
    """The seed phrases of one ``seeds/<key>.txt`` file (comments and blanks skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(dict.fromkeys(_clean_phrases(lines)))


@lru_cache(maxsize=4)
def _shipped_frame(directory: str) -> CodeFrame:
    base = Path(directory)
    data = json.loads((base / "themes.json").read_text(encoding="utf-8"))
    themes = []
    for t in data["themes"]:
        seeds_path = base / "seeds" / f"{t['key']}.txt"
        seeds = read_seed_file(seeds_path) if seeds_path.exists() else ()
        themes.append(FrameTheme(t["key"], t["name"], t.get("name_en", ""),
                                 t.get("description", ""), seeds, area=t.get("area")))
    return CodeFrame(tuple(themes))


def load_code_frame(custom: Mapping[str, Any] | None = None, *, directory: Path | None = None
                    ) -> CodeFrame:
    """The shipped code frame (19 themes), with a community's ``custom`` edits applied."""
    return _shipped_frame(str(directory or FRAME_DIR)).customised(custom)
