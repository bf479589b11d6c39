"""The report analysis runs once per version of the data: the builder's preview and the
关联分析 page analyse again only when what the providers read has changed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from app.models import Report
from app.services.metrics import analysis as metrics_analysis
from app.services.reports import analysis as report_analysis
from app.services.reports import documents as report_service
from app.services.reports.data import PROVIDERS, chinese
from app.services.reports.data import previous as previous_data
from reports.context import Period, ReportContext
from tests.factories_reports import install_theme_provider, seed_metric, theme_input

START = date(2026, 3, 2)
DAYS = 120
PERIOD = Period(START + timedelta(days=DAYS - 60), START + timedelta(days=DAYS - 1))


@pytest.fixture
def analyses(monkeypatch):
    """The arguments of every analysis that really ran."""
    calls: list[dict] = []
    real = report_analysis.build_context

    def counting(**arguments):
        calls.append(arguments)
        return real(**arguments)

    monkeypatch.setattr(report_analysis, "build_context", counting)
    return calls


@pytest.fixture
def themed(monkeypatch, db, community):
    """A community with daily DAU and one theme acted on in the middle."""
    seed_metric(community, "dau", START, [100 + (i % 7) * 3 for i in range(DAYS)])
    install_theme_provider(monkeypatch, [theme_input(
        "ads", "广告刷屏", START, [(i * 5) % 9 for i in range(DAYS)],
        acted_on=START + timedelta(days=DAYS - 40))])
    db.session.commit()
    return community


def test_the_links_page_analyses_once_until_the_data_changes(app, db, themed, analyses):
    first = metrics_analysis.links(themed, PERIOD)
    again = metrics_analysis.links(themed, PERIOD)
    assert len(analyses) == 1
    assert [b.mean_after for b in again.before_after] == \
        [b.mean_after for b in first.before_after]

    # a corrected metric day is new data: analysed again, and the page shows it
    seed_metric(themed, "dau", PERIOD.end - timedelta(days=20), [400])
    db.session.commit()
    changed = metrics_analysis.links(themed, PERIOD)
    assert len(analyses) == 2
    (before,) = [b for b in first.before_after if b.metric_key == "dau"]
    (after,) = [b for b in changed.before_after if b.metric_key == "dau"]
    assert after.mean_after > before.mean_after


def test_another_period_is_another_analysis(app, db, themed, analyses):
    metrics_analysis.links(themed, PERIOD)
    metrics_analysis.links(themed, Period(PERIOD.start - timedelta(days=7),
                                          PERIOD.end - timedelta(days=7)))
    assert len(analyses) == 2


def test_a_kept_analysis_is_stamped_with_the_time_it_is_asked_for(app, db, themed, analyses,
                                                                   monkeypatch):
    first = report_service.assemble(themed, PERIOD, PERIOD.previous())
    later = datetime.now(UTC) + timedelta(minutes=5)

    class Later(datetime):
        @classmethod
        def now(cls, tz=None):
            return later

    monkeypatch.setattr(report_analysis, "datetime", Later)
    second = report_service.assemble(themed, PERIOD, PERIOD.previous())
    assert len(analyses) == 1
    assert second.context.generated_at == later > first.context.generated_at
    assert second.context.metrics is first.context.metrics
    assert second.available() == first.available()


def test_owners_of_the_top_actions_are_part_of_the_data_version(app, db, themed, analyses):
    from reports.summary_plan import ActionAssignment

    report_service.assemble(themed, PERIOD, PERIOD.previous())
    report_service.assemble(themed, PERIOD, PERIOD.previous(), assignments=[
        ActionAssignment(rank=1, theme_key="ads", owner="小林", due=None)])
    assert len(analyses) == 2


def test_the_links_page_asks_only_the_providers_of_what_it_shows(app, db, themed,
                                                                 monkeypatch):
    asked = []
    for key, cls in list(PROVIDERS.items()):
        def spy(self, request, _key=key, _real=cls.collect):
            asked.append(_key)
            return _real(self, request)
        monkeypatch.setattr(cls, "collect", spy)
    view = metrics_analysis.links(themed, PERIOD)
    assert view.has_metrics and view.has_themes
    # metrics, themes and suggestions feed the page; a provider that does not say what
    # it gives (the synthetic themes here) is asked too
    assert set(asked) == {"metrics", "themes", "suggestions", "test_themes"}


def test_report_labels_stay_chinese_for_an_english_reader(app):
    with app.test_request_context(), force_locale("en"):
        assert str(_l("上周")) == "Last week"
        assert chinese(_l("上周")) == "上周"
        assert str(_l("上周")) == "Last week"


def _stored(report_id: int, name: str) -> Report:
    context = ReportContext(community_name=name, period=PERIOD, previous_period=PERIOD.previous(),
                            generated_at=datetime(2026, 7, 1, tzinfo=UTC))
    return Report(id=report_id, context_json=context.to_json())


def test_a_stored_context_is_parsed_once_per_version(app, monkeypatch):
    parsed = []
    real = ReportContext.from_json.__func__

    def counting(cls, text):
        parsed.append(text)
        return real(cls, text)

    monkeypatch.setattr(ReportContext, "from_json", classmethod(counting))
    report = _stored(7, "摄影社")
    assert previous_data.stored_context(report).community_name == "摄影社"
    assert previous_data.stored_context(report).community_name == "摄影社"
    assert len(parsed) == 1
    report.context_json = _stored(7, "摄影社（新）").context_json   # regenerated
    assert previous_data.stored_context(report).community_name == "摄影社（新）"
    assert previous_data.stored_context(_stored(8, "别的报告")).community_name == "别的报告"
    assert len(parsed) == 3
