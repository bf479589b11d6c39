"""Survey definitions: versioned, immutable dataclasses with a strict JSON form.

``Survey.from_dict`` / ``loads`` check the *structure* (JSON types, known fields, known
question types, id format) and raise ``DefinitionError`` listing every problem with its JSON
path; drafts that are structurally sound but not yet publishable still load.
``surveys.definition_checks.validate_definition`` checks the *meaning* (duplicate ids,
option lists, ranges, logic) and is what the builder runs before publishing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from surveys._parsing import Reader, join_path
from surveys.conditions import Condition, read_condition
from surveys.limits import size_problems
from surveys.options import Option
from surveys.problems import DefinitionError, DefinitionProblem
from surveys.question_types import QUESTION_TYPES, QuestionType, get_question_type
from surveys.question_types.base import config_to_dict, make_config

SCHEMA_VERSION = 1
END = "end"
"""The ``goto`` of a skip rule that ends the survey."""
RESERVED_IDS = frozenset({END})

SURVEY_KEYS = ("schema_version", "title", "description", "welcome", "thank_you", "settings",
               "pages")
PAGE_KEYS = ("id", "title", "description", "questions", "skip")
COMMON_QUESTION_KEYS = ("id", "type", "title", "help_text", "required", "show_if")

# Upgrades of older documents: MIGRATIONS[v] turns a version-v dict into version v + 1.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


@dataclass(frozen=True)
class SurveySettings:
    """Survey-wide settings: default option shuffling, progress bar, question numbers."""

    randomize_options: bool = False
    show_progress: bool = True
    show_question_numbers: bool = True


@dataclass(frozen=True)
class Question:
    """One question: common fields plus ``config``, the type's own settings dataclass.

    ``show_if`` is its display logic: the question is shown only when the condition holds.
    """

    id: str
    type: str
    title: str
    help_text: str = ""
    required: bool = False
    show_if: Condition | None = None
    config: Any = None

    def __post_init__(self) -> None:
        qtype = get_question_type(self.type)
        if self.config is None:
            object.__setattr__(self, "config", qtype.default_config())
        elif isinstance(self.config, dict):
            object.__setattr__(self, "config", make_config(qtype.config_class, **self.config))

    @cached_property
    def qtype(self) -> QuestionType:
        """The question type object from the registry."""
        return get_question_type(self.type)

    @property
    def options(self) -> tuple[Option, ...]:
        """The choice options or ranking items (empty for other types)."""
        return getattr(self.config, "options", ())

    @cached_property
    def option_index(self) -> dict[str, Option]:
        """Options by id."""
        return {o.id: o for o in self.options}

    @cached_property
    def item_index(self) -> dict[str, Option]:
        """Matrix rows or ranking items by id (what a condition's ``item`` names)."""
        return {o.id: o for o in self.qtype.items(self)}

    @cached_property
    def other_option(self) -> Option | None:
        """The "其他" option that takes free text, if any."""
        return next((o for o in self.options if o.other), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: common fields, then the type's settings that differ from the default."""
        out: dict[str, Any] = {"id": self.id, "type": self.type, "title": self.title}
        if self.help_text:
            out["help_text"] = self.help_text
        if self.required:
            out["required"] = True
        if self.show_if is not None:
            out["show_if"] = self.show_if.to_dict()
        out.update(config_to_dict(self.config))
        return out


def make_question(id: str, type: str, title: str, *, help_text: str = "",
                  required: bool = False, show_if: Condition | None = None,
                  **settings: Any) -> Question:
    """Build a question from Python values; ``settings`` are the type's own settings."""
    config = make_config(get_question_type(type).config_class, **settings)
    return Question(id, type, title, help_text, required, show_if, config)


@dataclass(frozen=True)
class SkipRule:
    """When the respondent arrives at the page and ``condition`` holds, go to ``goto``
    (a later page's id, or ``END``) instead of showing the page."""

    condition: Condition
    goto: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"if": self.condition.to_dict(), "goto": self.goto}


@dataclass(frozen=True)
class Page:
    """A page of questions, with optional skip rules checked on arrival."""

    id: str
    title: str = ""
    questions: tuple[Question, ...] = ()
    skip: tuple[SkipRule, ...] = ()
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "questions", tuple(self.questions))
        object.__setattr__(self, "skip", tuple(self.skip))

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        out: dict[str, Any] = {"id": self.id, "title": self.title}
        if self.description:
            out["description"] = self.description
        if self.skip:
            out["skip"] = [r.to_dict() for r in self.skip]
        out["questions"] = [q.to_dict() for q in self.questions]
        return out


