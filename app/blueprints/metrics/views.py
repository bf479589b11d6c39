"""Metrics pages. Operators and above see the metrics and import them (see docs/reports.md)."""

from __future__ import annotations

import csv
import io

from flask import Response, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import surveys as domain
from app.blueprints.metrics import metrics_bp
from app.blueprints.metrics.forms import (
    ConfirmForm,
    CustomMetricForm,
    RangeForm,
    UploadForm,
    mapping_form,
)
from app.blueprints.service_calls import commit, committing
from app.models import AGGREGATION_LABELS, IMPORT_STATUS_LABELS, CustomMetric, MetricImport
from app.security.access import community_required, get_in_community
from app.security.roles import Role
from app.services.errors import ServiceError
from app.services.metrics import analysis as metrics_analysis
from app.services.metrics import importing as metric_import
from app.services.metrics import values as metric_service


def _range():
    form = RangeForm(request.args)
    form.validate()
    choice, period = metrics_analysis.resolve_range(
        g.community, form.range.data or "90", form.start.data, form.end.data)
    form.range.data = choice
    form.start.data, form.end.data = period.start, period.end
    return form, period


@metrics_bp.route("/")
@community_required(Role.OPERATOR)
def index(slug: str):
    """The community's metrics with charts and derived measures, for a chosen period."""
    form, period = _range()
    view = metrics_analysis.overview(g.community, period)
    return render_template(
        "metrics/index.html", form=form, view=view,
        coverage=metric_service.coverage(g.community.id),
        imports=metric_import.recent_imports(g.community.id, limit=5),
        import_labels=IMPORT_STATUS_LABELS, active_nav="metrics",
    )


@metrics_bp.route("/links")
@community_required(Role.OPERATOR)
def links(slug: str):
    """Feedback themes next to metrics: lagged correlations and before/after comparisons."""
    form, period = _range()
    view = metrics_analysis.links(g.community, period)
    return render_template("metrics/links.html", form=form, view=view,
                           theme_sources=metrics_analysis.theme_sources_available(),
                           active_nav="metrics")


