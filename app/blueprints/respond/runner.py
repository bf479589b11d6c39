"""The member page engine, shared by the public survey link and the operators' preview.

The server computes everything (path, skip logic, display logic, validation, progress), so a
survey works without JavaScript; ``static/js/survey-respond.js`` only improves it (live
display logic, client-side checks, ranking by tapping, the Next/Submit label).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g, make_response, redirect, render_template, request
from flask_babel import gettext as _

import surveys as domain
from app.blueprints.respond.forms import PageForm, StartForm
from app.blueprints.service_calls import commit, committing
from app.extensions import db
from app.models import ACCESS_MODE_PRIVACY, Survey, SurveySession, SurveyVersion
from app.services.surveys import responses as runs
from app.services.surveys.texts import answer_error_message, client_messages
from surveys.conditions import leaves
from surveys.problems import InvalidAnswer
from surveys.question_types.choice import other_text, selected

COOKIE_MAX_AGE = int(runs.SESSION_TTL.total_seconds())


@dataclass
class RunContext:
    """Where and how a survey is being answered."""

    survey: Survey
    version: SurveyVersion | None
    definition: domain.Survey
    preview: bool
    page_url: str
    start_url: str
    cookie_name: str
    cookie_path: str
    resume_url: Callable[[str], str] | None = None
    exit_url: str | None = None


# -- presenting questions -----------------------------------------------------------------

@dataclass
class QuestionView:
    """One question as the page template renders it."""

    q: domain.Question
    number: int | None
    options: tuple[domain.Option, ...]
    selected: set[str] = field(default_factory=set)
    other: str = ""
    value: str = ""
    cells: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    hidden: bool = False
    show_if: dict | None = None
    rules: dict[str, Any] = field(default_factory=dict)

    @property
    def dom_id(self) -> str:
        """The HTML id of the question block."""
        return f"q-{self.q.id}"


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _fill_values(view: QuestionView, raw: Any) -> None:
    """Pre-fill from a stored answer (canonical, or raw as the member typed it)."""
    q = view.q
    if raw is None:
        return
    try:
        value = q.qtype.normalise(q, raw)
    except (InvalidAnswer, TypeError, ValueError, AttributeError):
        value = raw
    t = q.type
    if t in ("single_choice", "dropdown", "multiple_choice"):
        if isinstance(value, dict):
            chosen = value.get("choices", value.get("choice"))
            view.selected = set(chosen if isinstance(chosen, list) else [chosen] if chosen else [])
            view.other = _as_text(value.get("other"))
        elif isinstance(value, str | list):
            view.selected = set(selected(value))
            view.other = _as_text(other_text(value))
    elif t == "matrix" and isinstance(value, dict):
        view.cells = {k: _as_text(v) for k, v in value.items()}
    elif t == "ranking":
        if isinstance(value, list):
            view.cells = {item: str(n) for n, item in enumerate(value, start=1)}
        elif isinstance(value, dict):
            view.cells = {k: _as_text(v) for k, v in value.items()}
    elif not isinstance(value, dict | list):
        view.value = _as_text(value)


def _rules(q: domain.Question) -> dict[str, Any]:
    """What the client-side checks need to know about a question."""
    c = q.config
    rules: dict[str, Any] = {"type": q.type, "required": q.required}
    if q.other_option is not None:
        rules["other"] = q.other_option.id
        rules["otherLabel"] = q.other_option.label
        rules["otherRequired"] = bool(getattr(c, "other_text_required", True))
    if q.type == "multiple_choice":
        rules["exclusive"] = [o.id for o in c.options if o.exclusive]
        rules["exclusiveLabels"] = {o.id: o.label for o in c.options if o.exclusive}
        rules["minChoices"] = c.min_choices
        rules["maxChoices"] = c.max_choices
    if q.type == "number":
        rules.update(min=c.min_value, max=c.max_value, integer=c.integer_only)
    if q.type in ("short_text", "long_text"):
        rules.update(maxLength=c.max_length, minLength=c.min_length)
    if q.type == "date":
        rules.update(minDate=c.min_date, maxDate=c.max_date)
    if q.type in ("matrix", "ranking"):
        rules["items"] = [o.id for o in q.qtype.items(q)]
    return rules


def question_views(definition: domain.Survey, state: runs.PageState, seed: str,
                   numbered: bool) -> list[QuestionView]:
    """The questions of the page in order, with values, errors and display logic."""
    views = []
    for q in state.page.questions:
        view = QuestionView(
            q=q,
            number=state.question_numbers.get(q.id) if numbered else None,
            options=domain.option_order(definition, q, seed),
            hidden=q.id in state.hidden,
            show_if=q.show_if.to_dict() if q.show_if is not None else None,
            rules=_rules(q),
            errors=[answer_error_message(e) for e in state.errors.get(q.id, [])],
        )
        _fill_values(view, state.values.get(q.id))
        views.append(view)
    return views


def client_data(definition: domain.Survey, state: runs.PageState) -> dict[str, Any]:
    """The JSON the page script reads: earlier answers for the logic, the remaining skip
    rules (for the Next/Submit label) and the messages of client-side checks."""
    page_index = definition.page_indexes[state.page.id]
    later = []
    for page in definition.pages[page_index + 1:]:
        later.append({"id": page.id, "shown": bool(page.questions),
                      "skip": [{"if": r.condition.to_dict(), "goto": r.goto}
                               for r in page.skip]})
    questions_used = set()
    for page in definition.pages[page_index:]:
        for q in page.questions:
            if q.show_if is not None:
                questions_used.update(leaf.question for leaf in leaves(q.show_if))
        for rule in page.skip:
            questions_used.update(leaf.question for leaf in leaves(rule.condition))
    known = {k: v for k, v in state.known.items()
             if k in questions_used and definition.locations.get(k, (page_index, 0))[0]
             < page_index}
    types = {qid: definition.question(qid).type for qid in questions_used
             if qid in definition.locations}
    first_number = 1 + sum(1 for qid in state.path.questions
                           if definition.locations[qid][0] < page_index)
    return {"known": known, "types": types, "later": later, "messages": client_messages(),
            "page": state.page.id, "firstNumber": first_number}


# -- responses ----------------------------------------------------------------------------

def set_cookie(response, ctx: RunContext, token: str):
    """Remember the session on this device (scoped to this survey's path)."""
    response.set_cookie(ctx.cookie_name, token, max_age=COOKIE_MAX_AGE, path=ctx.cookie_path,
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                        httponly=True, samesite="Lax")
    return response


#: The device cookie: the public keys of the surveys this WeChat / browser has answered
#: (newest last), for the one-per-device rule. It names surveys, never the person.
DEVICE_COOKIE = "hs_answered"
DEVICE_COOKIE_MAX_AGE = 365 * 24 * 3600
DEVICE_COOKIE_KEYS = 60


def _device_keys() -> list[str]:
    raw = request.cookies.get(DEVICE_COOKIE) or ""
    return [k for k in raw.split(".") if k][-DEVICE_COOKIE_KEYS:]


def answered_on_device(ctx: RunContext) -> bool:
    """Whether this device already sent a response to the survey (per its cookie)."""
    return ctx.survey.public_key in _device_keys()


def remember_answered(response, ctx: RunContext):
    """Note in the device cookie that this device answered the survey."""
    keys = [k for k in _device_keys() if k != ctx.survey.public_key] + [ctx.survey.public_key]
    response.set_cookie(DEVICE_COOKIE, ".".join(keys[-DEVICE_COOKIE_KEYS:]),
                        max_age=DEVICE_COOKIE_MAX_AGE, path="/s",
                        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
                        httponly=True, samesite="Lax")
    return response


def render_answered_on_device(ctx: RunContext):
    """The one-per-device rule's answer to a second attempt from the same device."""
    return render_message(ctx, _("你已经提交过了"),
                          _("这份问卷每个微信/设备只能填一次，感谢你的参与！"))


def clear_cookie(response, ctx: RunContext):
    """Forget the session on this device."""
    response.delete_cookie(ctx.cookie_name, path=ctx.cookie_path)
    return response


def _base_context(ctx: RunContext) -> dict[str, Any]:
    return {"ctx": ctx, "survey": ctx.survey, "definition": ctx.definition,
            "preview": ctx.preview, "access_hint": ACCESS_MODE_PRIVACY[ctx.survey.access_enum],
            "community": ctx.survey.community}


def render_message(ctx: RunContext, title: str, message: str, status: int = 200, *,
                   allow_restart: bool = False):
    """A page with one message (closed survey, used link …)."""
    return render_template("respond/message.html", **_base_context(ctx), title=title,
                           message=message, allow_restart=allow_restart,
                           start_form=StartForm() if allow_restart else None), status


def render_start(ctx: RunContext, *, channel: str | None = None, token: str | None = None,
                 status: int = 200):
    """The welcome screen with the start button."""
    form = StartForm(formdata=None, ch=channel or "", t=token or "")
    questions = len(ctx.definition.questions)
    return render_template("respond/start.html", **_base_context(ctx), form=form,
                           question_count=questions, page_count=len(ctx.definition.pages)), status


def render_done(ctx: RunContext, *, again: bool):
    """The thank-you page (the same for a retried submission)."""
    return render_template("respond/done.html", **_base_context(ctx),
                           start_form=StartForm() if again else None)


def render_page(ctx: RunContext, session: SurveySession, page_id: str,
                errors: Sequence[domain.AnswerError] = (), *, status: int = 200,
                token: str | None = None, notice: str | None = None):
    """One page of the survey with the member's answers so far."""
    state = runs.page_state(ctx.definition, session.answers or {}, page_id, errors)
    numbered = ctx.definition.settings.show_question_numbers
    views = question_views(ctx.definition, state, session.option_seed, numbered)
    form = PageForm(formdata=None, page=page_id, idem=session.idempotency_key)
    general = [answer_error_message(e) for e in errors if not e.question_id]
    resume = ctx.resume_url(token) if (token and ctx.resume_url) else None
    response = make_response(render_template(
        "respond/page.html", **_base_context(ctx), session=session, state=state,
        questions=views, form=form, general_errors=general, data=client_data(ctx.definition,
                                                                             state),
        resume_link=resume, notice=notice, first=state.path.previous_page(page_id) is None,
    ), status)
    if token:
        set_cookie(response, ctx, token)
    return response


# -- handling a page post -----------------------------------------------------------------

ANSWER_PREFIX = "a."


def form_answers(form: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """The posted answer fields named as ``surveys.answers_from_form`` expects: the page's
    fields are ``a.<question id>…`` so that no question id can clash with the form's own
    fields (csrf_token, page, action …)."""
    return {k[len(ANSWER_PREFIX):]: list(v) for k, v in form.items()
            if k.startswith(ANSWER_PREFIX)}


def handle_post(ctx: RunContext, session: SurveySession, form: PageForm,
                posted: Mapping[str, Sequence[str]], token: str | None):
    """Back, save for later, or next/submit on one page; returns the response to send."""
    page_id = form.page.data or ""
    if page_id not in ctx.definition.page_indexes:
        return redirect(ctx.page_url)
    answers = form_answers(posted)
    action = form.action.data or "next"
    if action == "back":
        runs.go_back(session, ctx.definition, page_id, answers)
        commit()
        return redirect(ctx.page_url)
    if action == "save":
        runs.save_page(session, ctx.definition, page_id, answers)
        if token is None and ctx.resume_url is not None:
            token = runs.rotate_token(session)
        commit()
        link = ctx.resume_url(token) if (token and ctx.resume_url) else None
        response = make_response(render_template(
            "respond/saved.html", **_base_context(ctx), resume_link=link))
        if token:
            set_cookie(response, ctx, token)
        return response
    outcome = runs.advance(session, ctx.definition, page_id, answers)
    if outcome.errors:
        commit()
        shown = set(posted.get("shown", [""])[0].split(","))
        errors = [_newly_shown(e, shown) for e in outcome.errors]
        return render_page(ctx, session, page_id, errors, status=422, token=token)
    if not outcome.complete:
        commit()
        return redirect(ctx.page_url)
    result = runs.final_answers(session, ctx.definition)
    if not result.ok:
        first = next((e for e in result.errors if e.page_id), None)
        target = first.page_id if first else page_id
        session.current_page = target
        commit()
        return render_page(ctx, session, target, result.errors, status=422, token=token)
    if ctx.preview:
        db.session.delete(session)
        commit()
        response = make_response(render_done(ctx, again=True))
        return clear_cookie(response, ctx)
    # finish_session commits the response itself (the busy path); committing() rolls back
    # and hands over its refusal.
    with committing(show=False) as done:
        runs.finish_session(ctx.survey, ctx.version, ctx.definition, session, result.answers)
    if done.error:
        return render_message(ctx, _("无法提交"), done.error.message, 409)
    g.survey_write = True
    return remember_answered(redirect(ctx.page_url), ctx)


def _newly_shown(error: domain.AnswerError, shown: set[str]) -> domain.AnswerError:
    """A required error on a question that the logic revealed only now reads as such."""
    if error.code == "required" and error.question_id and shown != {""} \
            and error.question_id not in shown:
        return domain.AnswerError(error.question_id, "required_revealed", error.params,
                                  _("根据你的回答新增了这道题，请作答"), error.page_id)
    return error
