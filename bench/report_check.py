"""Read the demo community's report for impossible or conflicting figures.

Loads the demo community into a fresh SQLite database (or ``BENCH_DATABASE_URL``), generates
its last-month report as the app does (``flask reports sample``), and checks it twice: the
assembled context against ``reports.invariants.context_problems``, and the text a manager reads
(the PDF through ``pdftotext`` and the HTML without its tags) against ``text_problems``: rates
above 100%, NPS outside −100..100, percentage changes from small bases, the community NPS
printed with two values. Prints what it found and exits non-zero on any problem. Nothing is
written into the docs: this is a check, not a measurement.
"""

from __future__ import annotations

import html as html_lib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path


def _html_text(document: str) -> str:
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", document, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


def check() -> list[str]:
    """Generate the demo report and return every problem found in it."""
    workdir = Path(tempfile.mkdtemp(prefix="huisheng-check-"))
    os.environ.setdefault("INSTANCE_PATH", str(workdir / "instance"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{workdir / 'check.db'}"

    from app import create_app
    from app.demo import load_demo
    from app.extensions import db
    from app.models import Community
    from app.services.metrics import values as metric_service
    from app.services.reports import documents as report_service
    from reports import render_html
    from reports.invariants import context_problems, text_problems

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    try:
        with app.app_context():
            db.drop_all()
            db.create_all()
            load_demo(log=lambda *_a, **_k: None)
            community = db.session.execute(
                db.select(Community).where(Community.slug == "demo")).scalar_one()
            today = metric_service.local_today(community)
            coverage = metric_service.coverage(community.id)
            if coverage.last_day is not None:
                today = min(today, coverage.last_day + timedelta(days=1))
            period, previous = report_service.resolve_period("last_month", today)
            assembled = report_service.assemble(community, period, previous)
            problems = [f"context: {p}" for p in context_problems(assembled.context)]
            document = render_html(assembled.context)
            problems += [f"html: {p}" for p in text_problems(_html_text(document))]
            if shutil.which("pdftotext"):
                pdf = report_service.render_document(document).pdf
                text = subprocess.run(["pdftotext", "-", "-"], input=pdf,  # noqa: S607
                                      capture_output=True, check=True).stdout.decode()
                problems += [f"pdf: {p}" for p in text_problems(text)]
            else:
                problems.append("pdftotext (poppler-utils) is missing: the PDF was not read")
            print(f"demo report {period.start} – {period.end}: "
                  f"{len(problems)} problem(s)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return problems


def main() -> None:
    """Print the problems and exit with status 1 when there are any."""
    problems = check()
    for problem in problems:
        print(f"  - {problem}")
    if problems:
        sys.exit(1)
