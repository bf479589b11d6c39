"""``flask insights``: run an analysis from the command line, and the setup step that loads
the sentiment model."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.cli.setup import setup_step

insights_cli = AppGroup("insights", help="Feedback analysis (themes, sentiment, alerts).")


@setup_step("sentiment model")
def sentiment_model() -> str:
    """Check that the sentiment model (shipped in nlp/models/) loads."""
    from app.services.insights import engine

    return str(engine.ensure_sentiment_model())


@insights_cli.command("run")
@click.option("--community", "slug", required=True, help="The community's slug.")
def run(slug: str):
    """Analyse all feedback of a community now (in this process) and switch to the result."""
    from app.extensions import db
    from app.models import AnalysisRun, Community, RunStatus
    from app.services.insights import analysis

    community = db.session.execute(
        db.select(Community).where(Community.slug == slug)).scalar_one_or_none()
    if community is None:
        raise click.ClickException(f"no community {slug!r}")
    if analysis.active_run(community.id) is not None:
        raise click.ClickException("an analysis of this community is already on its way")
    record = AnalysisRun(community_id=community.id, trigger="manual",
                         previous_run_id=analysis.current_run_id(community.id))
    db.session.add(record)
    db.session.commit()
    result = analysis.execute_run(record.id)
    if result.status != RunStatus.SUCCEEDED:
        raise click.ClickException(result.error or "the analysis failed")
    click.echo(f"analysed {result.n_items} items into {result.n_themes} themes (run {result.id})")
