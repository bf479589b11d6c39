"""Plain result and state objects of the theme engine (dataclasses, JSON-friendly)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

OTHER_ID = 0
OTHER_NAME = "其他"
STATUS_ACTIVE = "active"
STATUS_ARCHIVED = "archived"
STATUS_MERGED = "merged"


@dataclass
class Theme:
    """One theme of a fitted run: what the UI, the reports and the CLI show.

    ``frame_key`` is the code-frame key of a code-frame theme (None for discovered
    themes, seeded themes and 其他); ``summary`` is the theme's most representative
    sentence, taken from its quotes.
    """

    id: int
    name: str
    keywords: list[str]
    size: int
    area: str | None = None
    quote_indices: list[int] = field(default_factory=list)
    sentiment_mix: dict[int, int] = field(default_factory=dict)
    keyword_weights: dict[str, float] = field(default_factory=dict)
    name_edited: bool = False
    seeded: bool = False
    status: str = STATUS_ACTIVE
    is_other: bool = False
    frame_key: str | None = None
    summary: str = ""

    def share(self, total: int) -> float:
        """Fraction of ``total`` items that belong to this theme."""
        return self.size / total if total else 0.0


@dataclass
class SeedTheme:
    """An operator-defined theme: a name and the seed words that pull items into it."""

    name: str
    words: list[str]
    area: str | None = None
    id: int | None = None


@dataclass
class ThemeRecord:
    """What a run remembers about one theme so that the next run can recognise it.

    A code-frame theme's record carries its ``frame_key``: the theme keeps that id in every
    later run, whatever its items.
    """

    id: int
    name: str
    term_weights: dict[str, float] = field(default_factory=dict)
    name_edited: bool = False
    status: str = STATUS_ACTIVE
    merged_into: int | None = None
    seed_words: list[str] = field(default_factory=list)
    area: str | None = None
    frame_key: str | None = None


@dataclass
class ThemeSnapshot:
    """The state carried from one run to the next: themes, memberships and operator edits.

    ``assignments`` maps item id to theme id as the last run left it; ``pinned`` maps
    item id to the theme id an operator chose for it, which every later run keeps.
    """

    themes: list[ThemeRecord] = field(default_factory=list)
    assignments: dict[str, int] = field(default_factory=dict)
    pinned: dict[str, int] = field(default_factory=dict)
    next_id: int = 1

    def record(self, theme_id: int) -> ThemeRecord | None:
        """The record of ``theme_id``, or None."""
        return next((t for t in self.themes if t.id == theme_id), None)

    def frame_record(self, key: str) -> ThemeRecord | None:
        """The record of the code-frame theme ``key``, or None before its first run."""
        return next((t for t in self.themes if t.frame_key == key), None)

    def rename(self, theme_id: int, name: str) -> None:
        """Operator edit: give a theme a name that later runs keep."""
        rec = self._require(theme_id)
        rec.name, rec.name_edited = name, True

    def merge(self, source_id: int, target_id: int) -> None:
        """Operator edit: fold theme ``source_id`` into ``target_id`` for this and later runs."""
        if source_id == target_id:
            raise ValueError("a theme cannot be merged into itself")
        src, dst = self._require(source_id), self._require(target_id)
        src.status, src.merged_into = STATUS_MERGED, dst.id
        for item, tid in self.assignments.items():
            if tid == source_id:
                self.assignments[item] = dst.id

    def archive(self, theme_id: int) -> None:
        """Operator edit: hide a theme; items like its members stay out of the active themes."""
        self._require(theme_id).status = STATUS_ARCHIVED

    def pin(self, item_id: str, theme_id: int) -> None:
        """Operator correction: item ``item_id`` belongs to ``theme_id`` from now on."""
        if theme_id != OTHER_ID:
            self._require(theme_id)
        self.pinned[str(item_id)] = theme_id
        self.assignments[str(item_id)] = theme_id

    def resolve(self, theme_id: int) -> int:
        """Follow merges to the theme that now holds ``theme_id``'s items."""
        seen = set()
        rec = self.record(theme_id)
        while rec is not None and rec.status == STATUS_MERGED and rec.merged_into is not None:
            if rec.id in seen:
                break
            seen.add(rec.id)
            theme_id = rec.merged_into
            rec = self.record(theme_id)
        return theme_id

    def to_dict(self) -> dict:
        """A JSON-serialisable form (ids as strings where JSON needs them)."""
        return {
            "themes": [asdict(t) for t in self.themes],
            "assignments": dict(self.assignments),
            "pinned": dict(self.pinned),
            "next_id": self.next_id,
        }

    @classmethod
    def from_dict(cls, data: dict) -> ThemeSnapshot:
        """Rebuild a snapshot from :meth:`to_dict` output."""
        return cls(
            themes=[ThemeRecord(**t) for t in data.get("themes", [])],
            assignments={str(k): int(v) for k, v in data.get("assignments", {}).items()},
            pinned={str(k): int(v) for k, v in data.get("pinned", {}).items()},
            next_id=int(data.get("next_id", 1)),
        )

    def _require(self, theme_id: int) -> ThemeRecord:
        rec = self.record(theme_id)
        if rec is None:
            raise KeyError(f"unknown theme id {theme_id}")
        return rec
