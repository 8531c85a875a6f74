"""The organisation's fiscal year (here starting in April) in the filters, the year-end
forecast, the forecast-overrun exception and every "year" label, on hand-made data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access.budget import span_months
from domain.filters import Filters
from domain.months import fiscal_year_days, fiscal_year_end, fiscal_year_start
from domain.targets import Target
from i18n.format import format_fiscal_year
from kpis.budget import eac_year_forecast, earned_value, forecast_year_end, year_summary
from kpis.common import KpiValue
from kpis.exceptions import forecast_items
from kpis.scenario.comparison import goals_due_rest_of_year
from presentation.overview import exception_text
from services.single_view_model import period_for

D = dt.date
APRIL = 4


def test_fiscal_year_start_and_end_with_an_april_start() -> None:
    assert fiscal_year_start(D(2026, 3, 1), APRIL) == D(2025, 4, 1)
    assert fiscal_year_start(D(2026, 4, 1), APRIL) == D(2026, 4, 1)
    assert fiscal_year_start(D(2026, 5, 1), APRIL) == D(2026, 4, 1)
    assert fiscal_year_end(D(2026, 5, 1), APRIL) == D(2027, 3, 1)
    assert fiscal_year_end(D(2026, 3, 1), APRIL) == D(2026, 3, 1)
    assert fiscal_year_days(D(2026, 5, 1), APRIL) == (D(2026, 4, 1), D(2027, 3, 31))
    # The default is the calendar year.
    assert fiscal_year_start(D(2026, 3, 1)) == D(2026, 1, 1)
    assert fiscal_year_end(D(2026, 3, 1)) == D(2026, 12, 1)


def test_filters_year_start_and_year_to_date_follow_the_fiscal_year() -> None:
    march = Filters.year_to_date(D(2026, 3, 1), fiscal_year_start_month=APRIL)
    assert march.year_start == D(2025, 4, 1)
    assert march.period_start == D(2025, 4, 1)
    assert march.year_end == D(2026, 3, 1)
    may = Filters(as_of=D(2026, 5, 1), period_start=D(2026, 4, 1), fiscal_year_start_month=APRIL)
    assert may.year_end == D(2027, 3, 1)
    assert Filters.year_to_date(D(2026, 3, 1)).period_start == D(2026, 1, 1)
    with pytest.raises(ValueError, match="fiscal year"):
        Filters(as_of=D(2026, 5, 1), period_start=D(2026, 4, 1), fiscal_year_start_month=13)


def test_the_year_spans_run_over_the_fiscal_year() -> None:
    may = Filters(as_of=D(2026, 5, 1), period_start=D(2026, 4, 1), fiscal_year_start_month=APRIL)
    assert span_months(may, "year") == (D(2026, 4, 1), D(2027, 3, 1))
    assert span_months(may, "period_to_year_end") == (D(2026, 4, 1), D(2027, 3, 1))
    calendar = Filters.year_to_date(D(2026, 5, 1))
    assert span_months(calendar, "year") == (D(2026, 1, 1), D(2026, 12, 1))


def test_a_year_to_date_period_replayed_a_month_earlier_stays_in_its_fiscal_year() -> None:
    may = Filters.year_to_date(D(2026, 5, 1), fiscal_year_start_month=APRIL)
    assert period_for(may, D(2026, 4, 1)).period_start == D(2026, 4, 1)
    # A month before the year's start is year to date of the year before.
    assert period_for(may, D(2026, 3, 1)).period_start == D(2025, 4, 1)


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["month", "project", "planned", "actual"])


# Project A: 100 planned a month from March 2026 to April 2027; actuals in April and May 2026.
# The fiscal year from April 2026 holds April 2026 .. March 2027 (twelve months, 1,200 planned).
YEAR = _frame(
    [(D(2026, 3, 1), "A", 100.0, 90.0)]
    + [
        (D(2026 + (m - 1) // 12, (m - 1) % 12 + 1, 1), "A", 100.0, {4: 110.0, 5: 130.0}.get(m, 0.0))
        for m in range(4, 16)
    ]
    + [(D(2027, 4, 1), "A", 100.0, 0.0)]
)


def test_year_summary_counts_the_months_of_the_fiscal_year() -> None:
    summary = year_summary(YEAR, as_of=D(2026, 5, 1), fiscal_year_start_month=APRIL)
    assert summary.months_elapsed == 2
    assert summary.months_remaining == 10
    assert summary.planned_full_year == 1_200.0  # not March 2026 nor April 2027
    assert summary.planned_ytd == 200.0
    assert summary.actual_ytd == 240.0
    # The same frame as a calendar year: January .. December 2026 (March .. December here).
    calendar = year_summary(YEAR, as_of=D(2026, 5, 1))
    assert calendar.months_elapsed == 5
    assert calendar.planned_full_year == 1_000.0


def test_the_forecast_runs_to_the_end_of_march_2027() -> None:
    # CPI 0.8: the 10 months left (June 2026 .. March 2027, 1,000 planned) cost 1,250.
    ev_table = pd.DataFrame(
        {
            "project": ["A"],
            "status": ["active"],
            "cpi": [earned_value(bac=1, pv=1, ac=1, pct_complete=80).cpi],
        }
    )
    as_of = D(2026, 5, 1)
    assert eac_year_forecast(YEAR, ev_table, as_of=as_of, fiscal_year_start_month=APRIL) == pytest.approx(
        240 + 1_000 / 0.8
    )
    forecast = forecast_year_end(YEAR, ev_table, as_of=as_of, fiscal_year_start_month=APRIL)
    assert forecast.planned_full_year == 1_200.0
    assert forecast.actual_ytd == 240.0
    assert forecast.eac_based == pytest.approx(1_490.0)
    # Run rate: 240 over 2 months, 10 months to go.
    assert forecast.run_rate.value == pytest.approx(240 + 120 * 10)
    # As a calendar year the forecast would stop at December 2026 (7 months left, 700 planned).
    calendar = forecast_year_end(YEAR, ev_table, as_of=as_of)
    assert calendar.eac_based == pytest.approx(90 + 240 + 700 / 0.8)


def test_the_forecast_overrun_exception_names_the_fiscal_year() -> None:
    target = Target(green=1.0, amber=1.05, direction="lower")
    (item,) = forecast_items(
        forecast_ratio=KpiValue(1.3),
        forecast=1_560_000.0,
        year_budget=1_200_000.0,
        year=2026,
        target=target,
        fiscal_year_start_month=APRIL,
    )
    nl = exception_text(item, "nl", currency="CHF")
    en = exception_text(item, "en", currency="CHF")
    assert "bj 2026/27" in nl and "CHF\u00a01,6\u00a0mln" in nl and "€" not in nl
    assert "FY 2026/27" in en and "CHF\u00a01.6m" in en and "€" not in en
    (calendar,) = forecast_items(
        forecast_ratio=KpiValue(1.3), forecast=1.0, year_budget=1.0, year=2026, target=target
    )
    assert "2026" in exception_text(calendar, "en") and "FY" not in exception_text(calendar, "en")


def test_goals_due_in_the_rest_of_the_fiscal_year() -> None:
    goals = pd.DataFrame(
        {
            "target_date": [D(2026, 12, 15), D(2027, 2, 1), D(2027, 4, 1)],
            "achieved_date": [None, None, None],
        }
    )
    assert goals_due_rest_of_year(goals, as_of=D(2026, 5, 1), fiscal_year_start_month=APRIL) == 2
    assert goals_due_rest_of_year(goals, as_of=D(2026, 5, 1)) == 1


def test_year_labels() -> None:
    assert format_fiscal_year(2026, "nl", start_month=APRIL) == "bj 2026/27"
    assert format_fiscal_year(2026, "en", start_month=7) == "FY 2026/27"
    assert format_fiscal_year(2099, "en", start_month=APRIL) == "FY 2099/00"
    assert format_fiscal_year(2026, "nl") == "2026"
    assert format_fiscal_year(2026, "en", start_month=1) == "2026"
