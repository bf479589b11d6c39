"""The builder: survey texts, pages, questions, display logic and skip logic.

Every change is a small POST that edits the working definition and comes back to the builder
at the changed question; the problems panel lists whatever still blocks publishing.
"""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _

import surveys as domain
from app.blueprints.community.forms import ConfirmForm
from app.blueprints.service_calls import committing
from app.blueprints.surveys import surveys_bp
from app.blueprints.surveys.common import back_to_builder, load_survey, run
from app.blueprints.surveys.forms import (
    DetailsForm,
    LogicForm,
    PageForm,
    QuestionForm,
    choices,
)
from app.blueprints.surveys.logic_editor import editor_context, read_rows
from app.models import Survey
from app.security.access import community_required
from app.security.roles import Role
from app.services.surveys import builder as survey_builder
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import privacy as survey_privacy
from app.services.surveys.texts import (
    QUESTION_TYPE_HINTS,
    QUESTION_TYPE_LABELS,
    QUESTION_TYPE_ORDER,
)
from surveys.options import EXCLUSIVE_LABELS, OTHER_LABELS


def _move_delta() -> int:
    """One step up (-1) or down (+1), as the move buttons post it."""
    return -1 if request.form.get("direction") == "up" else 1


def _problems_by_location(problems):
    by_question: dict[str, list] = {}
    by_page: dict[str, list] = {}
    general = []
    for p in problems:
        if p.question_id:
            by_question.setdefault(p.question_id, []).append(p)
        elif p.page_id:
            by_page.setdefault(p.page_id, []).append(p)
        else:
            general.append(p)
    return by_question, by_page, general


@surveys_bp.route("/<int:survey_id>/")
@community_required(Role.OPERATOR)
def builder(slug: str, survey_id: int):
    """The builder: pages and questions with their logic, and what blocks publishing."""
    survey = load_survey(survey_id)
    definition = survey_service.draft_definition(survey)
    problems = survey_service.problems(survey)
    by_question, by_page, general = _problems_by_location(problems)
    describe = {q.id: domain.describe(q.show_if, definition)
                for q in definition.questions if q.show_if is not None}
    skips = {page.id: [(domain.describe(r.condition, definition),
                        definition.page(r.goto).title or r.goto
                        if r.goto in definition.page_indexes else None, r.goto)
                       for r in page.skip] for page in definition.pages}
    return render_template(
        "surveys/builder.html", survey=survey, definition=definition, problems=problems,
        problems_by_question=by_question, problems_by_page=by_page, general_problems=general,
        describe=describe, skips=skips, confirm_form=ConfirmForm(),
        changed=survey_service.has_unpublished_changes(survey),
        type_labels=QUESTION_TYPE_LABELS, type_hints=QUESTION_TYPE_HINTS,
        type_order=QUESTION_TYPE_ORDER,
        privacy_warning=survey_privacy.anonymity_mismatch(survey, definition),
    )


