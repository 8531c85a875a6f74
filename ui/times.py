"""Times at the Streamlit edge: in the organisation's time zone and the chosen language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from i18n.times import format_local_day, format_moment, is_missing
from ui.i18n import lang
from ui.organisation import organisation


def moment(value: dt.datetime | None) -> str:
    """A stored time (UTC) as a person reads it: in the organisation's zone, in the language."""
    return format_moment(value, lang(), zone=organisation().time_zone)


def moments(values: Iterable[object], *, missing: str | None = None) -> list[str | None]:
    """A column of stored times as `moment` shows them (the zone read once); `missing` for none."""
    zone_name, language = organisation().time_zone, lang()
    return [missing if is_missing(v) else format_moment(v, language, zone=zone_name) for v in values]  # type: ignore[arg-type]


def local_day(value: dt.datetime | None) -> str:
    """The day a stored time (UTC) falls on in the organisation's zone, in the language."""
    return format_local_day(value, lang(), zone=organisation().time_zone)


def zone() -> str:
    """The organisation's IANA time zone (for column headings: "Time (Europe/Zurich)")."""
    return organisation().time_zone


def today() -> dt.date:
    """Today's date in the organisation's time zone (a pulse wave's fielding window is in days)."""
    return dt.datetime.now(ZoneInfo(organisation().time_zone)).date()