@dataclass(frozen=True)
class Survey:
    """A whole survey: texts, settings and pages. Immutable; build edited copies with
    ``dataclasses.replace`` or the helpers in ``surveys.editing``."""

    title: str
    pages: tuple[Page, ...] = ()
    description: str = ""
    welcome: str = ""
    thank_you: str = ""
    settings: SurveySettings = field(default_factory=SurveySettings)
    schema_version: int = SCHEMA_VERSION

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", tuple(self.pages))

    # -- lookups ----------------------------------------------------------------------
    @cached_property
    def questions(self) -> tuple[Question, ...]:
        """Every question in order."""
        return tuple(q for p in self.pages for q in p.questions)

    @cached_property
    def locations(self) -> dict[str, tuple[int, int]]:
        """(page index, position in page) of each question id (the first, if duplicated)."""
        out: dict[str, tuple[int, int]] = {}
        for i, page in enumerate(self.pages):
            for j, q in enumerate(page.questions):
                out.setdefault(q.id, (i, j))
        return out

    @cached_property
    def page_indexes(self) -> dict[str, int]:
        """Index of each page id (the first, if duplicated)."""
        out: dict[str, int] = {}
        for i, p in enumerate(self.pages):
            out.setdefault(p.id, i)
        return out

    def question(self, question_id: str) -> Question:
        """The question with this id; raises KeyError."""
        i, j = self.locations[question_id]
        return self.pages[i].questions[j]

    def page(self, page_id: str) -> Page:
        """The page with this id; raises KeyError."""
        return self.pages[self.page_indexes[page_id]]

    def page_of(self, question_id: str) -> Page:
        """The page holding a question; raises KeyError."""
        return self.pages[self.locations[question_id][0]]

    # -- JSON -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """JSON form, as exported."""
        return {
            "schema_version": self.schema_version,
            "title": self.title,
            "description": self.description,
            "welcome": self.welcome,
            "thank_you": self.thank_you,
            "settings": {"randomize_options": self.settings.randomize_options,
                         "show_progress": self.settings.show_progress,
                         "show_question_numbers": self.settings.show_question_numbers},
            "pages": [p.to_dict() for p in self.pages],
        }

    @classmethod
    def from_dict(cls, data: Any) -> Survey:
        """Parse a definition strictly; raises DefinitionError listing every problem."""
        return survey_from_dict(data)

    def dumps(self, indent: int | None = 2) -> str:
        """JSON text (UTF-8 characters kept readable)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def dumps(survey: Survey, indent: int | None = 2) -> str:
    """JSON text of a survey definition, for export."""
    return survey.dumps(indent)


def loads(text: str | bytes, *, validate: bool = False) -> Survey:
    """Read a definition from JSON text; raises DefinitionError. A definition past the size
    caps (``surveys.limits``) is refused before it is built. With ``validate=True`` the
    meaning is checked too (as before publishing)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DefinitionError([DefinitionProblem.make(
                "invalid_json", line=1, column=exc.start + 1, reason="不是 UTF-8 编码")]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DefinitionError([DefinitionProblem.make(
            "invalid_json", line=exc.lineno, column=exc.colno, reason=exc.msg)]) from None
    except RecursionError:
        raise DefinitionError([DefinitionProblem.make(
            "invalid_json", line=1, column=1, reason="嵌套层数过多")]) from None
    too_big = size_problems(data)
    if too_big:
        raise DefinitionError(too_big)
    survey = survey_from_dict(data)
    if validate:
        from surveys.definition_checks import validate_definition

        problems = validate_definition(survey)
        if problems:
            raise DefinitionError(problems)
    return survey


def survey_from_dict(data: Any) -> Survey:
    """Parse a definition dict strictly; raises DefinitionError listing every problem."""
    reader = Reader()
    doc = reader.mapping(data, "", SURVEY_KEYS, ("schema_version", "title", "pages"))
    if doc is None:
        raise DefinitionError(reader.problems)
    version = reader.get(doc, "schema_version", "", "int", None)
    if version is None or not 1 <= version <= SCHEMA_VERSION:
        if version is not None or "schema_version" in doc:
            reader.problem("schema_version", "unsupported_version",
                           version=doc.get("schema_version"), current=SCHEMA_VERSION)
        raise DefinitionError(reader.problems)
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[version](doc)
        version += 1
    settings = _read_settings(reader, doc.get("settings", {}))
    pages = []
    for i, raw in enumerate(reader.get(doc, "pages", "", "list", [], required=True)):
        page = _read_page(reader, raw, join_path("pages", i))
        if page is not None:
            pages.append(page)
    survey = Survey(
        title=reader.get(doc, "title", "", "str", "", required=True),
        description=reader.get(doc, "description", "", "str", ""),
        welcome=reader.get(doc, "welcome", "", "str", ""),
        thank_you=reader.get(doc, "thank_you", "", "str", ""),
        settings=settings,
        pages=tuple(pages),
    )
    if reader.problems:
        raise DefinitionError(reader.problems)
    return survey


def _read_settings(reader: Reader, raw: Any) -> SurveySettings:
    data = reader.mapping(raw, "settings", ("randomize_options", "show_progress",
                                            "show_question_numbers"))
    if data is None:
        return SurveySettings()
    return SurveySettings(
        randomize_options=reader.get(data, "randomize_options", "settings", "bool", False),
        show_progress=reader.get(data, "show_progress", "settings", "bool", True),
        show_question_numbers=reader.get(data, "show_question_numbers", "settings", "bool",
                                         True))


def _read_page(reader: Reader, raw: Any, path: str) -> Page | None:
    data = reader.mapping(raw, path, PAGE_KEYS, ("id",))
    if data is None:
        return None
    page_id = reader.identifier(data, "id", path)
    reader.page_id, reader.question_id = page_id, None
    if page_id in RESERVED_IDS:
        reader.problem(join_path(path, "id"), "reserved_id", id=page_id)
    questions = []
    qpath = join_path(path, "questions")
    for i, q in enumerate(reader.get(data, "questions", path, "list", [])):
        question = _read_question(reader, q, join_path(qpath, i))
        if question is not None:
            questions.append(question)
    reader.question_id = None
    rules = []
    spath = join_path(path, "skip")
    for i, r in enumerate(reader.get(data, "skip", path, "list", [])):
        rule = _read_skip_rule(reader, r, join_path(spath, i))
        if rule is not None:
            rules.append(rule)
    page = Page(page_id, reader.get(data, "title", path, "str", ""), tuple(questions),
                tuple(rules), reader.get(data, "description", path, "str", ""))
    reader.page_id = None
    return page


def _read_skip_rule(reader: Reader, raw: Any, path: str) -> SkipRule | None:
    data = reader.mapping(raw, path, ("if", "goto"), ("if", "goto"))
    if data is None or "if" not in data:
        return None
    condition = read_condition(reader, data["if"], join_path(path, "if"))
    goto = reader.get(data, "goto", path, "str", None)
    if condition is None or goto is None:
        return None
    return SkipRule(condition, goto)


def _read_question(reader: Reader, raw: Any, path: str) -> Question | None:
    if not isinstance(raw, dict):
        reader.wrong_type(path, "对象")
        return None
    type_name = reader.get(raw, "type", path, "str", None, required=True)
    if type_name is None:
        return None
    if type_name not in QUESTION_TYPES:
        reader.problem(join_path(path, "type"), "unknown_type", type=type_name)
        return None
    qtype = QUESTION_TYPES[type_name]
    data = reader.mapping(raw, path, (*COMMON_QUESTION_KEYS, *qtype.config_keys()),
                          ("id", "type", "title"))
    question_id = reader.identifier(data, "id", path)
    reader.question_id = question_id
    show_if = None
    if data.get("show_if") is not None:
        show_if = read_condition(reader, data["show_if"], join_path(path, "show_if"))
    config = qtype.read_config(reader, data, path)
    return Question(
        id=question_id,
        type=type_name,
        title=reader.get(data, "title", path, "str", "", required=True),
        help_text=reader.get(data, "help_text", path, "str", ""),
        required=reader.get(data, "required", path, "bool", False),
        show_if=show_if,
        config=config,
    )


def iter_questions(survey: Survey) -> Iterable[tuple[Page, Question]]:
    """Every (page, question) pair in order."""
    for page in survey.pages:
        for q in page.questions:
            yield page, q
