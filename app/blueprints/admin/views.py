"""The jobs page: recent background jobs with their state, progress and error."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.blueprints.admin import admin_bp
from app.blueprints.service_calls import committing
from app.extensions import db
from app.models import JobRun, JobState
from app.security.access import superuser_required
from app.services import jobs


class ConfirmForm(FlaskForm):
    """A bare form for POST buttons: only the CSRF token."""


@admin_bp.route("/jobs")
@superuser_required
def job_list():
    """Recent jobs across all communities."""
    state = request.args.get("state") or None
    if state not in {None, *[s.value for s in JobState]}:
        state = None
    runs = jobs.recent(state=state, limit=200)
    from app.tasks.registry import JOBS  # the job queue loads on first use, not at start-up

    return render_template("admin/jobs.html", runs=runs, state=state, states=list(JobState),
                           labels={name: spec.label for name, spec in JOBS.items()},
                           form=ConfirmForm())


@admin_bp.route("/jobs/selfcheck", methods=["POST"])
@superuser_required
def selfcheck():
    """Queue a self-check job to see that a worker is running."""
    if ConfirmForm().validate_on_submit():
        jobs.enqueue("system.selfcheck", requested_by_id=current_user.id)
        flash(_("自检任务已加入队列。"), "success")
    return redirect(url_for("admin.job_list"))


@admin_bp.route("/jobs/<int:run_id>/retry", methods=["POST"])
@superuser_required
def retry(run_id: int):
    """Queue a failed job again."""
    run = db.get_or_404(JobRun, run_id)
    if ConfirmForm().validate_on_submit():
        with committing() as done:
            jobs.retry(run, requested_by_id=current_user.id)
        if done:
            flash(_("任务已重新加入队列。"), "success")
    return redirect(url_for("admin.job_list"))
