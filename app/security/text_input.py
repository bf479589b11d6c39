"""Untrusted text is neutralised as it enters, before anything stores or analyses it.

- NUL and the other C0/C1 control characters (but tab and line breaks) go: PostgreSQL
  refuses NUL in text, and the rest only hides content or breaks exports.
- Bidirectional overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069) go: they
  make a name or a link read differently from what it is ("Trojan Source").
- A lone surrogate (``"\\ud800"`` in JSON) cannot be encoded: it becomes U+FFFD.

Every form field, query parameter and JSON string of a request passes through
``clean_text`` (see ``HuishengRequest``); ``record_feedback`` cleans imported texts too.
JSON nested deeper than ``MAX_JSON_DEPTH`` is refused as invalid instead of exhausting the
parser's recursion.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Request
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

_UNSAFE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
_SURROGATE = re.compile("[\ud800-\udfff]")
MAX_JSON_DEPTH = 64


def clean_text(value: str) -> str:
    """``value`` without control and bidi-override characters and lone surrogates."""
    if not value.isascii() or _UNSAFE.search(value):
        value = _SURROGATE.sub("\ufffd", _UNSAFE.sub("", value))
    return value


def clean_data(value: Any) -> Any:
    """``clean_text`` applied to every string (keys included) of parsed JSON."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_data(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(k) if isinstance(k, str) else k: clean_data(v)
                for k, v in value.items()}
    return value


def json_depth_exceeds(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets nest deeper than ``limit`` (outside strings), without parsing."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    # strings may hold brackets: blank them out first (escaped quotes included)
    skeleton = re.sub(r'"(?:\\.|[^"\\])*"', "", text)
    depth = 0
    for char in skeleton:
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _clean_multidict(data: ImmutableMultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict([(clean_text(k), clean_text(v) if isinstance(v, str) else v)
                               for k, v in data.items(multi=True)])


class CleanJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing over-deep documents and cleaning every string it reads."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse JSON; too deep a document is a ``ValueError`` like any invalid one."""
        if json_depth_exceeds(s):
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        try:
            return clean_data(json.loads(s, **kwargs))
        except RecursionError as exc:  # pragma: no cover - the depth check comes first
            raise ValueError("JSON nested too deeply") from exc


class HuishengRequest(Request):
    """The request with its form fields and query parameters neutralised."""

    @cached_property
    def args(self) -> ImmutableMultiDict:  # type: ignore[override]
        """Query parameters, cleaned."""
        return _clean_multidict(super().args)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form = self.__dict__.get("form")
        if form is not None:
            self.__dict__["form"] = _clean_multidict(form)
