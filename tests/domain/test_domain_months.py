"""Month arithmetic and the date helper (domain/months.py) on their edge cases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from domain.months import (
    add_months,
    as_date,
    as_dates,
    as_of_options,
    first_of_month,
    fiscal_year_days,
    fiscal_year_end,
    fiscal_year_start,
    last_closed_month,
    month_end,
    months_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D(2026, 3, 5), D(2026, 3, 5)),
        (dt.datetime(2026, 3, 5, 23, 59, 59), D(2026, 3, 5)),
        (pd.Timestamp("2026-03-05 14:00"), D(2026, 3, 5)),
        (pd.Timestamp("2026-03-05 23:30", tz="Europe/Amsterdam"), D(2026, 3, 5)),  # its own day, not UTC's
        ("2026-03-05", D(2026, 3, 5)),
        ("2026-03-05T14:00:00", D(2026, 3, 5)),
        ("2026-03-05 14:00:00.123456", D(2026, 3, 5)),
        (np.datetime64("2026-03-05"), D(2026, 3, 5)),
        (D(2024, 2, 29), D(2024, 2, 29)),
        (None, None),
        (float("nan"), None),
        (np.nan, None),
        (pd.NaT, None),
    ],
)
def test_as_date(value: object, expected: dt.date | None) -> None:
    got = as_date(value)
    assert got == expected
    assert got is None or type(got) is dt.date  # never a datetime (a datetime == date is False)


@pytest.mark.parametrize("value", ["", "2026-13-01", "5 March 2026", "2026-02-30"])
def test_as_date_refuses_text_that_is_no_date(value: str) -> None:
    with pytest.raises(ValueError):
        as_date(value)


@pytest.mark.parametrize(
    ("month", "count", "expected"),
    [
        (D(2026, 1, 1), 1, D(2026, 2, 1)),
        (D(2026, 12, 1), 1, D(2027, 1, 1)),
        (D(2026, 1, 1), -1, D(2025, 12, 1)),
        (D(2026, 1, 31), 1, D(2026, 2, 1)),  # the first of the month: never 31 February
        (D(2026, 6, 15), -18, D(2024, 12, 1)),
        (D(2026, 6, 1), 0, D(2026, 6, 1)),
        (D(2026, 6, 1), 36, D(2029, 6, 1)),
    ],
)
def test_add_months(month: dt.date, count: int, expected: dt.date) -> None:
    assert add_months(month, count) == expected


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (D(2024, 2, 1), D(2024, 2, 29)),
        (D(2026, 2, 14), D(2026, 2, 28)),
        (D(2100, 2, 1), D(2100, 2, 28)),  # not a leap year
        (D(2000, 2, 1), D(2000, 2, 29)),
        (D(2026, 12, 31), D(2026, 12, 31)),
        (D(2026, 4, 1), D(2026, 4, 30)),
    ],
)
def test_month_end(month: dt.date, expected: dt.date) -> None:
    assert month_end(month) == expected


def test_first_of_month_and_last_closed_month() -> None:
    assert first_of_month(D(2026, 3, 31)) == D(2026, 3, 1)
    assert last_closed_month(D(2026, 1, 1)) == D(2025, 12, 1)
    assert last_closed_month(D(2026, 3, 31)) == D(2026, 2, 1)


def test_months_between() -> None:
    assert months_between(D(2025, 11, 20), D(2026, 2, 1)) == [
        D(2025, 11, 1),
        D(2025, 12, 1),
        D(2026, 1, 1),
        D(2026, 2, 1),
    ]
    assert months_between(D(2026, 3, 1), D(2026, 3, 31)) == [D(2026, 3, 1)]
    assert months_between(D(2026, 4, 1), D(2026, 3, 31)) == []


@pytest.mark.parametrize(
    ("month", "start_month", "first", "last"),
    [
        (D(2026, 1, 1), 1, D(2026, 1, 1), D(2026, 12, 1)),
        (D(2026, 3, 1), 4, D(2025, 4, 1), D(2026, 3, 1)),
        (D(2026, 4, 1), 4, D(2026, 4, 1), D(2027, 3, 1)),
        (D(2026, 12, 1), 12, D(2026, 12, 1), D(2027, 11, 1)),
        (D(2026, 11, 1), 12, D(2025, 12, 1), D(2026, 11, 1)),
    ],
)
def test_fiscal_year(month: dt.date, start_month: int, first: dt.date, last: dt.date) -> None:
    assert fiscal_year_start(month, start_month) == first
    assert fiscal_year_end(month, start_month) == last
    assert fiscal_year_days(month, start_month) == (first, month_end(last))


def test_as_of_options() -> None:
    today = D(2026, 4, 15)
    assert as_of_options(None, None, None, today) == ([D(2026, 3, 1)], D(2026, 3, 1))
    months, default = as_of_options(D(2026, 1, 1), D(2026, 12, 1), D(2026, 2, 1), today)
    assert months == [D(2026, 1, 1), D(2026, 2, 1), D(2026, 3, 1)]  # up to the last closed month
    assert default == D(2026, 2, 1)  # the last month with actuals
    # A plan that starts after the last closed month: only its first month.
    assert as_of_options(D(2026, 6, 1), D(2026, 12, 1), None, today) == ([D(2026, 6, 1)], D(2026, 6, 1))


def test_as_dates_equals_as_date_value_by_value() -> None:
    values = [
        dt.date(2026, 1, 1),
        None,
        pd.Timestamp("2026-02-03 10:00"),
        "2026-03-05T14:00",
        float("nan"),
        pd.NaT,
        dt.datetime(2026, 4, 1, 5),
        dt.date(2026, 1, 1),
        np.datetime64("2026-05-01"),
    ]
    assert as_dates(values) == [as_date(value) for value in values]
    assert as_dates(pd.Series(values, index=range(10, 19))) == [as_date(value) for value in values]
    assert as_dates([]) == []
