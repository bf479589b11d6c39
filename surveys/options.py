"""Answer options, matrix or ranking items, and scale points of questions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from surveys._parsing import Reader, join_path


@dataclass(frozen=True)
class Option:
    """A choice, a matrix row or a ranking item.

    ``other`` marks the "其他：___" option that takes free text, ``exclusive`` an option such
    as 以上都没有 that cannot be combined with others, ``pinned`` an option that keeps its
    place when options are shuffled (other and exclusive options are always pinned).
    """

    id: str
    label: str
    other: bool = False
    exclusive: bool = False
    pinned: bool = False

    @property
    def keeps_position(self) -> bool:
        """Whether shuffling leaves this option where it is."""
        return self.pinned or self.other or self.exclusive

    def to_dict(self) -> dict[str, Any]:
        """JSON form, leaving out flags that are off."""
        out: dict[str, Any] = {"id": self.id, "label": self.label}
        for flag in ("other", "exclusive", "pinned"):
            if getattr(self, flag):
                out[flag] = True
        return out

    @classmethod
    def read(cls, reader: Reader, value: Any, path: str) -> Option | None:
        """Parse an option object strictly, recording problems on ``reader``."""
        data = reader.mapping(value, path, ("id", "label", "other", "exclusive", "pinned"),
                              ("id", "label"))
        if data is None:
            return None
        return cls(
            id=reader.identifier(data, "id", path),
            label=reader.get(data, "label", path, "str", "", required=True),
            other=reader.get(data, "other", path, "bool", False),
            exclusive=reader.get(data, "exclusive", path, "bool", False),
            pinned=reader.get(data, "pinned", path, "bool", False),
        )


@dataclass(frozen=True)
class ScalePoint:
    """One point of a matrix scale: the stored number and the label shown."""

    value: int
    label: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"value": self.value, "label": self.label}

    @classmethod
    def read(cls, reader: Reader, value: Any, path: str) -> ScalePoint | None:
        """Parse a scale point strictly, recording problems on ``reader``."""
        data = reader.mapping(value, path, ("value", "label"), ("value", "label"))
        if data is None:
            return None
        return cls(value=reader.get(data, "value", path, "int", 0, required=True),
                   label=reader.get(data, "label", path, "str", "", required=True))


def options_from_labels(labels: Iterable[str], prefix: str = "o") -> tuple[Option, ...]:
    """Options with ids ``o1``, ``o2``… for the given labels (a label "其他" becomes the other
    option, "以上都没有" / "以上都不是" / "都没有" an exclusive one)."""
    out = []
    for n, label in enumerate(labels, start=1):
        other = label.strip() in OTHER_LABELS
        exclusive = label.strip() in EXCLUSIVE_LABELS
        out.append(Option(f"{prefix}{n}", label, other=other, exclusive=exclusive))
    return tuple(out)


OTHER_LABELS = frozenset({"其他", "其它", "其他（请注明）", "其他(请注明)", "其他：", "其他:"})
EXCLUSIVE_LABELS = frozenset({"以上都没有", "以上都不是", "都没有", "以上均无", "以上皆无"})


def read_options(reader: Reader, value: Any, path: str, kind: type = Option) -> tuple:
    """Parse a list of options or scale points."""
    if not isinstance(value, list | tuple):
        reader.wrong_type(path, "数组")
        return ()
    parsed = (kind.read(reader, item, join_path(path, i)) for i, item in enumerate(value))
    return tuple(p for p in parsed if p is not None)
