"""Question types: a registry (``QUESTION_TYPES``, ``get_question_type``) of one class each.

A new type is one new module with one ``@register``-ed subclass of ``QuestionType``,
imported below.
"""

from surveys.question_types import choice, date, matrix, number, ranking, scales, text
from surveys.question_types.base import Column, QuestionType
from surveys.question_types.registry import (
    QUESTION_TYPES,
    UnknownQuestionType,
    get_question_type,
    register,
)

__all__ = [
    "QUESTION_TYPES",
    "Column",
    "QuestionType",
    "UnknownQuestionType",
    "get_question_type",
    "register",
    "choice",
    "date",
    "matrix",
    "number",
    "ranking",
    "scales",
    "text",
]
