"""URL rules whose URL builders are compiled on first use instead of when the app is built.

Werkzeug compiles two URL builder functions for every rule as soon as the rule is added: it
generates Python source, parses and compiles it. With about two hundred routes that is most of
the time ``create_app()`` takes (and so most of a web worker's or ``flask``'s start-up), while
a process only ever builds URLs for the few routes its pages link to. A rule of this class
generates each builder the first time it is called; what it builds is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule


class LazyBuilderRule(Rule):
    """A :class:`werkzeug.routing.Rule` that compiles its URL builders lazily."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        slot = "_build_unknown" if append_unknown else "_build"

        def build_on_first_use(rule: Rule, /, **values: Any) -> tuple[str, str]:
            # Rule.compile() binds what we return as a method, so ``rule`` is the rule itself
            # (positional-only: a URL may well have a query argument called "rule").
            # A racing thread compiles the same builder again, which is harmless.
            builder = Rule._compile_builder(rule, append_unknown).__get__(rule, None)
            setattr(rule, slot, builder)
            return builder(**values)

        return build_on_first_use  # type: ignore[return-value]
