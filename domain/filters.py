"""The global filters every query and KPI takes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from domain.months import fiscal_year_end, fiscal_year_start, month_end


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
