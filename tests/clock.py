"""Fixed moments for tests that read the clock, and a fixture that travels to them.

Tests whose outcome could depend on the weekday, the hour or the month run at each of
``AWKWARD_MOMENTS`` (community time, Asia/Shanghai, the default zone) instead of whenever
the suite happens to run:

    @pytest.mark.parametrize("clock", AWKWARD_MOMENTS, indirect=True)
    def test_something(clock, ...): ...

The clock keeps ticking from the moment it is set, so timeouts and elapsed times still work.

To look for tests that depend on when they run, run the suite at another moment:

    .venv/bin/python -m pytest --clock 2026-12-14T00:30+08:00 --backends sqlite tests/app

Every test then runs on a clock travelled to that moment (except tests marked
``real_clock``, which compare the clock with file modification times, and tests that pick
their own moment through ``clock``). Only this process's clock moves: servers the suite
starts keep the real time, which the app never reads.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

SHANGHAI = ZoneInfo("Asia/Shanghai")

AWKWARD_MOMENTS = [
    pytest.param(datetime(2026, 12, 7, 0, 30, tzinfo=SHANGHAI), id="monday-0030"),
    pytest.param(datetime(2026, 12, 6, 23, 30, tzinfo=SHANGHAI), id="sunday-2330"),
    # The moment a weekly spike rule once missed a burst that straddled Sunday and Monday.
    pytest.param(datetime(2026, 12, 7, 15, 30, tzinfo=SHANGHAI), id="monday-1530"),
    pytest.param(datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI), id="month-end-2330"),
    pytest.param(datetime(2027, 3, 1, 0, 30, tzinfo=SHANGHAI), id="month-start-0030"),
    pytest.param(datetime(2026, 12, 9, 14, 0, tzinfo=SHANGHAI), id="wednesday-1400"),
]


def pinned(moment: datetime, reason: str):
    """Run a test at one fixed ``moment`` only (it needs the ``clock`` fixture): for tests
    whose subject is placed on the calendar relative to "now", such as the demo story, where
    a different moment is a different story rather than a bug. ``reason`` says why."""
    assert reason, "say why this test cannot run at any moment"
    return pytest.mark.parametrize("clock", [pytest.param(moment, id=moment.date().isoformat())],
                                   indirect=True)


def pytest_addoption(parser):
    parser.addoption("--clock", default=None, metavar="ISO-DATETIME",
                     help="run every test on a clock travelled to this moment "
                          "(e.g. 2026-12-14T00:30+08:00); see tests/clock.py")


@pytest.fixture(autouse=True)
def _travelled_clock(request):
    """With ``--clock``, move the clock of every test that does not choose its own."""
    value = request.config.getoption("--clock")
    if (not value or "clock" in request.fixturenames
            or request.node.get_closest_marker("real_clock")):
        yield
        return
    import time_machine

    with time_machine.travel(datetime.fromisoformat(value), tick=True):
        yield


@pytest.fixture
def clock(request):
    """Travel to ``request.param`` (an aware datetime) for the whole test; yields it."""
    import time_machine

    moment = request.param
    with time_machine.travel(moment, tick=True):
        yield moment
