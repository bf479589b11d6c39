"""Dates and times as Chinese spreadsheets and forms spell them: the project's one parser.

Accepted, after NFKC (so full-width digits and ``：`` count): ``2024-05-01``, ``2024/5/1``,
``2024.5.1``, ``2024年5月1日``, ``20240501``, each optionally followed by a time (``8:09``,
``08:09:10``, ``08:09:10.5``, after a space, a ``T`` or directly after ``日``) and a UTC
offset (``Z``, ``+08:00``, ``+0800``). Survey answers, survey imports and the metric import
all read dates through here (the app imports it; the pure packages keep to their own).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta, timezone

_DAY = (r"(?P<y>\d{4})\s*[-/.年]\s*(?P<mo>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*(?P<ri>日)?"
        r"|(?P<cy>\d{4})(?P<cmo>\d{2})(?P<cd>\d{2})")
_TIME = (r"(?:\s*T\s*|\s+|(?<=日))(?P<h>\d{1,2})\s*:\s*(?P<mi>\d{2})"
         r"(?:\s*:\s*(?P<s>\d{2})(?:\.(?P<f>\d+))?)?")
_ZONE = r"\s*(?P<tz>Z|[+-]\d{2}:?\d{2})"
_DATE_TIME = re.compile(rf"^\s*(?:{_DAY})(?:{_TIME})?(?:{_ZONE})?\s*$")
# A date followed by anything after a space or a T (a weekday, a time nobody needs).
_DATE_FIRST = re.compile(rf"^\s*(?:{_DAY})(?:[\sT].*)?$", re.DOTALL)


def _day(m: re.Match[str]) -> date:
    if m["y"] is not None:
        return date(int(m["y"]), int(m["mo"]), int(m["d"]))
    return date(int(m["cy"]), int(m["cmo"]), int(m["cd"]))


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def parse_datetime_text(text: str) -> datetime:
    """A date or a date and time spelt in ``text``; aware when it names an offset, else
    naive. Raises ValueError for anything else, impossible dates (2月30日) included."""
    m = _DATE_TIME.match(_clean(text))
    if m is None:
        raise ValueError(f"not a date: {text!r}")
    day = _day(m)
    value = datetime(day.year, day.month, day.day, int(m["h"] or 0), int(m["mi"] or 0),
                     int(m["s"] or 0), int((m["f"] or "0")[:6].ljust(6, "0")))
    tz = m["tz"]
    if tz == "Z":
        value = value.replace(tzinfo=timezone.utc)
    elif tz:
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        value = value.replace(tzinfo=timezone(sign * offset))
    return value


def parse_date_text(text: str, *, ignore_rest: bool = False) -> date:
    """The date spelt in ``text`` (a time of day, if any, is dropped). With ``ignore_rest``,
    anything after the date and a space or ``T`` is ignored (``2026-10-01 周四``). Raises
    ValueError."""
    try:
        return parse_datetime_text(text).date()
    except ValueError:
        if not ignore_rest:
            raise
    m = _DATE_FIRST.match(_clean(text))
    if m is None:
        raise ValueError(f"not a date: {text!r}")
    return _day(m)
