"""Times at the Streamlit edge: in the organisation's time zone and the chosen language."""

from __future__ import annotations

import datetime as dt

from i18n.times import format_moment
from ui.i18n import lang
from ui.organisation import organisation


def moment(value: dt.datetime | None) -> str:
    """A stored time (UTC) as a person reads it: in the organisation's zone, in the language."""
    return format_moment(value, lang(), zone=organisation().time_zone)


def zone() -> str:
    """The organisation's IANA time zone (for column headings: "Time (Europe/Zurich)")."""
    return organisation().time_zone
