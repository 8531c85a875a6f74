"""Month arithmetic and the one date helper: pure, importing nothing of ours."""

from __future__ import annotations

import calendar
import datetime as dt

import pandas as pd


def as_date(value: object) -> dt.date | None:
    """A date from a date, a datetime, a pandas Timestamp or ISO text; None when missing.

    Missing is None, NaN or NaT. A datetime loses its time: 2026-03-05 14:00 → 2026-03-05.
    Text is read from its first ten characters ("2026-03-05T14:00" → 2026-03-05).
    """
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, dt.datetime):  # pd.Timestamp included
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_dates(values: object) -> list[dt.date | None]:
    """`as_date` of every value, in order: each distinct value is converted once (a column of
    a few dozen months over a million rows costs a few dozen conversions, not a million)."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    converted = [as_date(value) for value in uniques]
    return [None if code < 0 else converted[code] for code in codes]


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first of the month `count` months after (or before) `month`'s month."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(month: dt.date) -> dt.date:
    """The last day of `month`'s month."""
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every first-of-month from start's month to end's month, both included."""
    months, current = [], first_of_month(start)
    while current <= end:
        months.append(current)
        current = add_months(current, 1)
    return months


def fiscal_year_start(month: dt.date, start_month: int = 1) -> dt.date:
    """The first month of the fiscal year holding `month`, the year starting in `start_month`
    (1 = January, the calendar year): with an April start, March 2026 is in the year from
    April 2025, May 2026 in the year from April 2026."""
    year = month.year if month.month >= start_month else month.year - 1
    return dt.date(year, start_month, 1)


def fiscal_year_end(month: dt.date, start_month: int = 1) -> dt.date:
    """The last month (its first day) of the fiscal year holding `month`: eleven months
    after `fiscal_year_start`, so December with a January start, March with April."""
    return add_months(fiscal_year_start(month, start_month), 11)


def fiscal_year_days(month: dt.date, start_month: int = 1) -> tuple[dt.date, dt.date]:
    """The first and the last day of the fiscal year holding `month`."""
    return fiscal_year_start(month, start_month), month_end(fiscal_year_end(month, start_month))


def last_closed_month(today: dt.date) -> dt.date:
    """The month before today's: the most recent month whose books are closed."""
    return add_months(first_of_month(today), -1)


def as_of_options(
    first: dt.date | None, last: dt.date | None, last_actual: dt.date | None, today: dt.date
) -> tuple[list[dt.date], dt.date]:
    """The months one may pick as "as of" (first plan month up to the last closed month)
    and the default: the last month with actuals, or the last closed month without data."""
    closed = last_closed_month(today)
    if first is None or last is None:
        return [closed], closed
    end = max(first, min(last, closed))
    return months_between(first, end), min(last_actual or end, end)
