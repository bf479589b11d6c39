"""The survey builder's operations on a survey's working definition.

Each operation reads the working definition, applies a pure edit from ``surveys.editing``
(or builds a question or condition from form input), and stores the result. Drafts may be
incomplete; ``surveys.problems`` lists what still blocks publishing. Logic edits are stricter:
a display or skip condition that refers to an unknown, later or unsuitable question is refused
with the domain's explanation, so the builder never stores a broken reference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import lazy_gettext as _l

import surveys as domain
from app.extensions import db
from app.models import Survey, SurveyVersion
from app.services.errors import NotFound, ServiceError
from app.services.surveys import lifecycle as survey_service
from surveys import editing
from surveys.conditions import NO_VALUE_OPERATORS
from surveys.limits import MAX_OPTIONS


def edit(survey: Survey, change: Callable[[domain.Survey], domain.Survey]) -> domain.Survey:
    """Apply ``change`` to the working definition and store it."""
    definition = survey_service.draft_definition(survey)
    updated = change(definition)
    survey_service.save_definition(survey, updated)
    return updated


def _page(definition: domain.Survey, page_id: str) -> domain.Page:
    try:
        return definition.page(page_id)
    except KeyError:
        raise NotFound(_l("问卷中没有这一页。"), code="unknown_page") from None


def _question(definition: domain.Survey, question_id: str) -> domain.Question:
    try:
        return definition.question(question_id)
    except KeyError:
        raise NotFound(_l("问卷中没有这道题。"), code="unknown_question") from None


# -- survey texts -------------------------------------------------------------------------

@dataclass
class DetailsInput:
    """Texts and display settings of the whole survey."""

    title: str
    description: str = ""
    welcome: str = ""
    thank_you: str = ""
    randomize_options: bool = False
    show_progress: bool = True
    show_question_numbers: bool = True


def update_details(survey: Survey, data: DetailsInput) -> domain.Survey:
    """Change the title, description, welcome and thank-you texts and display settings."""
    title = data.title.strip()
    if not title:
        raise ServiceError(_l("请填写问卷标题。"), code="title_required", field="title")

    def change(d: domain.Survey) -> domain.Survey:
        return replace(d, title=title, description=data.description.strip(),
                       welcome=data.welcome.strip(), thank_you=data.thank_you.strip(),
                       settings=domain.SurveySettings(
                           randomize_options=data.randomize_options,
                           show_progress=data.show_progress,
                           show_question_numbers=data.show_question_numbers))

    return edit(survey, change)


# -- pages --------------------------------------------------------------------------------

def add_page(survey: Survey, title: str = "", after: str | None = None) -> str:
    """Add an empty page (after ``after``, or at the end); returns its id."""
    definition = survey_service.draft_definition(survey)
    index = None
    if after is not None:
        index = definition.page_indexes.get(after, len(definition.pages) - 1) + 1
    updated, page_id = editing.add_page(definition, title.strip(), index)
    survey_service.save_definition(survey, updated)
    return page_id


def update_page(survey: Survey, page_id: str, title: str, description: str) -> None:
    """Change a page's title and description."""
    def change(d: domain.Survey) -> domain.Survey:
        page = _page(d, page_id)
        pages = list(d.pages)
        pages[d.page_indexes[page_id]] = replace(page, title=title.strip(),
                                                 description=description.strip())
        return replace(d, pages=tuple(pages))

    edit(survey, change)


def move_page(survey: Survey, page_id: str, delta: int) -> None:
    """Move a page up (-1) or down (+1)."""
    def change(d: domain.Survey) -> domain.Survey:
        _page(d, page_id)
        index = max(0, min(len(d.pages) - 1, d.page_indexes[page_id] + delta))
        return editing.move_page(d, page_id, index)

    edit(survey, change)


def delete_page(survey: Survey, page_id: str) -> None:
    """Remove a page and its questions (the last page stays: a survey needs one)."""
    def change(d: domain.Survey) -> domain.Survey:
        _page(d, page_id)
        if len(d.pages) == 1:
            raise ServiceError(_l("问卷至少要保留一页。"), code="last_page")
        return editing.remove_page(d, page_id)

    edit(survey, change)


# -- questions ----------------------------------------------------------------------------

@dataclass
class OptionInput:
    """One option / row / item row of the form; ``id`` is empty for a new one."""

    label: str
    id: str = ""
    other: bool = False
    exclusive: bool = False
    pinned: bool = False


