"""Periods in a community's time zone: presets (last 7/30/90 days), the previous period of the
same length, week buckets, and conversion to the naive UTC times stored in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from app.models import Community, utcnow

PRESETS = {"7d": 7, "30d": 30, "90d": 90, "180d": 180}
PRESET_LABELS = {"7d": _l("近 7 天"), "30d": _l("近 30 天"), "90d": _l("近 90 天"),
                 "180d": _l("近 180 天")}
DEFAULT_PRESET = "30d"
MAX_DAYS = 366 * 3


def zone_of(community: Community) -> ZoneInfo:
    """The community's time zone (Asia/Shanghai when unset or unknown)."""
    try:
        return ZoneInfo(community.timezone or "Asia/Shanghai")
    except Exception:
        return ZoneInfo("Asia/Shanghai")


def local_today(community: Community) -> date:
    """Today's date in the community's time zone."""
    return utcnow().replace(tzinfo=UTC).astimezone(zone_of(community)).date()


def to_utc(community: Community, day: date) -> datetime:
    """The naive UTC time of local midnight starting ``day``."""
    local = datetime.combine(day, time.min, tzinfo=zone_of(community))
    return local.astimezone(UTC).replace(tzinfo=None)


def local_date(community: Community, when: datetime) -> date:
    """The local date of a naive UTC time."""
    return when.replace(tzinfo=UTC).astimezone(zone_of(community)).date()


@dataclass(frozen=True)
class Period:
    """Days ``start`` to ``end`` inclusive, in the community's time zone."""

    start: date
    end: date
    preset: str | None = None

    @property
    def days(self) -> int:
        """Length in days."""
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def bounds(self, community: Community) -> tuple[datetime, datetime]:
        """[start, end) as naive UTC datetimes."""
        return to_utc(community, self.start), to_utc(community, self.end + timedelta(days=1))


def period_from(community: Community, preset: str | None = None, start: date | None = None,
                end: date | None = None) -> Period:
    """A period from a preset or explicit dates (invalid or reversed dates fall back)."""
    today = local_today(community)
    if start is not None and end is not None and start <= end and (end - start).days < MAX_DAYS:
        return Period(start, min(end, today + timedelta(days=1)))
    preset = preset if preset in PRESETS else DEFAULT_PRESET
    days = PRESETS[preset]
    return Period(today - timedelta(days=days - 1), today, preset)


def parse_day(value: str | None) -> date | None:
    """A yyyy-mm-dd date, or None."""
    try:
        return date.fromisoformat((value or "").strip()[:10]) if value else None
    except ValueError:
        return None


def week_start(day: date) -> date:
    """The Monday of the week of ``day``."""
    return day - timedelta(days=day.weekday())
