"""The one parser of Chinese date and time spellings (surveys.dates)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from surveys.dates import parse_date_text, parse_datetime_text


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05-01", datetime(2024, 5, 1)),
    ("2024/5/1", datetime(2024, 5, 1)),
    ("2024.5.1", datetime(2024, 5, 1)),
    ("2024年5月1日", datetime(2024, 5, 1)),
    ("2024 年 5 月 1 日", datetime(2024, 5, 1)),
    ("20240501", datetime(2024, 5, 1)),
    ("２０２４－０５－０１", datetime(2024, 5, 1)),
    ("2024年5月1日8:09", datetime(2024, 5, 1, 8, 9)),
    ("2024年5月1日 8：09：10", datetime(2024, 5, 1, 8, 9, 10)),
    ("2024-05-01T08:09:10.1234567", datetime(2024, 5, 1, 8, 9, 10, 123456)),
    ("2024-05-01 08:09+0800", datetime(2024, 5, 1, 8, 9, tzinfo=timezone(timedelta(hours=8)))),
    ("2024-05-01 08:09:10Z", datetime(2024, 5, 1, 8, 9, 10, tzinfo=timezone.utc)),
])
def test_common_spellings(text, expected):
    assert parse_datetime_text(text) == expected
    assert parse_date_text(text) == expected.date()


@pytest.mark.parametrize("text", ["", "昨天", "10/01", "2024-02-30", "2024-05-01 25:00",
                                  "2024-05-01 周三", "202405011", "2024-5"])
def test_everything_else_is_refused(text):
    with pytest.raises(ValueError):
        parse_datetime_text(text)


def test_text_after_the_date_can_be_ignored():
    assert parse_date_text("2024-05-01 周三", ignore_rest=True) == date(2024, 5, 1)
    assert parse_date_text("20240501 全天", ignore_rest=True) == date(2024, 5, 1)
    with pytest.raises(ValueError):
        parse_date_text("2024-02-30 周五", ignore_rest=True)
