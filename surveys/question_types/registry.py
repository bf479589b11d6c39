"""The registry of question types: a dict from type name to its (stateless) instance."""

from __future__ import annotations

from typing import TypeVar

from surveys.question_types.base import QuestionType

QUESTION_TYPES: dict[str, QuestionType] = {}

T = TypeVar("T", bound=type[QuestionType])


class UnknownQuestionType(KeyError):
    """No question type is registered under this name."""


def register(cls: T) -> T:
    """Class decorator: add a question type to the registry under its ``name``."""
    if not cls.name or cls.name in QUESTION_TYPES:
        raise ValueError(f"question type name {cls.name!r} is empty or taken")
    QUESTION_TYPES[cls.name] = cls()
    return cls


def get_question_type(name: str) -> QuestionType:
    """The question type registered as ``name``; raises UnknownQuestionType."""
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise UnknownQuestionType(name) from None