@surveys_bp.route("/<int:survey_id>/details", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def edit_details(slug: str, survey_id: int):
    """Title, description, welcome and thank-you texts, and display settings."""
    survey = load_survey(survey_id)
    definition = survey_service.draft_definition(survey)
    s = definition.settings
    form = DetailsForm(data={
        "title": definition.title, "description": definition.description,
        "welcome": definition.welcome, "thank_you": definition.thank_you,
        "randomize_options": s.randomize_options, "show_progress": s.show_progress,
        "show_question_numbers": s.show_question_numbers})
    if form.validate_on_submit():
        data = survey_builder.DetailsInput(
            title=form.title.data, description=form.description.data or "",
            welcome=form.welcome.data or "", thank_you=form.thank_you.data or "",
            randomize_options=form.randomize_options.data,
            show_progress=form.show_progress.data,
            show_question_numbers=form.show_question_numbers.data)
        if run(lambda: survey_builder.update_details(survey, data), success=_("问卷信息已保存。")):
            return back_to_builder(survey)
    return render_template("surveys/details.html", survey=survey, form=form)


# -- pages --------------------------------------------------------------------------------

@surveys_bp.route("/<int:survey_id>/pages/add", methods=["POST"])
@community_required(Role.OPERATOR)
def add_page(slug: str, survey_id: int):
    """Add an empty page (after a given page, or at the end)."""
    survey = load_survey(survey_id)
    if ConfirmForm().validate_on_submit():
        after = request.form.get("after") or None
        with committing() as done:
            page_id = survey_builder.add_page(survey, "", after)
        if not done:
            return back_to_builder(survey)
        return back_to_builder(survey, f"page-{page_id}")
    return back_to_builder(survey)


@surveys_bp.route("/<int:survey_id>/pages/<page_id>", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def edit_page(slug: str, survey_id: int, page_id: str):
    """A page's title and description."""
    survey = load_survey(survey_id)
    definition = survey_service.draft_definition(survey)
    if page_id not in definition.page_indexes:
        abort(404)
    page = definition.page(page_id)
    form = PageForm(data={"title": page.title, "description": page.description})
    if form.validate_on_submit():
        if run(lambda: survey_builder.update_page(survey, page_id, form.title.data or "",
                                                    form.description.data or ""),
               success=_("页面已保存。")):
            return back_to_builder(survey, f"page-{page_id}")
    return render_template("surveys/page_form.html", survey=survey, page=page, form=form,
                           number=definition.page_indexes[page_id] + 1)


@surveys_bp.route("/<int:survey_id>/pages/<page_id>/move", methods=["POST"])
@community_required(Role.OPERATOR)
def move_page(slug: str, survey_id: int, page_id: str):
    """Move a page up or down."""
    survey = load_survey(survey_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: survey_builder.move_page(survey, page_id, _move_delta()))
    return back_to_builder(survey, f"page-{page_id}")


@surveys_bp.route("/<int:survey_id>/pages/<page_id>/delete", methods=["POST"])
@community_required(Role.OPERATOR)
def delete_page(slug: str, survey_id: int, page_id: str):
    """Remove a page with its questions."""
    survey = load_survey(survey_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: survey_builder.delete_page(survey, page_id), success=_("页面已删除。"))
    return back_to_builder(survey)


# -- questions ----------------------------------------------------------------------------

def _rows(entries) -> list[survey_builder.OptionInput]:
    return [survey_builder.OptionInput(label=e.form.label.data or "", id=e.form.id.data or "",
                                         other=bool(e.form.other.data),
                                         exclusive=bool(e.form.exclusive.data),
                                         pinned=bool(e.form.pinned.data)) for e in entries]


def _number(text: str | None) -> float | None:
    if not text:
        return None
    value = float(text.replace(",", ""))
    return int(value) if value.is_integer() else value


def question_input(form: QuestionForm) -> survey_builder.QuestionInput:
    """The builder input of a posted question form (bulk lines become new options)."""
    t = form.type.data
    options = _rows(form.options.entries)
    items = _rows(form.items.entries)
    bulk = [line.strip() for line in (form.bulk.data or "").splitlines() if line.strip()]
    extra = [survey_builder.OptionInput(
                 label, other=t in survey_builder.CHOICE_TYPES and label in OTHER_LABELS,
                 exclusive=t == "multiple_choice" and label in EXCLUSIVE_LABELS)
             for label in bulk]
    if t == "matrix":
        items += extra
    else:
        options += extra
    randomize = {"1": True, "0": False}.get(form.randomize.data or "")
    return survey_builder.QuestionInput(
        type=t, title=form.title.data or "", help_text=form.help_text.data or "",
        required=form.required.data, options=options, items=items,
        scale=[(e.form.value.data, e.form.label.data or "") for e in form.scale.entries],
        labels=[e.data or "" for e in form.labels.entries], randomize=randomize,
        other_text_required=form.other_text_required.data,
        min_choices=form.min_choices.data, max_choices=form.max_choices.data,
        max_rating=form.max_rating.data or 5, low_label=form.low_label.data or "",
        high_label=form.high_label.data or "", max_length=form.max_length.data,
        min_length=form.min_length.data, placeholder=form.placeholder.data or "",
        feedback=form.feedback.data, min_value=_number(form.min_value.data),
        max_value=_number(form.max_value.data), integer_only=form.integer_only.data,
        unit=form.unit.data or "", min_date=form.min_date.data or None,
        max_date=form.max_date.data or None)


def _form_data(q: domain.Question) -> dict:
    """Form data of an existing question."""
    c = q.config
    data = {"type": q.type, "title": q.title, "help_text": q.help_text,
            "required": q.required}
    option_rows = [{"id": o.id, "label": o.label, "other": o.other, "exclusive": o.exclusive,
                    "pinned": o.pinned} for o in getattr(c, "options", ())]
    if q.type != "matrix":
        data["options"] = option_rows
    if q.type == "matrix":
        data["items"] = [{"id": o.id, "label": o.label} for o in c.items]
        data["scale"] = [{"value": p.value, "label": p.label} for p in c.scale]
    if hasattr(c, "randomize"):
        data["randomize"] = {True: "1", False: "0"}.get(c.randomize, "")
    for name in ("other_text_required", "min_choices", "max_choices", "max_rating",
                 "low_label", "high_label", "max_length", "min_length", "placeholder",
                 "feedback", "integer_only", "unit", "min_date", "max_date"):
        if hasattr(c, name):
            data[name] = getattr(c, name)
    for name in ("min_value", "max_value"):
        if hasattr(c, name) and getattr(c, name) is not None:
            value = getattr(c, name)
            data[name] = str(int(value) if float(value).is_integer() else value)
    if hasattr(c, "labels"):
        data["labels"] = list(c.labels)
    return data


BLANK_ROWS = 2


def _pad(form: QuestionForm) -> None:
    """Blank rows to type new options into (without JavaScript), and fixed-size lists."""
    t = form.type.data
    if t in survey_builder.CHOICE_TYPES or t == "ranking":
        for _n in range(BLANK_ROWS):
            form.options.append_entry()
    if t == "matrix":
        for _n in range(BLANK_ROWS):
            form.items.append_entry()
        while len(form.scale.entries) < 5:
            form.scale.append_entry()
    if t in ("csat", "ces"):
        size = 5 if t == "csat" else 7
        while len(form.labels.entries) < size:
            form.labels.append_entry()


def _question_page(survey: Survey, form: QuestionForm, *, question=None, page=None,
                   problems=()):
    return render_template(
        "surveys/question_form.html", survey=survey, form=form, question=question, page=page,
        type_label=QUESTION_TYPE_LABELS.get(form.type.data, form.type.data),
        problems=problems, choice_types=survey_builder.CHOICE_TYPES)


@surveys_bp.route("/<int:survey_id>/pages/<page_id>/questions/new", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def add_question(slug: str, survey_id: int, page_id: str):
    """Add a question of a chosen type to a page."""
    survey = load_survey(survey_id)
    definition = survey_service.draft_definition(survey)
    if page_id not in definition.page_indexes:
        abort(404)
    type_name = request.values.get("type", "single_choice")
    if type_name not in QUESTION_TYPE_LABELS:
        abort(404)
    after = request.values.get("after") or None
    template = survey_builder.default_question(type_name, {q.id for q in definition.questions})
    form = QuestionForm(data=_form_data(template) if request.method == "GET" else None)
    form.type.choices = choices([(type_name, QUESTION_TYPE_LABELS[type_name])])
    if request.method == "POST" and request.form.get("more"):
        _pad(form)
        return _question_page(survey, form, page=definition.page(page_id))
    if form.validate_on_submit():
        with committing(form=form, field="title") as done:
            qid = survey_builder.add_question(survey, page_id, question_input(form), after)
            if form.type.data == "nps":
                survey_builder.set_community_nps(survey, qid, form.community_nps.data)
        if done:
            flash(_("题目已添加。"), "success")
            return back_to_builder(survey, f"q-{qid}")
    _pad(form)
    return _question_page(survey, form, page=definition.page(page_id))


@surveys_bp.route("/<int:survey_id>/questions/<question_id>", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def edit_question(slug: str, survey_id: int, question_id: str):
    """Edit a question's text, options and settings."""
    survey = load_survey(survey_id)
    definition = survey_service.draft_definition(survey)
    if question_id not in definition.locations:
        abort(404)
    question = definition.question(question_id)
    data = _form_data(question) | {"community_nps": survey.community_nps_question == question_id}
    form = QuestionForm(data=data if request.method == "GET" else None)
    form.type.choices = choices((t, QUESTION_TYPE_LABELS[t])
                                for t in survey_builder.compatible_types(question.type))
    if request.method == "POST" and request.form.get("more"):
        _pad(form)
        return _question_page(survey, form, question=question,
                              page=definition.page_of(question_id))
    if form.validate_on_submit():
        with committing(form=form, field="title") as done:
            survey_builder.update_question(survey, question_id, question_input(form))
            survey_builder.set_community_nps(survey, question_id,
                                             form.type.data == "nps" and form.community_nps.data)
        if done:
            left = [p for p in survey_service.problems(survey) if p.question_id == question_id]
            if left:
                flash(_("题目已保存，但还有问题需要处理：%(list)s",
                        list="；".join(p.message for p in left)), "warning")
            else:
                flash(_("题目已保存。"), "success")
            return back_to_builder(survey, f"q-{question_id}")
    _pad(form)
    problems = [p for p in survey_service.problems(survey) if p.question_id == question_id]
    return _question_page(survey, form, question=question, page=definition.page_of(question_id),
                          problems=problems)


@surveys_bp.route("/<int:survey_id>/questions/<question_id>/move", methods=["POST"])
@community_required(Role.OPERATOR)
def move_question(slug: str, survey_id: int, question_id: str):
    """Move a question up, down, or to another page."""
    survey = load_survey(survey_id)
    if ConfirmForm().validate_on_submit():
        to_page = request.form.get("page")
        if to_page:
            run(lambda: survey_builder.move_question_to_page(survey, question_id, to_page))
        else:
            run(lambda: survey_builder.move_question(survey, question_id, _move_delta()))
    return back_to_builder(survey, f"q-{question_id}")


@surveys_bp.route("/<int:survey_id>/questions/<question_id>/duplicate", methods=["POST"])
@community_required(Role.OPERATOR)
def duplicate_question(slug: str, survey_id: int, question_id: str):
    """Copy a question right below itself."""
    survey = load_survey(survey_id)
    if ConfirmForm().validate_on_submit():
        with committing() as done:
            copy_id = survey_builder.duplicate_question(survey, question_id)
        if done:
            flash(_("已复制题目。"), "success")
            return back_to_builder(survey, f"q-{copy_id}")
    return back_to_builder(survey, f"q-{question_id}")


@surveys_bp.route("/<int:survey_id>/questions/<question_id>/delete", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def delete_question(slug: str, survey_id: int, question_id: str):
    """Delete a question; asks first and names the logic that uses it."""
    survey = load_survey(survey_id)
    definition = survey_service.draft_definition(survey)
    if question_id not in definition.locations:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        run(lambda: survey_builder.delete_question(survey, question_id), success=_("题目已删除。"))
        return back_to_builder(survey)
    return render_template("surveys/delete_question.html", survey=survey, form=form,
                           question=definition.question(question_id),
                           references=survey_builder.references(survey, question_id))


# -- logic --------------------------------------------------------------------------------

def _editing_only() -> bool:
    """Whether the post only re-renders the editor (refresh, remove a row, switch mode)."""
    return any(request.form.get(key) for key in ("refresh", "remove", "mode_switch"))


def _condition_from_post(form: LogicForm, sources):
    """The condition dict from the editor (rows or JSON), or an error message."""
    import json

    if form.mode.data == "json":
        text = (form.condition_json.data or "").strip()
        if not text:
            return None, None
        try:
            return json.loads(text), None
        except json.JSONDecodeError as exc:
            return None, _("JSON 格式错误：第 %(line)d 行第 %(col)d 列。", line=exc.lineno,
                           col=exc.colno)
    rows = read_rows(request.form, {q.id: q for q in sources})
    return survey_builder.condition_dict(rows, form.combinator.data), None


@surveys_bp.route("/<int:survey_id>/questions/<question_id>/logic", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def edit_logic(slug: str, survey_id: int, question_id: str):
    """Display logic: show the question only when earlier answers meet a condition."""
    survey = load_survey(survey_id)
    definition = survey_service.draft_definition(survey)
    if question_id not in definition.locations:
        abort(404)
    question = definition.question(question_id)
    sources = survey_builder.display_sources(definition, question_id)
    form = LogicForm()
    form.goto.choices = choices([("", "")])
    errors: list[str] = []
    if form.validate_on_submit() and not _editing_only():
        if request.form.get("clear"):
            run(lambda: survey_builder.set_display_logic(survey, question_id, None),
                success=_("已取消显示条件，此题总是显示。"))
            return back_to_builder(survey, f"q-{question_id}")
        condition, error = _condition_from_post(form, sources)
        if error:
            errors.append(error)
        else:
            with committing(show=False) as done:
                survey_builder.set_display_logic(survey, question_id, condition)
            if done.error:
                errors.append(done.error.message)
            else:
                flash(_("显示条件已保存。"), "success")
                return back_to_builder(survey, f"q-{question_id}")
    editor = editor_context(definition, sources, question.show_if, request.form
                            if request.method == "POST" else None, form)
    return render_template("surveys/logic_form.html", survey=survey, form=form,
                           question=question, editor=editor, errors=errors, kind="display",
                           definition=definition)


@surveys_bp.route("/<int:survey_id>/pages/<page_id>/skip", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def edit_skip(slug: str, survey_id: int, page_id: str):
    """Skip logic: on arriving at the page, jump to a later page (or the end) when a
    condition on earlier pages holds. ``?rule=N`` edits an existing rule."""
    survey = load_survey(survey_id)
    definition = survey_service.draft_definition(survey)
    if page_id not in definition.page_indexes:
        abort(404)
    page = definition.page(page_id)
    index = request.values.get("rule", type=int)
    if index is not None and not 0 <= index < len(page.skip):
        abort(404)
    existing = page.skip[index] if index is not None else None
    sources = survey_builder.skip_sources(definition, page_id)
    form = LogicForm(goto=existing.goto if existing else None)
    form.goto.choices = choices(
        [(p.id, _("第 %(n)d 页「%(title)s」", n=definition.page_indexes[p.id] + 1,
                  title=p.title or p.id)) for p in survey_builder.skip_targets(definition, page_id)]
        + [(domain.END, _("结束问卷（直接提交）"))])
    errors: list[str] = []
    if form.validate_on_submit() and not _editing_only():
        condition, error = _condition_from_post(form, sources)
        if error:
            errors.append(error)
        elif condition is None:
            errors.append(_("请至少设置一个条件。"))
        else:
            with committing(show=False) as done:
                survey_builder.set_skip_rule(survey, page_id, index, condition, form.goto.data)
            if done.error:
                errors.append(done.error.message)
            else:
                flash(_("跳转规则已保存。"), "success")
                return back_to_builder(survey, f"page-{page_id}")
    editor = editor_context(definition, sources, existing.condition if existing else None,
                            request.form if request.method == "POST" else None, form)
    return render_template("surveys/logic_form.html", survey=survey, form=form, page=page,
                           editor=editor, errors=errors, kind="skip", rule_index=index,
                           definition=definition,
                           page_number=definition.page_indexes[page_id] + 1)


@surveys_bp.route("/<int:survey_id>/pages/<page_id>/skip/<int:index>/delete", methods=["POST"])
@community_required(Role.OPERATOR)
def delete_skip(slug: str, survey_id: int, page_id: str, index: int):
    """Remove a skip rule."""
    survey = load_survey(survey_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: survey_builder.delete_skip_rule(survey, page_id, index),
            success=_("跳转规则已删除。"))
    return back_to_builder(survey, f"page-{page_id}")
