"""``flask reports``: render a community's report to a file, and run due schedules."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db
from app.models import Community
from app.services.errors import ServiceError
from app.services.metrics import values as metric_service
from app.services.reports import documents as report_service
from reports import render_html

reports_cli = AppGroup("reports", help="Improvement reports (改进报告).")


@reports_cli.command("sample")
@click.option("--community", "slug", default="demo", show_default=True,
              help="Slug of the community to report on.")
@click.option("--period", "kind", default="last_month", show_default=True,
              type=click.Choice(list(report_service.PERIOD_KINDS)),
              help="Report period, relative to the community's latest metrics.")
@click.option("--start", type=click.DateTime(["%Y-%m-%d"]), help="Custom period start.")
@click.option("--end", type=click.DateTime(["%Y-%m-%d"]), help="Custom period end.")
@click.option("--sections", default="", help="Comma-separated section keys (default: all).")
@click.option("--output", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the PDF.")
@click.option("--html", "html_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the report's HTML here.")
def sample(slug: str, kind: str, start, end, sections: str, output: Path, html_out: Path | None):
    """Render a community's report to a PDF file (nothing is stored in the archive).

    Periods are counted back from the last day with metrics, so that the demo community
    gives the same report whenever it was loaded.
    """
    community = db.session.execute(
        db.select(Community).where(Community.slug == slug)).scalar_one_or_none()
    if community is None:
        raise click.ClickException(f"no community with slug {slug!r} (try `flask demo load`)")
    coverage = metric_service.coverage(community.id)
    today = metric_service.local_today(community)
    if coverage.last_day is not None:
        today = min(today, coverage.last_day + timedelta(days=1))
    try:
        period, previous = report_service.resolve_period(
            kind, today, start.date() if start else None, end.date() if end else None)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    keys = [k.strip() for k in sections.split(",") if k.strip()]
    assembled = report_service.assemble(community, period, previous,
                                        title=report_service.report_title(kind))
    html = render_html(assembled.context, report_service.clean_sections(keys))
    try:
        result = report_service.render_document(html)
    except ServiceError as exc:
        raise click.ClickException(exc.message) from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(result.pdf)
    if html_out is not None:
        html_out.write_text(html, encoding="utf-8")
    click.echo(f"{output}: {result.pages} pages, {len(result.pdf) / 1024:.0f} KB, "
               f"{period.start} – {period.end}, sections: {', '.join(assembled.available())}")


@reports_cli.command("dispatch")
def dispatch():
    """Start every schedule that is due now (the worker also does this every 5 minutes)."""
    from app.services.reports import schedules as report_schedules

    started = report_schedules.dispatch_due()
    click.echo(f"started {len(started)} scheduled report(s)")
