"""The demo's calendar: plans run 2024-01 .. 2026-12, actuals through 2026-10, and the
month helpers every part of the generator counts with (month index 0 is 2024-01)."""

from __future__ import annotations

import calendar
from datetime import date

DEFAULT_SEED = 20261129
SCALES = ("demo", "large")
DEMO_FIRST_MONTH = date(2024, 1, 1)
DEMO_LAST_MONTH = date(2026, 12, 1)
DEMO_LAST_ACTUAL_MONTH = date(2026, 10, 1)
DEMO_AS_OF = date(2026, 10, 31)
LARGE_N_PROJECTS = 2000
# Budget lines per project of the large profile, measured on the default seed (2,000
# projects give 1,233,778 lines); used to turn a line target into a project count.
LARGE_LINES_PER_PROJECT = 617.0
CREATED_BY = "demo"

N_MONTHS = 36
CUTOFF = 33  # index of DEMO_LAST_ACTUAL_MONTH

# History (data_access.history): the demo organisation started recording it on
# DEMO_HISTORY_START; every row's first version is dated from the first demo month. Two
# changes during 2026 show in a replay: P-002's data processing was Marketing's until
# DEMO_OWNERSHIP_CHANGE (a house-rule breach in June, fixed since), and P-020 was active
# until it was put on hold on DEMO_STATUS_CHANGE.
DEMO_HISTORY_START = date(2026, 6, 1)
DEMO_OWNERSHIP_CHANGE = ("P-002", "data_processing", "MKT", date(2026, 7, 6))
DEMO_STATUS_CHANGE = ("P-020", "active", date(2026, 8, 3))


def month_at(index: int) -> date:
    """The first of the month `index` months after 2024-01."""
    return date(2024 + index // 12, index % 12 + 1, 1)


def month_index(day: date) -> int:
    """Months between 2024-01 and the month of `day`."""
    return (day.year - 2024) * 12 + day.month - 1


def month_end(index: int) -> date:
    first = month_at(index)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def parse_month(text: str) -> int:
    """'2025-03' -> month index."""
    year, month = text.split("-")
    return (int(year) - 2024) * 12 + int(month) - 1


MONTHS: tuple[date, ...] = tuple(month_at(i) for i in range(60))
