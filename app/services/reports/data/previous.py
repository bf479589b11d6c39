"""The previous report of the community, whose recommendations this report follows up."""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Report, ReportStatus
from app.services.reports.data import DataProvider, DataRequest, register_provider
from app.services.ttl_cache import TTLCache
from reports.context import ReportContext

log = logging.getLogger(__name__)


def previous_report(request: DataRequest) -> Report | None:
    """The latest ready report of the community whose period ended before this one starts."""
    stmt = (
        db.select(Report)
        .where(Report.community_id == request.community.id,
               Report.status == ReportStatus.READY.value,
               Report.context_json.is_not(None),
               Report.period_end < request.period.start)
        .order_by(Report.period_end.desc(), Report.id.desc())
        .limit(1)
    )
    if request.exclude_report_id is not None:
        stmt = stmt.where(Report.id != request.exclude_report_id)
    return db.session.execute(stmt).scalar_one_or_none()


#: Parsed contexts of stored reports by (report id, digest of the stored JSON): both this
#: provider and the themes' follow-up read the previous report, on every preview.
_parsed: TTLCache[ReportContext] = TTLCache(15 * 60, max_entries=32)


def stored_context(report: Report) -> ReportContext:
    """The report's stored context, parsed (once per version of the stored JSON).

    Raises ``ValueError``, ``TypeError`` or ``KeyError`` for a context that cannot be
    read. The context is shared by every caller: read it, never change it.
    """
    text = report.context_json or ""
    key = (report.id, hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest())
    return _parsed.get_or_load(key, lambda: ReportContext.from_json(text))


@register_provider
class PreviousReportProvider(DataProvider):
    """The stored context of the previous report, for the follow-up section."""

    key = "previous"
    label = _l("上期报告")
    sections = ("followup",)
    provides = ("previous",)

    def collect(self, request: DataRequest) -> dict[str, Any]:
        report = previous_report(request)
        if report is None:
            return {}
        try:
            context = stored_context(report)
        except (ValueError, TypeError, KeyError):
            # an unreadable old context must not block this report; it only loses follow-up
            log.warning("report %s has an unreadable stored context", report.id)
            return {}
        return {"previous": context}