@dataclass
class QuestionInput:
    """A question as the edit form posts it; only the fields of its type are used."""

    type: str
    title: str
    help_text: str = ""
    required: bool = False
    options: list[OptionInput] = field(default_factory=list)
    items: list[OptionInput] = field(default_factory=list)
    scale: list[tuple[int | None, str]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    randomize: bool | None = None
    other_text_required: bool = True
    min_choices: int | None = None
    max_choices: int | None = None
    max_rating: int = 5
    low_label: str = ""
    high_label: str = ""
    max_length: int | None = None
    min_length: int | None = None
    placeholder: str = ""
    feedback: bool = True
    min_value: float | None = None
    max_value: float | None = None
    integer_only: bool = False
    unit: str = ""
    min_date: str | None = None
    max_date: str | None = None


CHOICE_TYPES = ("single_choice", "dropdown", "multiple_choice")
TEXT_TYPES = ("short_text", "long_text")
# A question may switch type only within its family (stored answers keep their meaning).
TYPE_FAMILIES = (CHOICE_TYPES, TEXT_TYPES)


def compatible_types(type_name: str) -> tuple[str, ...]:
    """Types a question of ``type_name`` can be switched to."""
    for family in TYPE_FAMILIES:
        if type_name in family:
            return family
    return (type_name,)


def _options(rows: Sequence[OptionInput], prefix: str, *, flags: bool) -> tuple[domain.Option, ...]:
    taken = {r.id for r in rows if r.id}
    out = []
    for row in rows:
        label = row.label.strip()
        if not label:
            continue
        option_id = row.id
        if not option_id:
            option_id = editing.new_id(taken, prefix)
            taken.add(option_id)
        out.append(domain.Option(option_id, label, other=flags and row.other,
                                 exclusive=flags and row.exclusive, pinned=flags and row.pinned))
    if len(out) > MAX_OPTIONS:
        raise ServiceError(_l("选项最多 %(n)d 个。", n=MAX_OPTIONS), code="too_many_options")
    return tuple(out)


def used_question_ids(survey: Survey, definition: domain.Survey) -> set[str]:
    """Every question code of the working definition and of every published version: a new
    question must not take one, or the answers of a removed question would become its own."""
    taken = editing.question_ids(definition)
    for version_definition in db.session.execute(
            db.select(SurveyVersion.definition).where(SurveyVersion.survey_id == survey.id)
    ).scalars():
        for page in version_definition.get("pages") or []:
            taken.update(q.get("id") for q in page.get("questions") or [] if q.get("id"))
    return taken


def default_question(type_name: str, existing_ids: set[str]) -> domain.Question:
    """A new question of a type with sensible starting content."""
    qid = editing.question_code(type_name, existing_ids)
    label = domain.get_question_type(type_name).label
    settings: dict[str, Any] = {}
    if type_name in CHOICE_TYPES or type_name == "ranking":
        settings["options"] = domain.options_from_labels(["选项 1", "选项 2", "选项 3"])
    if type_name == "matrix":
        settings["items"] = domain.options_from_labels(["陈述 1", "陈述 2", "陈述 3"], "r")
    return domain.make_question(qid, type_name, f"新的{label}", **settings)


def build_question(question_id: str, data: QuestionInput) -> domain.Question:
    """A domain question from form input; raises ServiceError for input that cannot even be
    stored (publish-blocking problems are reported by ``surveys.problems`` instead)."""
    t = data.type
    settings: dict[str, Any] = {}
    if t in CHOICE_TYPES:
        settings.update(options=_options(data.options, "o", flags=True),
                        randomize=data.randomize, other_text_required=data.other_text_required)
        if t == "multiple_choice":
            settings.update(min_choices=data.min_choices, max_choices=data.max_choices)
    elif t == "ranking":
        settings.update(options=_options(data.options, "o", flags=False),
                        randomize=data.randomize)
    elif t == "matrix":
        scale = tuple(domain.ScalePoint(value if value is not None else n, label.strip())
                      for n, (value, label) in enumerate(data.scale, start=1) if label.strip())
        settings.update(items=_options(data.items, "r", flags=False), randomize=data.randomize)
        if scale:
            settings["scale"] = scale
    elif t == "rating":
        settings.update(max_rating=data.max_rating, low_label=data.low_label.strip(),
                        high_label=data.high_label.strip())
    elif t == "nps":
        settings.update(low_label=data.low_label.strip() or "完全不可能",
                        high_label=data.high_label.strip() or "极有可能")
    elif t in ("csat", "ces"):
        labels = [label.strip() for label in data.labels]
        if any(labels):
            settings["labels"] = tuple(labels)
    elif t in TEXT_TYPES:
        settings.update(placeholder=data.placeholder.strip(), feedback=data.feedback,
                        min_length=data.min_length or 0)
        if data.max_length:
            settings["max_length"] = data.max_length
    elif t == "number":
        settings.update(min_value=data.min_value, max_value=data.max_value,
                        integer_only=data.integer_only, unit=data.unit.strip())
    elif t == "date":
        settings.update(min_date=data.min_date or None, max_date=data.max_date or None)
    try:
        return domain.make_question(question_id, t, data.title.strip(),
                                    help_text=data.help_text.strip(), required=data.required,
                                    **settings)
    except (TypeError, ValueError, KeyError) as exc:
        raise ServiceError(_l("题目设置无效：%(reason)s", reason=str(exc)),
                           code="invalid_question") from None


def add_question(survey: Survey, page_id: str, data: QuestionInput,
                 after: str | None = None) -> str:
    """Add a question to a page (after ``after`` or at the end); returns its id."""
    definition = survey_service.draft_definition(survey)
    page = _page(definition, page_id)
    qid = editing.question_code(data.type, used_question_ids(survey, definition))
    question = build_question(qid, data)
    index = None
    if after is not None:
        ids = [q.id for q in page.questions]
        index = ids.index(after) + 1 if after in ids else None
    survey_service.save_definition(survey, editing.add_question(definition, page_id, question,
                                                                index))
    return qid


def update_question(survey: Survey, question_id: str, data: QuestionInput) -> None:
    """Replace a question's texts and settings, keeping its id and display logic."""
    def change(d: domain.Survey) -> domain.Survey:
        current = _question(d, question_id)
        if data.type not in compatible_types(current.type):
            raise ServiceError(_l("不能把这道题改成该题型。"), code="incompatible_type")
        updated = replace(build_question(question_id, data), show_if=current.show_if)
        return editing.replace_question(d, updated)

    edit(survey, change)


def move_question(survey: Survey, question_id: str, delta: int) -> None:
    """Move a question up or down; past the top or bottom of its page it moves to the end of
    the previous page or the start of the next one."""
    def change(d: domain.Survey) -> domain.Survey:
        _question(d, question_id)
        i, j = d.locations[question_id]
        page = d.pages[i]
        target = j + delta
        if 0 <= target < len(page.questions):
            return editing.move_question(d, question_id, page.id, target)
        if target < 0 and i > 0:
            previous = d.pages[i - 1]
            return editing.move_question(d, question_id, previous.id, len(previous.questions))
        if target >= len(page.questions) and i + 1 < len(d.pages):
            return editing.move_question(d, question_id, d.pages[i + 1].id, 0)
        return d

    edit(survey, change)


def move_question_to_page(survey: Survey, question_id: str, page_id: str) -> None:
    """Move a question to the end of another page."""
    def change(d: domain.Survey) -> domain.Survey:
        _question(d, question_id)
        page = _page(d, page_id)
        if d.page_of(question_id).id == page_id:
            return d
        return editing.move_question(d, question_id, page_id, len(page.questions))

    edit(survey, change)


def duplicate_question(survey: Survey, question_id: str) -> str:
    """Copy a question right after itself; returns the copy's id."""
    definition = survey_service.draft_definition(survey)
    _question(definition, question_id)
    updated, copy_id = editing.duplicate_question(definition, question_id,
                                                  used_question_ids(survey, definition))
    survey_service.save_definition(survey, updated)
    return copy_id


def delete_question(survey: Survey, question_id: str) -> None:
    """Remove a question (logic that used it shows up among the problems)."""
    def change(d: domain.Survey) -> domain.Survey:
        _question(d, question_id)
        return editing.remove_question(d, question_id)

    edit(survey, change)
    if survey.community_nps_question == question_id:
        survey.community_nps_question = None


def set_community_nps(survey: Survey, question_id: str, marked: bool) -> None:
    """Mark (or unmark) an NPS question as the survey's community NPS question: only its
    answers count towards the headline NPS of improvement reports."""
    question = _question(survey_service.draft_definition(survey), question_id)
    if marked:
        if question.type != "nps":
            raise ServiceError(_l("只有 NPS 题可以作为社群 NPS。"), code="not_nps")
        survey.community_nps_question = question_id
    elif survey.community_nps_question == question_id:
        survey.community_nps_question = None


def references(survey: Survey, question_id: str) -> list[str]:
    """Where the question is used by logic, as readable labels."""
    definition = survey_service.draft_definition(survey)
    out = []
    for page_id, qid in editing.references_to(definition, question_id):
        page = definition.page(page_id)
        page_name = page.title or page_id
        if qid is None:
            out.append(str(_l("「%(page)s」页的跳转规则", page=page_name)))
        else:
            out.append(str(_l("题目「%(title)s」的显示条件",
                              title=definition.question(qid).title)))
    return out


# -- logic --------------------------------------------------------------------------------

@dataclass
class ConditionRow:
    """One comparison of the condition editor."""

    question: str
    op: str
    value: Any = None
    item: str | None = None
    negate: bool = False


def condition_dict(rows: Sequence[ConditionRow], combinator: str = "and") -> dict | None:
    """The domain's JSON condition for the editor's rows (None when there are none)."""
    leaves = []
    for row in rows:
        leaf: dict[str, Any] = {"question": row.question}
        if row.item:
            leaf["item"] = row.item
        leaf["op"] = row.op
        if row.op not in NO_VALUE_OPERATORS:
            leaf["value"] = row.value
        leaves.append({"not": leaf} if row.negate else leaf)
    if not leaves:
        return None
    if len(leaves) == 1:
        return leaves[0]
    return {"or" if combinator == "or" else "and": leaves}


def condition_rows(condition: domain.Condition | None) -> tuple[str, list[ConditionRow]] | None:
    """The editor's rows for a condition, or None when it is too deep for the form (then the
    builder offers the JSON editor)."""
    if condition is None:
        return "and", []

    def row(c: Any) -> ConditionRow | None:
        negate = isinstance(c, domain.Not)
        inner = c.condition if negate else c
        if not isinstance(inner, domain.Compare):
            return None
        value = list(inner.value) if isinstance(inner.value, tuple) else inner.value
        return ConditionRow(inner.question, inner.op, value, inner.item, negate)

    if isinstance(condition, domain.AllOf | domain.AnyOf):
        rows = [row(c) for c in condition.conditions]
        if any(r is None for r in rows):
            return None
        return ("or" if isinstance(condition, domain.AnyOf) else "and"), rows
    single = row(condition)
    return None if single is None else ("and", [single])


def parse_value(question: domain.Question | None, op: str, raw: Sequence[str]) -> Any:
    """A condition value from form text: numbers for numeric questions, lists for ``in``."""
    if op in NO_VALUE_OPERATORS:
        return None
    values = [v.strip() for v in raw if v is not None and v.strip()]
    numeric = question is not None and question.type in (
        "rating", "nps", "csat", "ces", "number", "matrix", "ranking")
    if op == "in" and len(values) == 1 and ("," in values[0] or "，" in values[0]):
        values = [v.strip() for v in values[0].replace("，", ",").split(",") if v.strip()]

    def convert(text: str) -> Any:
        if not numeric:
            return text
        try:
            number = float(text)
        except ValueError:
            return text
        return int(number) if number.is_integer() else number

    converted = [convert(v) for v in values]
    if op == "in":
        return converted
    return converted[0] if converted else ""


def _logic_problems(definition: domain.Survey, *, question_id: str | None = None,
                    page_id: str | None = None, rule: int | None = None
                    ) -> list[domain.DefinitionProblem]:
    found = domain.validate_definition(definition)
    if question_id is not None:
        return [p for p in found if p.question_id == question_id and ".show_if" in p.path]
    marker = f".skip[{rule}]" if rule is not None else ".skip["
    return [p for p in found if p.page_id == page_id and marker in p.path]


def _rule_index(definition: domain.Survey, page_id: str, index: int | None) -> int:
    return index if index is not None else len(definition.page(page_id).skip) - 1


class LogicRefused(ServiceError):
    """A condition was refused; ``problems`` explains why."""

    code = "invalid_logic"

    def __init__(self, problems: Sequence[domain.DefinitionProblem]):
        super().__init__(_l("条件有误，未保存：") + "；".join(p.message for p in problems))
        self.problems = tuple(problems)


def _read_condition(data: Any) -> domain.Condition:
    try:
        return domain.condition_from_dict(data)
    except domain.DefinitionError as exc:
        raise LogicRefused(exc.problems) from None


def _with_display_logic(definition: domain.Survey, question_id: str,
                        condition: dict | None) -> domain.Survey:
    question = _question(definition, question_id)
    parsed = _read_condition(condition) if condition is not None else None
    return editing.replace_question(definition, replace(question, show_if=parsed))


def check_display_logic(definition: domain.Survey, question_id: str,
                        condition: dict | None) -> list[domain.DefinitionProblem]:
    """What would be wrong with this display condition (nothing: an empty list)."""
    try:
        updated = _with_display_logic(definition, question_id, condition)
    except LogicRefused as exc:
        return list(exc.problems)
    return _logic_problems(updated, question_id=question_id)


def set_display_logic(survey: Survey, question_id: str, condition: dict | None) -> None:
    """Show the question only when ``condition`` holds (None: always show). Refused when the
    condition refers to anything the question cannot see."""
    definition = survey_service.draft_definition(survey)
    updated = _with_display_logic(definition, question_id, condition)
    found = _logic_problems(updated, question_id=question_id)
    if found:
        raise LogicRefused(found)
    survey_service.save_definition(survey, updated)


def _with_skip_rule(definition: domain.Survey, page_id: str, index: int | None,
                    condition: dict, goto: str) -> domain.Survey:
    page = _page(definition, page_id)
    rule = domain.SkipRule(_read_condition(condition), goto)
    rules = list(page.skip)
    if index is None:
        rules.append(rule)
    elif 0 <= index < len(rules):
        rules[index] = rule
    else:
        raise NotFound(_l("没有这条跳转规则。"), code="unknown_rule")
    pages = list(definition.pages)
    pages[definition.page_indexes[page_id]] = replace(page, skip=tuple(rules))
    return replace(definition, pages=tuple(pages))


def check_skip_rule(definition: domain.Survey, page_id: str, index: int | None,
                    condition: dict, goto: str) -> list[domain.DefinitionProblem]:
    """What would be wrong with this skip rule (nothing: an empty list)."""
    try:
        updated = _with_skip_rule(definition, page_id, index, condition, goto)
    except LogicRefused as exc:
        return list(exc.problems)
    return _logic_problems(updated, page_id=page_id,
                           rule=_rule_index(updated, page_id, index))


def set_skip_rule(survey: Survey, page_id: str, index: int | None, condition: dict,
                  goto: str) -> None:
    """Add (``index`` None) or replace a skip rule of a page; refused when it jumps backwards
    or refers to questions that are not on earlier pages."""
    definition = survey_service.draft_definition(survey)
    updated = _with_skip_rule(definition, page_id, index, condition, goto)
    found = _logic_problems(updated, page_id=page_id,
                            rule=_rule_index(updated, page_id, index))
    if found:
        raise LogicRefused(found)
    survey_service.save_definition(survey, updated)


def delete_skip_rule(survey: Survey, page_id: str, index: int) -> None:
    """Remove a page's skip rule."""
    def change(d: domain.Survey) -> domain.Survey:
        page = _page(d, page_id)
        if not 0 <= index < len(page.skip):
            raise NotFound(_l("没有这条跳转规则。"), code="unknown_rule")
        rules = [r for k, r in enumerate(page.skip) if k != index]
        pages = list(d.pages)
        pages[d.page_indexes[page_id]] = replace(page, skip=tuple(rules))
        return replace(d, pages=tuple(pages))

    edit(survey, change)


def display_sources(definition: domain.Survey, question_id: str) -> list[domain.Question]:
    """Questions a display condition may use: those shown before the question."""
    i, j = definition.locations[question_id]
    return [q for k, page in enumerate(definition.pages[: i + 1])
            for n, q in enumerate(page.questions) if k < i or n < j]


def skip_sources(definition: domain.Survey, page_id: str) -> list[domain.Question]:
    """Questions a skip rule may use: those on earlier pages."""
    i = definition.page_indexes[page_id]
    return [q for page in definition.pages[:i] for q in page.questions]


def skip_targets(definition: domain.Survey, page_id: str) -> list[domain.Page]:
    """Pages a skip rule may jump to: later pages (the end is offered separately)."""
    i = definition.page_indexes[page_id]
    return list(definition.pages[i + 1:])


def describe(condition: domain.Condition, definition: domain.Survey) -> str:
    """A condition in words (Chinese, from the domain)."""
    return domain.describe(condition, definition)
