"""Results: the response list and detail, statistics with charts, cross-tabs, open answers
with their feedback items, and CSV / XLSX export. Every page takes the same filters
(channel, date range, source, version) from the query string."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import surveys as domain
from app.blueprints.community.forms import ConfirmForm
from app.blueprints.service_calls import commit
from app.blueprints.surveys import surveys_bp
from app.blueprints.surveys.charts import question_charts, timeline_chart
from app.blueprints.surveys.common import load_survey
from app.extensions import db
from app.models import RESPONSE_SOURCE_LABELS, ResponseSource, SurveyResponse, SurveyVersion
from app.security.access import community_required, get_in_community
from app.security.roles import Role
from app.services.surveys import lifecycle as survey_service
from app.services.surveys import results as results_service
from app.services.surveys.results import NO_CHANNEL, ResponseFilter
from app.services.surveys.texts import QUESTION_TYPE_LABELS

PAGE_SIZE = 50


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def read_filter(survey) -> ResponseFilter:
    """The filter in the query string (unknown values are ignored)."""
    args = request.args
    channel = args.get("channel") or None
    if channel and channel != NO_CHANNEL and channel not in survey.channel_labels():
        known = db.session.execute(
            db.select(SurveyResponse.id).where(SurveyResponse.survey_id == survey.id,
                                               SurveyResponse.channel == channel).limit(1)
        ).first()
        channel = channel if known else None
    source = args.get("source") or None
    if source not in {s.value for s in ResponseSource}:
        source = None
    return ResponseFilter(channel=channel, since=_date(args.get("since")),
                          until=_date(args.get("until")), source=source,
                          version=args.get("version", type=int))


def _filter_choices(survey):
    channels = [(c["key"], c.get("label") or c["key"]) for c in survey.channels or []]
    used = db.session.execute(
        db.select(SurveyResponse.channel).where(SurveyResponse.survey_id == survey.id)
        .distinct()).scalars()
    known = {key for key, _label in channels}
    channels += [(c, c) for c in used if c and c not in known]
    versions = db.session.execute(
        db.select(SurveyVersion.number).where(SurveyVersion.survey_id == survey.id)
        .order_by(SurveyVersion.number)).scalars()
    return {"channels": channels, "versions": list(versions),
            "sources": [(s.value, RESPONSE_SOURCE_LABELS[s]) for s in ResponseSource]}


def _not_published(survey):
    if survey.live_version is None:
        return render_template("surveys/not_published.html", survey=survey)
    return None


@surveys_bp.route("/<int:survey_id>/responses")
@community_required(Role.OPERATOR)
def responses(slug: str, survey_id: int):
    """Responses, newest first, filtered and paginated."""
    survey = load_survey(survey_id)
    waiting = _not_published(survey)
    if waiting:
        return waiting
    f = read_filter(survey)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    rows, total = results_service.list_responses(survey, f, limit=PAGE_SIZE,
                                                 offset=(page - 1) * PAGE_SIZE)
    versions = survey_service.versions_by_id(survey)
    summaries = {}
    for r in rows:
        definition = survey_service.version_definition(versions[r.version_id])
        summaries[r.id] = _summary(definition, r.answers)
    return render_template("surveys/responses.html", survey=survey, rows=rows, total=total,
                           page=page, has_next=page * PAGE_SIZE < total, f=f,
                           choices=_filter_choices(survey), versions=versions,
                           summaries=summaries, source_labels=RESPONSE_SOURCE_LABELS)


def _summary(definition: domain.Survey, answers: dict) -> str:
    """A one-line gist of a response: the first few answers in words."""
    known = domain.validate_answers(definition, answers or {}).answers
    parts = []
    for q in definition.questions:
        if q.id in known and len(parts) < 3:
            lines, rows = results_service.describe_answer(q, known[q.id])
            text = "、".join(lines) if lines else "；".join(f"{a} {b}" for a, b in rows)
            parts.append(text[:40])
    return " ｜ ".join(parts)


@surveys_bp.route("/<int:survey_id>/responses/<int:response_id>")
@community_required(Role.OPERATOR)
def response_detail(slug: str, survey_id: int, response_id: int):
    """One response, question by question, with its feedback items."""
    survey = load_survey(survey_id)
    response = get_in_community(SurveyResponse, response_id)
    if response.survey_id != survey.id:
        abort(404)
    definition, answers = results_service.response_answers(response)
    newer, older = results_service.neighbours(survey, response)
    version = db.session.get(SurveyVersion, response.version_id)
    return render_template("surveys/response_detail.html", survey=survey, response=response,
                           definition=definition, answers=answers, newer=newer, older=older,
                           version=version, source_labels=RESPONSE_SOURCE_LABELS,
                           type_labels=QUESTION_TYPE_LABELS, confirm_form=ConfirmForm())


@surveys_bp.route("/<int:survey_id>/responses/<int:response_id>/delete", methods=["POST"])
@community_required(Role.OPERATOR)
def delete_response(slug: str, survey_id: int, response_id: int):
    """Delete a response (e.g. spam) with its feedback items."""
    survey = load_survey(survey_id)
    response = get_in_community(SurveyResponse, response_id)
    if response.survey_id != survey.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        results_service.delete_response(response, actor=current_user)
        commit()
        flash(_("回答已删除。"), "success")
    return redirect(url_for("surveys.responses", slug=slug, survey_id=survey.id))


@surveys_bp.route("/<int:survey_id>/stats")
@community_required(Role.OPERATOR)
def stats(slug: str, survey_id: int):
    """Headline numbers and a chart per question (server-side SVG)."""
    survey = load_survey(survey_id)
    waiting = _not_published(survey)
    if waiting:
        return waiting
    f = read_filter(survey)
    computed = results_service.results(survey, f)
    headline = results_service.headline(survey, computed)
    blocks = question_charts(computed.definition, computed.statistics)
    scores = [b for b in blocks if b.score is not None]
    return render_template("surveys/stats.html", survey=survey, f=f, computed=computed,
                           headline=headline, blocks=blocks, scores=scores,
                           choices=_filter_choices(survey),
                           timeline=timeline_chart(computed.daily),
                           type_labels=QUESTION_TYPE_LABELS)


@surveys_bp.route("/<int:survey_id>/crosstab")
@community_required(Role.OPERATOR)
def crosstab(slug: str, survey_id: int):
    """Any question by a single-choice question or by channel."""
    survey = load_survey(survey_id)
    waiting = _not_published(survey)
    if waiting:
        return waiting
    f = read_filter(survey)
    _version, definition = results_service.definition_for(survey, f)
    rows_choices = []
    for n, q in enumerate(definition.questions, start=1):
        if q.type == "matrix":
            rows_choices += [(f"{q.id}:{item.id}", f"{n}. {q.title} — {item.label}")
                             for item in q.config.items]
        else:
            rows_choices.append((q.id, f"{n}. {q.title}"))
    by_choices = [(domain.BY_CHANNEL, _("渠道"))] + [
        (q.id, f"{n}. {q.title}") for n, q in enumerate(definition.questions, start=1)
        if q.type in ("single_choice", "dropdown")]
    row_key = request.args.get("q") or (rows_choices[0][0] if rows_choices else "")
    by = request.args.get("by") or domain.BY_CHANNEL
    question_id, _sep, item = row_key.partition(":")
    table, error, chart = None, None, None
    if question_id:
        try:
            table = results_service.cross_tab(survey, f, question_id, by, item or None)
        except domain.CrossTabError as exc:
            error = str(exc)
        else:
            from app.blueprints.surveys.charts import crosstab_chart

            chart = crosstab_chart(table)
    comparison = _comparison(survey, f, definition, question_id, item, by)
    return render_template("surveys/crosstab.html", survey=survey, f=f, table=table,
                           error=error, chart=chart, rows_choices=rows_choices,
                           by_choices=by_choices, row_key=row_key, by=by,
                           small_base=domain.SMALL_BASE, comparison=comparison,
                           choices=_filter_choices(survey))


def _comparison(survey, f, definition, question_id: str, item: str | None, by: str) -> dict | None:
    """The segment comparison under the cross-tab: the segments to choose from, and the
    result once two are chosen (``a`` and ``b`` in the query string)."""
    from surveys.comparison import comparable

    try:
        question = definition.question(question_id)
    except KeyError:
        return None
    if item or not comparable(question):
        return None
    try:
        segments = results_service.segments(survey, f, by)
    except domain.CrossTabError:
        return None
    keys = [key for key, _label in segments]
    a, b = request.args.get("a"), request.args.get("b")
    view = {"segments": segments, "a": a if a in keys else (keys[0] if keys else None),
            "b": b if b in keys else (keys[1] if len(keys) > 1 else None),
            "result": None, "error": None}
    if a and b:
        try:
            view["result"] = results_service.compare(survey, f, question_id, by, a, b)
        except domain.CrossTabError as exc:
            view["error"] = str(exc)
    return view


@surveys_bp.route("/<int:survey_id>/open-answers")
@community_required(Role.OPERATOR)
def open_answers(slug: str, survey_id: int):
    """Open answers and 其他 texts, each with its feedback item (PII already redacted)."""
    survey = load_survey(survey_id)
    waiting = _not_published(survey)
    if waiting:
        return waiting
    _version, definition = survey_service.live_definition(survey)
    questions = [q for q in definition.questions
                 if (q.type in ("short_text", "long_text") and q.config.feedback)
                 or q.other_option is not None]
    question_id = request.args.get("q") or None
    if question_id and question_id not in {q.id for q in questions}:
        question_id = None
    page = max(1, request.args.get("page", 1, type=int) or 1)
    items, total = results_service.open_answers(survey, question_id=question_id,
                                                limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    titles = {q.id: q.title for q in definition.questions}
    return render_template("surveys/open_answers.html", survey=survey, items=items,
                           total=total, page=page, has_next=page * PAGE_SIZE < total,
                           questions=questions, question_id=question_id, titles=titles,
                           item_url=feedback_item_url)


def feedback_item_url(item) -> str | None:
    """The insight workspace's page of a feedback item, when that page exists."""
    from flask import current_app

    for endpoint in ("insights.item", "insights.feedback_item"):
        if endpoint in current_app.view_functions:
            return url_for(endpoint, slug=g.community.slug, item_id=item.id)
    return None


@surveys_bp.route("/<int:survey_id>/export.<kind>")
@community_required(Role.OPERATOR)
def export(slug: str, survey_id: int, kind: str):
    """The filtered responses as CSV or XLSX (one column per question, options expanded)."""
    survey = load_survey(survey_id)
    if kind not in ("csv", "xlsx") or survey.live_version is None:
        abort(404)
    data, mimetype, name = results_service.export(survey, read_filter(survey), kind)
    return Response(data, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
