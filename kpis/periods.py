"""Month arithmetic and the global filters every query and KPI takes."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field


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


@dataclass(frozen=True)
class Filters:
    """The global filters. `as_of` is a month close: nothing after its last day counts.

    The reporting period runs from `period_start` to `as_of`. Empty tuples mean "all".
    The "year" (year to date, the year-end forecast) is the organisation's fiscal year,
    starting in `fiscal_year_start_month` (1: the calendar year).
    Departments are department codes (funding department for money, rating department
    for the survey); statuses are project statuses; projects are project codes.
    """

    as_of: dt.date
    period_start: dt.date
    departments: tuple[str, ...] = field(default=())
    statuses: tuple[str, ...] = field(default=())
    projects: tuple[str, ...] = field(default=())
    categories: tuple[str, ...] = field(default=())
    fiscal_year_start_month: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.fiscal_year_start_month <= 12:
            raise ValueError("The fiscal year must start in a month 1..12")
        if self.as_of.day != 1 or self.period_start.day != 1:
            raise ValueError("as_of and period_start must be the first of a month")
        if self.period_start > self.as_of:
            raise ValueError("The period must start on or before the as-of month")

    @property
    def as_of_end(self) -> dt.date:
        return month_end(self.as_of)

    @property
    def year_start(self) -> dt.date:
        """The first month of the fiscal year holding the as-of month."""
        return fiscal_year_start(self.as_of, self.fiscal_year_start_month)

    @property
    def year_end(self) -> dt.date:
        """The last month (its first day) of the fiscal year holding the as-of month."""
        return fiscal_year_end(self.as_of, self.fiscal_year_start_month)

    @classmethod
    def year_to_date(
        cls, as_of: dt.date, *, fiscal_year_start_month: int = 1, **kwargs: tuple[str, ...]
    ) -> Filters:
        return cls(
            as_of=as_of,
            period_start=fiscal_year_start(as_of, fiscal_year_start_month),
            fiscal_year_start_month=fiscal_year_start_month,
            **kwargs,
        )
