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
    Departments are department codes (funding department for money, rating department
    for the survey); statuses are project statuses; projects are project codes.
    """

    as_of: dt.date
    period_start: dt.date
    departments: tuple[str, ...] = field(default=())
    statuses: tuple[str, ...] = field(default=())
    projects: tuple[str, ...] = field(default=())
    categories: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.as_of.day != 1 or self.period_start.day != 1:
            raise ValueError("as_of and period_start must be the first of a month")
        if self.period_start > self.as_of:
            raise ValueError("The period must start on or before the as-of month")

    @property
    def as_of_end(self) -> dt.date:
        return month_end(self.as_of)

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.as_of.year, 1, 1)

    @classmethod
    def year_to_date(cls, as_of: dt.date, **kwargs: tuple[str, ...]) -> Filters:
        return cls(as_of=as_of, period_start=dt.date(as_of.year, 1, 1), **kwargs)
