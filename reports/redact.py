"""Take one person's words out of a stored report context, keeping every number.

A member who asks for their data to be deleted must not stay quoted in past reports, while
the counts those reports printed (anonymous aggregates) stay as they were. ``drop_quotes``
walks the whole context, so a section added later is covered without being named here:
every list field called ``quotes`` (of ``Quote`` objects or plain strings) loses the quotes
``is_theirs`` recognises, and any other text that repeated such a quote (an executive
summary line citing it) has it replaced by ``REMOVED``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields, is_dataclass
from typing import Any

from reports.context import CompletedSuggestion, Quote, ReportContext

#: What stands where a removed quote was repeated inside other text.
REMOVED = "（内容已应成员要求删除）"


def _quote_text(quote: Any) -> str:
    return quote.text if isinstance(quote, Quote) else str(quote)


def _children(node: Any):
    for f in fields(node):
        yield f.name, getattr(node, f.name)


def _filter_quotes(node: Any, is_theirs: Callable[[str], bool], removed: list[str]) -> None:
    if isinstance(node, list):
        for value in node:
            _filter_quotes(value, is_theirs, removed)
        return
    if isinstance(node, dict):
        for value in node.values():
            _filter_quotes(value, is_theirs, removed)
        return
    if not is_dataclass(node):
        return
    for name, value in _children(node):
        if name == "quotes" and isinstance(value, list):
            kept = []
            for quote in value:
                text = _quote_text(quote)
                if text and is_theirs(text):
                    removed.append(text)
                else:
                    kept.append(quote)
            setattr(node, name, kept)
        else:
            _filter_quotes(value, is_theirs, removed)


def _scrub_text(text: str, removed: list[str]) -> str:
    for quote in removed:
        text = text.replace(quote, REMOVED)
    return text


def _scrub_strings(node: Any, removed: list[str]) -> None:
    if isinstance(node, list):
        for i, value in enumerate(node):
            if isinstance(value, str):
                node[i] = _scrub_text(value, removed)
            else:
                _scrub_strings(value, removed)
        return
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str):
                node[key] = _scrub_text(value, removed)
            else:
                _scrub_strings(value, removed)
        return
    if not is_dataclass(node):
        return
    for name, value in _children(node):
        if isinstance(value, str):
            setattr(node, name, _scrub_text(value, removed))
        else:
            _scrub_strings(value, removed)


def _rename_suggestions(node: Any, is_their_title: Callable[[str], bool]) -> int:
    count = 0
    if isinstance(node, list | tuple):
        return sum(_rename_suggestions(v, is_their_title) for v in node)
    if isinstance(node, dict):
        return sum(_rename_suggestions(v, is_their_title) for v in node.values())
    if isinstance(node, CompletedSuggestion) and is_their_title(node.title):
        node.title = REMOVED
        return 1
    if is_dataclass(node):
        for _name, value in _children(node):
            count += _rename_suggestions(value, is_their_title)
    return count


def drop_quotes(context: ReportContext, is_theirs: Callable[[str], bool],
                is_their_title: Callable[[str], bool] | None = None) -> int:
    """Remove from ``context`` (in place) the quotes ``is_theirs`` recognises, and their
    repetitions in other text; the titles of completed suggestions that
    ``is_their_title`` recognises are replaced. Returns how many places changed."""
    removed: list[str] = []
    _filter_quotes(context, is_theirs, removed)
    # Longest first, so that a quote inside a longer one does not break its replacement.
    removed = sorted(set(removed), key=len, reverse=True)
    if removed:
        _scrub_strings(context, removed)
    renamed = _rename_suggestions(context, is_their_title) if is_their_title else 0
    return len(removed) + renamed
