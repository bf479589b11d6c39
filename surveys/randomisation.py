"""Deterministic option shuffling: the same seed always gives the same order.

The app stores one seed per response (so a member who reloads or resumes sees the same order)
and asks for the order of each question. Options marked ``pinned``, "other" options (其他)
and exclusive options (以上都没有) keep their place; the others are ordered by a SHA-256 hash
of (seed, question id, option id), which is a uniformly random permutation that does not
depend on Python's random module, and which keeps the relative order of the existing options
when an option is added.
"""

from __future__ import annotations

import hashlib

from surveys.definition import Question, Survey
from surveys.options import Option


def shuffles(survey: Survey, q: Question) -> bool:
    """Whether this question's options (or matrix rows / ranking items) are shuffled: its
    own ``randomize`` setting, or the survey's ``randomize_options`` when that is unset."""
    own = getattr(q.config, "randomize", None)
    return survey.settings.randomize_options if own is None else own


def shuffle_targets(q: Question) -> tuple[Option, ...]:
    """What gets shuffled: choice options, ranking items or matrix rows."""
    return getattr(q.config, "options", None) or getattr(q.config, "items", ())


def _key(seed: str | int, question_id: str, option_id: str) -> bytes:
    return hashlib.sha256(f"{seed}\x1f{question_id}\x1f{option_id}".encode()).digest()


def shuffled(options: tuple[Option, ...], seed: str | int, question_id: str) -> tuple[Option, ...]:
    """``options`` reordered for ``seed``, pinned / other / exclusive ones left in place."""
    movable = sorted((o for o in options if not o.keeps_position),
                     key=lambda o: _key(seed, question_id, o.id))
    it = iter(movable)
    return tuple(o if o.keeps_position else next(it) for o in options)


def option_order(survey: Survey, q: Question, seed: str | int) -> tuple[Option, ...]:
    """The options (or rows / items) of ``q`` in the order to show for this seed."""
    targets = shuffle_targets(q)
    return shuffled(targets, seed, q.id) if targets and shuffles(survey, q) else targets


def presentation_order(survey: Survey, seed: str | int) -> dict[str, tuple[str, ...]]:
    """Option (or row / item) ids in display order for every question that has any."""
    return {q.id: tuple(o.id for o in option_order(survey, q, seed))
            for q in survey.questions if shuffle_targets(q)}
