"""Per-source data providers for the improvement report.

Each provider reads one source's tables (metrics, themes, surveys, the suggestion box,
interviews, the previous report) and returns keyword arguments for
``reports.build_context``. A provider whose source has no data for the period returns
nothing, and the report leaves that section out ("no data for this period") instead of
inventing numbers. A new source is one class registered with ``@register_provider``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from babel import Locale

from app.models import Community
from nlp.normalize import stickers_to_emoji
from reports.assemble import AnalysisOptions
from reports.context import Period


def history_days(options: AnalysisOptions) -> int:
    """Days of history before the period end that the analysis needs: the correlation weeks,
    a month to derive MAU, and a week of slack for partial weeks."""
    return options.correlation_weeks * 7 + 30 + 7


@dataclass(frozen=True)
class DataRequest:
    """What a report needs data for."""

    community: Community
    period: Period
    previous_period: Period
    options: AnalysisOptions = field(default_factory=AnalysisOptions)
    # A report being regenerated must not follow up on itself.
    exclude_report_id: int | None = None
    # False when only the numbers are needed (the builder's section list, the 关联分析
    # page): providers may then skip costly extras such as word clouds and quotes.
    detail: bool = True

    @property
    def history_start(self) -> date:
        """The first day any provider should read."""
        return min(self.previous_period.start - timedelta(days=30),
                   self.period.end - timedelta(days=history_days(self.options)))

    @property
    def last_day(self) -> date:
        """The last day any provider should read (the period end: nothing from later)."""
        return self.period.end


def community_zone(community: Community) -> ZoneInfo:
    """The community's timezone (Asia/Shanghai when unknown)."""
    try:
        return ZoneInfo(community.timezone or "Asia/Shanghai")
    except (KeyError, ValueError):
        return ZoneInfo("Asia/Shanghai")


def local_day(community: Community, at: datetime) -> date:
    """The community's local date of a naive-UTC datetime."""
    return at.replace(tzinfo=UTC).astimezone(community_zone(community)).date()


def utc_bounds(community: Community, period: Period) -> tuple[datetime, datetime]:
    """The period as naive-UTC datetimes ``[start, end)``, from the community's local days."""
    zone = community_zone(community)

    def utc(day: date) -> datetime:
        return datetime.combine(day, time(0), zone).astimezone(UTC).replace(tzinfo=None)

    return utc(period.start), utc(period.end + timedelta(days=1))


def printable(text: str) -> str:
    """``text`` as the report prints it: sticker codes (``[捂脸]``) become their emoji, which
    the report's emoji font draws beside the CJK fonts, and runs of whitespace one space."""
    return " ".join(stickers_to_emoji(text).split()) if text else ""


#: A bracketed code such as [捂脸] or [强]: a WeChat sticker (a picture in the chat, bracketed
#: text in a report) when its name is in the sticker table; redaction marks ([手机号]) stay.
_BRACKETED = re.compile(r"\[([^\[\]\s，。！？,.!?]{1,6})\]")


def _drop_stickers(text: str) -> str:
    from nlp.normalize import sticker_polarity

    names = sticker_polarity()
    return _BRACKETED.sub(lambda m: " " if m.group(1) in names else m.group(0), text)
_SENTENCES = re.compile(r"(?<=[。！？!?；;\n])")


def clean_quote(text: str, keywords: Sequence[str] = (), limit: int = 120) -> str:
    """A member's words as a report quotes them: one sentence, never fragments joined.

    Sticker codes and emoji are dropped, and so are opening filler (说实话，吐槽一下，) and a
    courtesy closer (辛苦运营了). Of a text with several sentences, the one that mentions the
    most of ``keywords`` (the theme's words; the first informative sentence without them)
    is kept on its own, so a quote never glues separate remarks together. A sentence longer
    than ``limit`` is cut with "…"."""
    from nlp.themes.quotes import clean_sentence

    text = printable(_drop_stickers(text or ""))
    sentences = [clean_sentence(s) for s in _SENTENCES.split(text)]
    sentences = [s for s in sentences if len(s.strip("。！？!?；; ")) >= 4]
    if not sentences:
        return ""
    hits = [sum(1 for k in keywords if k and k in s) for s in sentences]
    best = max(range(len(sentences)), key=lambda i: (hits[i], len(sentences[i]) >= 8, -i))
    sentence = sentences[best].rstrip("；;，, ")
    if len(sentence) > limit:
        sentence = sentence[: limit - 1] + "…"
    return sentence


@lru_cache(maxsize=1)
def _zh_cn() -> Locale:
    return Locale.parse("zh_CN")


def chinese(label: object) -> str:
    """A translatable label in Chinese, whatever the reader's language: reports are Chinese."""
    from flask_babel import force_locale

    # parsed once: parsing a locale name lists babel's locale files, and a report asks for
    # dozens of labels
    with force_locale(_zh_cn()):
        return str(label)


class DataProvider:
    """One source of report data. Subclasses set ``key``, ``label`` and ``sections`` and
    implement ``collect``."""

    key: ClassVar[str] = ""
    label: ClassVar[object] = ""
    # The report sections this source feeds (for the builder's "no data" notes).
    sections: ClassVar[tuple[str, ...]] = ()
    # The ``build_context`` arguments ``collect`` may return, so that a page needing only
    # some of them asks only the providers that give them (empty: unknown, always asked).
    provides: ClassVar[tuple[str, ...]] = ()

    def collect(self, request: DataRequest) -> dict[str, Any]:
        """Keyword arguments for ``build_context``; empty when there is no data."""
        raise NotImplementedError


PROVIDERS: dict[str, type[DataProvider]] = {}


def register_provider(cls: type[DataProvider]) -> type[DataProvider]:
    """Class decorator: add a data provider to the registry."""
    if not cls.key:
        raise ValueError("a data provider needs a key")
    PROVIDERS[cls.key] = cls
    return cls


def get_provider(key: str) -> DataProvider:
    """An instance of the provider registered as ``key``."""
    try:
        return PROVIDERS[key]()
    except KeyError:
        raise KeyError(f"unknown report data provider {key!r}; known: {sorted(PROVIDERS)}") \
            from None


@dataclass
class CollectedInputs:
    """Everything the providers found, ready for ``build_context``, and which had data."""

    kwargs: dict[str, Any]
    with_data: list[str]
    without_data: list[str]


def collect_inputs(request: DataRequest, arguments: Collection[str] | None = None
                   ) -> CollectedInputs:
    """Ask every provider for its data and merge the keyword arguments; with
    ``arguments``, skip the providers known to give none of them, and keep only those.

    List-valued arguments (``events``, ``follow_up``) from several providers are
    concatenated; any other argument may come from one provider only.
    """
    kwargs: dict[str, Any] = {}
    with_data, without_data = [], []
    for key, cls in PROVIDERS.items():
        if arguments is not None and cls.provides and not set(cls.provides) & set(arguments):
            continue
        found = get_provider(key).collect(request)
        (with_data if found else without_data).append(key)
        for name, value in found.items():
            if name in kwargs and isinstance(value, list):
                kwargs[name] = list(kwargs[name]) + value
            elif name in kwargs:
                raise ValueError(f"report input {name!r} comes from two providers")
            else:
                kwargs[name] = value
    if arguments is not None:
        kwargs = {name: value for name, value in kwargs.items() if name in arguments}
    return CollectedInputs(kwargs=kwargs, with_data=with_data, without_data=without_data)


from app.services.reports.data import (  # noqa: E402,F401  (registers providers)
    interviews,
    metrics,
    previous,
    suggestions,
    surveys,
    themes,
    voices,
)
