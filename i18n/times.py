"""Times shown to a person: stored in UTC, shown in the organisation's time zone, in the language.

The database keeps every moment (audit trail, decisions, imports, scenarios, target changes)
as a naive UTC datetime; a reader sees it in the organisation's IANA zone, formatted by Babel.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from i18n.format import LOCALES, NOT_AVAILABLE, format_day

PATTERNS = {"nl": "dd-MM-y HH:mm", "en": "d MMM y HH:mm"}


@lru_cache(maxsize=32)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def is_missing(moment: object) -> bool:
    return (
        moment is None or moment != moment or str(moment) == "NaT"
    )  # NaN and NaT are not equal to themselves


def to_zone(moment: dt.datetime, zone: str) -> dt.datetime:
    """`moment` in `zone`; a naive datetime is taken to be UTC (how the database stores them)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(_zone(zone))


def format_moment(moment: dt.datetime | None, lang: str, *, zone: str) -> str:
    """A stored moment for a person: `05-12-2026 14:30` in Dutch, `5 Dec 2026 14:30` in English,
    in `zone` (naive = UTC); "n/a" when missing. A date without a time is shown as the date."""
    if is_missing(moment):
        return NOT_AVAILABLE
    if not isinstance(moment, dt.datetime):
        if isinstance(moment, dt.date):
            return format_day(moment, lang)
        moment = dt.datetime.fromisoformat(str(moment))
    local = to_zone(moment, zone)
    locale = LOCALES.get(lang, LOCALES["nl"])
    return format_datetime(local, PATTERNS.get(lang, PATTERNS["nl"]), tzinfo=local.tzinfo, locale=locale)


def format_local_day(moment: dt.datetime | None, lang: str, *, zone: str) -> str:
    """The day a stored moment (naive = UTC) falls on in `zone`: `05-12-2026` / `5 Dec 2026`."""
    if is_missing(moment):
        return NOT_AVAILABLE
    return format_day(to_zone(moment, zone).date(), lang)


def zone_abbreviation(zone: str, *, at: dt.datetime) -> str:
    """The zone's short name at `at` (CET, CEST, UTC...), for a column heading."""
    return to_zone(at, zone).tzname() or zone