@metrics_bp.route("/import", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def upload(slug: str):
    """Upload a CSV or XLSX file; the next page maps its columns to metrics."""
    form = UploadForm()
    duplicate = False
    if form.validate_on_submit():
        upload_file = form.file.data
        data = upload_file.read(metric_import.MAX_IMPORT_BYTES + 1)
        with committing(form=form, field="file") as done:
            record = metric_import.start_import(g.community, filename=upload_file.filename or "",
                                                data=data, actor=current_user,
                                                again=bool(form.again.data))
        duplicate = done.error is not None and done.error.code == metric_import.DuplicateFile.code
        if done:
            return redirect(url_for("metrics.mapping", slug=slug, import_id=record.id))
    return render_template(
        "metrics/upload.html", form=form, duplicate=duplicate,
        catalog=metric_service.catalog(g.community.id),
        imports=metric_import.recent_imports(g.community.id), import_labels=IMPORT_STATUS_LABELS,
        max_rows=metric_import.MAX_ROWS, max_mb=metric_import.MAX_IMPORT_BYTES // 1024 // 1024,
        active_nav="metrics",
    )


@metrics_bp.route("/import/<int:import_id>", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def mapping(slug: str, import_id: int):
    """Map an uploaded file's columns to metrics, then import it (all rows or none)."""
    record = get_in_community(MetricImport, import_id)
    catalog = metric_service.catalog(g.community.id)
    form = mapping_form(record.headers, catalog, record.mapping or {})
    preview, file_error = [], None
    if record.can_apply:
        try:
            preview = metric_import.preview_rows(record)
        except ServiceError as exc:
            file_error = exc.message
    if record.can_apply and form.validate_on_submit():
        with committing() as done:
            outcome = metric_import.apply_import(
                record, date_column=form.date_index(), columns=form.chosen_columns(),
                today=metric_service.local_today(g.community), actor=current_user)
        if done:
            if outcome.ok:
                metric_import.finish_file(record)
                commit()
                flash(_("已导入 %(n)d 个数值（%(first)s 至 %(last)s），"
                        "另有 %(same)d 个与已有数据相同。", n=outcome.written,
                        first=record.first_day, last=record.last_day, same=outcome.unchanged),
                      "success")
                return redirect(url_for("metrics.index", slug=slug))
            flash(_("发现 %(n)d 处错误，没有导入任何数据。"
                    "请修正文件后重新上传，或调整列的对应关系。", n=record.error_count), "error")
    return render_template(
        "metrics/mapping.html", record=record, form=form, preview=preview,
        file_error=file_error, errors=record.errors or [],
        error_message=metric_import.row_error_message, import_labels=IMPORT_STATUS_LABELS,
        confirm_form=ConfirmForm(), active_nav="metrics",
    )


@metrics_bp.route("/import/<int:import_id>/discard", methods=["POST"])
@community_required(Role.OPERATOR)
def discard(slug: str, import_id: int):
    """Give up a pending import and delete its file."""
    record = get_in_community(MetricImport, import_id)
    if ConfirmForm().validate_on_submit():
        with committing() as done:
            metric_import.discard_import(record)
        if done:
            metric_import.finish_file(record)
            commit()
            flash(_("已放弃这次导入。"), "success")
    return redirect(url_for("metrics.upload", slug=slug))


@metrics_bp.route("/import/template.csv")
@community_required(Role.OPERATOR)
def template(slug: str):
    """A CSV template with the date column and every metric of the community."""
    catalog = metric_service.catalog(g.community.id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # custom metric names are user text: defuse anything a spreadsheet would run
    writer.writerow([_("日期")] + [domain.defuse(m.label) for m in catalog])
    writer.writerow(["2026-10-01"] + [""] * len(catalog))
    body = "\ufeff" + buffer.getvalue()  # a BOM so that Excel opens it as UTF-8
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=metrics-template.csv"})


@metrics_bp.route("/custom", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def definitions(slug: str):
    """The community's custom metrics, and a form to define one."""
    form = CustomMetricForm()
    if form.validate_on_submit():
        with committing(form=form, field="key") as done:
            metric_service.create_custom_metric(
                g.community, key=form.key.data, name=form.name.data, unit=form.unit.data or "",
                aggregation=form.aggregation.data, higher_is_better=form.higher_is_better.data,
                description=form.description.data or "", actor=current_user)
        if done:
            flash(_("自定义指标已创建。"), "success")
            return redirect(url_for("metrics.definitions", slug=slug))
    coverage = metric_service.coverage(g.community.id)
    return render_template(
        "metrics/definitions.html", form=form,
        standard=metric_service.standard_metrics(),
        custom=metric_service.custom_metrics(g.community.id), counts=coverage.metrics,
        aggregation_labels=AGGREGATION_LABELS,
        confirm_form=ConfirmForm(), active_nav="metrics",
    )


@metrics_bp.route("/custom/<int:metric_id>", methods=["GET", "POST"])
@community_required(Role.OPERATOR)
def edit_definition(slug: str, metric_id: int):
    """Change a custom metric's name, unit, aggregation or direction."""
    metric = get_in_community(CustomMetric, metric_id)
    form = CustomMetricForm(obj=metric)
    if form.validate_on_submit():
        with committing(form=form, field="name") as done:
            metric_service.update_custom_metric(
                metric, name=form.name.data, unit=form.unit.data or "",
                aggregation=form.aggregation.data, higher_is_better=form.higher_is_better.data,
                description=form.description.data or "", actor=current_user)
        if done:
            flash(_("自定义指标已保存。"), "success")
            return redirect(url_for("metrics.definitions", slug=slug))
    return render_template("metrics/definition_edit.html", form=form, metric=metric,
                           active_nav="metrics")


@metrics_bp.route("/custom/<int:metric_id>/delete", methods=["POST"])
@community_required(Role.OPERATOR)
def delete_definition(slug: str, metric_id: int):
    """Remove a custom metric and its values."""
    metric = get_in_community(CustomMetric, metric_id)
    if ConfirmForm().validate_on_submit():
        removed = metric_service.delete_custom_metric(metric, actor=current_user)
        commit()
        flash(_("已删除该指标及其 %(n)d 个数值。", n=removed), "success")
    return redirect(url_for("metrics.definitions", slug=slug))
