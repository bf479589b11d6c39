"""Plain error objects of the survey domain: definition problems and answer errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from surveys.messages import answer_message, definition_message


@dataclass(frozen=True)
class DefinitionProblem:
    """One thing wrong with a survey definition, located by JSON path, page and question."""

    code: str
    message: str
    path: str = ""
    page_id: str | None = None
    question_id: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def make(cls, code: str, path: str = "", page_id: str | None = None,
             question_id: str | None = None, **params: Any) -> DefinitionProblem:
        """Build a problem with its default Chinese message."""
        shown = {"path": path or "（根）", **params}
        return cls(code, definition_message(code, shown), path, page_id, question_id, params)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, for the API."""
        return {"code": self.code, "message": self.message, "path": self.path,
                "page_id": self.page_id, "question_id": self.question_id,
                "params": dict(self.params)}


class DefinitionError(ValueError):
    """A survey definition could not be read or is not valid; ``problems`` lists why."""

    def __init__(self, problems: Iterable[DefinitionProblem]):
        self.problems: tuple[DefinitionProblem, ...] = tuple(problems)
        super().__init__("；".join(p.message for p in self.problems[:5])
                         + ("……" if len(self.problems) > 5 else ""))


@dataclass(frozen=True)
class AnswerError:
    """One problem with a response, tied to a question (or to a page, or to nothing)."""

    question_id: str | None
    code: str
    params: Mapping[str, Any]
    message: str
    page_id: str | None = None

    @classmethod
    def make(cls, question_id: str | None, code: str, page_id: str | None = None,
             **params: Any) -> AnswerError:
        """Build an error with its default Chinese message."""
        return cls(question_id, code, params, answer_message(code, params), page_id)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, for the API and the member page."""
        return {"question_id": self.question_id, "page_id": self.page_id, "code": self.code,
                "params": dict(self.params), "message": self.message}


class InvalidAnswer(Exception):
    """Raised by a question type when an answer is not acceptable."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params
