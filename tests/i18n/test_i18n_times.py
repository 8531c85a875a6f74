"""Times shown to a person (issue 18.2): stored in UTC, shown in the organisation's zone, in the language."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from i18n.times import format_moment, to_zone, zone_abbreviation

SUMMER = dt.datetime(2026, 7, 1, 12, 5)  # naive: UTC, as the database stores it
WINTER = dt.datetime(2026, 1, 15, 23, 30)


@pytest.mark.parametrize(
    ("moment", "zone", "lang", "expected"),
    [
        (SUMMER, "UTC", "nl", "01-07-2026 12:05"),
        (SUMMER, "Europe/Zurich", "nl", "01-07-2026 14:05"),  # CEST, UTC+2
        (SUMMER, "Europe/Zurich", "en", "1 Jul 2026 14:05"),
        (WINTER, "Europe/Zurich", "en", "16 Jan 2026 00:30"),  # CET, UTC+1: the next day
        (WINTER, "UTC", "en", "15 Jan 2026 23:30"),
        (WINTER, "America/New_York", "nl", "15-01-2026 18:30"),
        (SUMMER.replace(tzinfo=dt.UTC), "Asia/Tokyo", "en", "1 Jul 2026 21:05"),
        (pd.Timestamp(SUMMER), "Europe/Zurich", "nl", "01-07-2026 14:05"),
        ("2026-07-01 12:05:00", "Europe/Zurich", "en", "1 Jul 2026 14:05"),
        (dt.date(2026, 7, 1), "Europe/Zurich", "en", "1 Jul 2026"),
    ],
)
def test_a_stored_time_in_the_zone_and_language(moment, zone: str, lang: str, expected: str) -> None:
    assert format_moment(moment, lang, zone=zone) == expected


@pytest.mark.parametrize("missing", [None, pd.NaT, float("nan")])
def test_a_missing_time(missing) -> None:
    assert format_moment(missing, "nl", zone="Europe/Zurich") == "n/a"


def test_to_zone_keeps_the_instant() -> None:
    local = to_zone(SUMMER, "Europe/Zurich")
    assert local.utcoffset() == dt.timedelta(hours=2)
    assert local.astimezone(dt.UTC).replace(tzinfo=None) == SUMMER
    assert zone_abbreviation("Europe/Zurich", at=WINTER) == "CET"
