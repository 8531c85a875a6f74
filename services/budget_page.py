"""The Budget page's model: every figure, table and chart input the page shows, in a language.

`budget_page` composes the data_access loaders (memoised aggregates) with the pure KPI
functions of kpis.budget and the display texts of presentation.budget. Two parts follow a
widget and need one more aggregate each, loaded only then (as the page did before): the
variance table of the group picked (`budget_by_group`, then `BudgetPage.variance`) and the
drill-down of the project picked (`project_budget`, then `budget_project`, pure). No
Streamlit here: the page (views/budget.py) only lays the model out; tests read the figures.
The parts both share are in services.budget_parts, the drill-down in services.budget_drilldown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from charts.budget import largest_drifts
from data_access.budget import load_budget_by_month
from domain.filters import Filters
from i18n.format import DEFAULT_CURRENCY
from kpis.budget import (
    EarnedValue,
    count_tracked,
    cumulative_series,
    forecast_year_end,
    frame_totals,
    portfolio_earned_value,
    rag_of,
    realisation,
    variance,
    variance_pct,
    year_summary,
)
from kpis.funding import count_drifting, max_funding_drift
from kpis.projects import labels_of_projects
from presentation.budget import drift_column_formats, drift_rows, earned_value_rows, signed_money
from presentation.metrics import Metric, kpi_metric_text
from presentation.words import Words
from services.budget_parts import (
    BudgetData,
    SeriesCharts,
    Variance,
    budget_data,
    index_text,
    rounding_note,
    series_charts,
    variance_tables,
)

GROUPS = ("department", "category", "project")


@dataclass(frozen=True)
class DriftChart:
    """Inputs of charts.budget.drift_chart: the largest drifts and how many projects are left out."""

    rows: pd.DataFrame
    left_out: int
    tolerance: float
    department_names: Mapping[str, str]
    title: str
    x_title: str
    y_title: str
    legend_title: str


@dataclass(frozen=True)
class BudgetPage:
    caption: str
    realisation_metrics: tuple[Metric, ...]
    earned_value_metrics: tuple[Metric, ...]
    portfolio_charts: SeriesCharts
    chart_note: str
    variance_note: str
    ev_note: str
    ev_thresholds: str
    forecast_metrics: tuple[Metric, ...]
    forecast_note: str
    drift_formats: Mapping[str, Mapping[str, object]]
    drift_chart: DriftChart | None  # None when no project has a measured drift
    drift_chart_more: str | None
    drift_note: str
    project_codes: tuple[str, ...]
    project_labels: Mapping[str, str]  # code → "code · name", for the picker
    data: BudgetData  # what the tables of the tabs and the drill-down reuse
    portfolio: EarnedValue  # the earned-value table's portfolio row
    as_of: dt.date
    lang: str
    currency: str

    # The tables of the Earned value and Funding drift tabs are made when their tab is drawn,
    # not with the model: at 1,945 projects their text took about 86 ms of a 225 ms model, on
    # every rerun of the page, whichever tab was open (bench/NOTES.md, stop 38).
    def ev_rows(self) -> pd.DataFrame:
        """The earned-value table: each project, then the portfolio row."""
        return earned_value_rows(
            self.data.ev_table,
            names=self.data.project_names,
            lang=self.lang,
            currency=self.currency,
            cpi_target=self.data.targets["cpi"],
            spi_target=self.data.targets["spi"],
            portfolio=self.portfolio,
        )

    def drift_portfolio_rows(self) -> pd.DataFrame:
        """The funding drift of all joint projects together, per department."""
        return self._drift(self.data.drift_total, project_names=None)

    def drift_project_rows(self) -> pd.DataFrame:
        """The funding drift of each joint project, per department."""
        return self._drift(self.data.drift, project_names=self.data.project_names)

    def _drift(self, drift: pd.DataFrame, *, project_names: Mapping[str, str] | None) -> pd.DataFrame:
        return drift_rows(
            drift,
            department_names=self.data.department_names,
            project_names=project_names,
            lang=self.lang,
            currency=self.currency,
            target=self.data.targets["funding_drift_pp"],
        )

    def variance(self, grouped: pd.DataFrame, *, by: str) -> Variance:
        """The variance tables of `grouped` (budget_by_group's frame for group `by`)."""
        names = {
            "department": self.data.department_names,
            "category": self.data.category_names,
            "project": self.data.project_names,
        }[by]
        return variance_tables(
            grouped,
            by=by,
            names=names,
            total=frame_totals(grouped),
            target=self.data.targets["budget_realisation"],
            words=Words(self.lang, self.currency),
        )


def budget_page(
    *, engine: Engine, filters: Filters, lang: str, currency: str = DEFAULT_CURRENCY
) -> BudgetPage:
    """The Budget page for `filters` (as-of month included) in `lang`, amounts in `currency`."""
    words = Words(lang, currency)
    data = budget_data(engine, filters, lang)
    targets = data.targets
    tolerance = targets["funding_drift_pp"].green
    period_frame = load_budget_by_month(engine=engine, filters=filters)
    year_frame = load_budget_by_month(engine=engine, filters=filters, by=("project",), span="year")
    chart_frame = load_budget_by_month(engine=engine, filters=filters, span="period_to_year_end")

    totals = frame_totals(period_frame)
    fiscal = filters.fiscal_year_start_month
    summary = year_summary(year_frame, as_of=filters.as_of, fiscal_year_start_month=fiscal)
    portfolio = portfolio_earned_value(data.ev_table)
    tracked, project_count = count_tracked(data.ev_table)
    forecast = forecast_year_end(
        year_frame, data.ev_table, as_of=filters.as_of, fiscal_year_start_month=fiscal
    )
    largest_drift = max_funding_drift(data.drift)
    drifting, measured = count_drifting(data.drift)
    index = index_text(words)
    ratio_pct = lambda value: words.pct(value, decimals=1)  # noqa: E731
    na = words.t("kpi.na")
    period_realisation = realisation(**totals)

    realisation_metrics = (
        kpi_metric_text(
            words.t("kpi.budget_realisation"),
            period_realisation,
            ratio_pct,
            lang,
            help_text=words.t("kpi.budget_realisation.help"),
            delta=words.t(
                "budget.variance_delta",
                amount=signed_money(variance(**totals), lang, compact=True, currency=currency),
            ),
            badge=rag_of(period_realisation, targets["budget_realisation"]),
            detail=words.t(
                "budget.detail",
                actual=words.money_compact(totals["actual"]),
                planned=words.money_compact(totals["planned"]),
            ),
            delta_color="inverse",
        ),
        kpi_metric_text(
            words.t("budget.kpi.variance_pct"),
            variance_pct(**totals),
            lambda value: words.signed(value * 100, suffix="%"),
            lang,
            help_text=words.t("budget.help.variance_pct"),
            detail=words.t("budget.variance_eur", amount=words.money(variance(**totals))),
            delta_color="inverse",
        ),
        kpi_metric_text(
            words.t("budget.kpi.ytd"),
            summary.realisation_ytd,
            ratio_pct,
            lang,
            help_text=words.t("budget.help.ytd", start=words.month(filters.year_start)),
            badge=rag_of(summary.realisation_ytd, targets["budget_realisation"]),
            detail=words.t(
                "budget.detail",
                actual=words.money_compact(summary.actual_ytd),
                planned=words.money_compact(summary.planned_ytd),
            ),
            delta_color="inverse",
        ),
        Metric(
            words.t("budget.kpi.full_year_plan"),
            words.money_compact(summary.planned_full_year),
            help=words.t(
                "budget.help.full_year_plan",
                year=words.fiscal_year(filters),
                start=words.month(filters.year_start),
                end=words.month(filters.year_end),
            ),
            caption=words.t(
                "budget.full_year_detail",
                forecast=words.money_compact(forecast.run_rate.value) if forecast.run_rate.available else na,
                eac=words.money_compact(forecast.eac_based),
            ),
        ),
    )
    tracked_text = words.t("budget.tracked", tracked=tracked, total=project_count)
    earned_value_metrics = (
        kpi_metric_text(
            "CPI",
            portfolio.cpi,
            index,
            lang,
            help_text=words.t("budget.help.cpi"),
            badge=rag_of(portfolio.cpi, targets["cpi"]),
            detail=tracked_text,
            delta_color="inverse",
        ),
        kpi_metric_text(
            "SPI",
            portfolio.spi,
            index,
            lang,
            help_text=words.t("budget.help.spi"),
            badge=rag_of(portfolio.spi, targets["spi"]),
            detail=tracked_text,
            delta_color="inverse",
        ),
        kpi_metric_text(
            "EAC",
            portfolio.eac,
            words.money_compact,
            lang,
            help_text=words.t("budget.help.eac"),
            detail=words.t(
                "budget.bac_detail",
                bac=words.money_compact(portfolio.bac),
                vac=words.money_compact(portfolio.vac.value) if portfolio.vac.available else na,
            ),
            delta_color="inverse",
        ),
        kpi_metric_text(
            words.t("budget.kpi.max_drift"),
            largest_drift,
            lambda value: words.number(value, decimals=1) + " " + words.t("budget.unit.pp"),
            lang,
            help_text=words.t("budget.help.max_drift", tolerance=words.number(tolerance, decimals=0)),
            badge=rag_of(largest_drift, targets["funding_drift_pp"]),
            detail=words.t("budget.drifting", flagged=drifting, measured=measured),
            delta_color="inverse",
        ),
    )

    forecast_metrics = (
        Metric(
            words.t("budget.kpi.full_year_plan"),
            words.money_compact(forecast.planned_full_year),
            help=words.money(forecast.planned_full_year),
        ),
        Metric(
            words.t("budget.kpi.actual_ytd"),
            words.money_compact(forecast.actual_ytd),
            help=words.money(forecast.actual_ytd),
        ),
        kpi_metric_text(
            words.t("budget.kpi.run_rate"),
            forecast.run_rate,
            words.money_compact,
            lang,
            help_text=words.t("budget.help.run_rate"),
            delta=words.t(
                "budget.against_plan",
                amount=signed_money(forecast.run_rate_variance.value, lang, currency=currency),
            )
            if forecast.run_rate_variance.available
            else None,
            delta_color="inverse",
        ),
        Metric(
            words.t("budget.kpi.eac_forecast"),
            words.money_compact(forecast.eac_based),
            delta=words.t(
                "budget.against_plan", amount=signed_money(forecast.eac_variance, lang, currency=currency)
            ),
            delta_color="inverse",
            help=words.t("budget.help.eac_forecast") + " (" + words.money(forecast.eac_based) + ")",
        ),
    )

    chart_rows, left_out = largest_drifts(data.drift)
    drift_chart = (
        None
        if chart_rows.empty
        else DriftChart(
            rows=chart_rows,
            left_out=left_out,
            tolerance=tolerance,
            department_names=data.department_names,
            title=words.t("budget.chart.drift"),
            x_title=words.t("budget.col.drift"),
            y_title=words.t("budget.group.project"),
            legend_title=words.t("budget.group.department"),
        )
    )
    rounding = rounding_note(words)
    codes = tuple(data.projects["project"])
    return BudgetPage(
        caption=words.t(
            "budget.caption",
            as_of=words.month(filters.as_of),
            start=words.month(filters.period_start, short=True),
            currency=words.currency_name(),
        ),
        realisation_metrics=realisation_metrics,
        earned_value_metrics=earned_value_metrics,
        portfolio_charts=series_charts(cumulative_series(chart_frame, as_of=filters.as_of), words),
        chart_note=words.t("budget.chart.note", end=words.month(filters.year_end)),
        variance_note=words.t("budget.variance_note") + " " + rounding,
        ev_note=words.t(
            "budget.ev_note", tracked=tracked, total=project_count, as_of=words.month(filters.as_of)
        ),
        ev_thresholds=words.t(
            "budget.ev_thresholds",
            cpi_green=index(targets["cpi"].green),
            cpi_amber=index(targets["cpi"].amber),
            spi_green=index(targets["spi"].green),
            spi_amber=index(targets["spi"].amber),
        )
        + " "
        + rounding,
        forecast_metrics=forecast_metrics,
        forecast_note=words.t(
            "budget.forecast_note", end=words.month(filters.year_end), months=summary.months_remaining
        ),
        drift_formats=drift_column_formats(lang, currency=currency),
        drift_chart=drift_chart,
        drift_chart_more=words.t("budget.drift.chart_more", count=left_out)
        if drift_chart and left_out
        else None,
        drift_note=words.t("budget.drift.note", tolerance=words.number(tolerance, decimals=0)),
        project_codes=codes,
        project_labels=labels_of_projects(data.project_names, codes),
        data=data,
        portfolio=portfolio,
        as_of=filters.as_of,
        lang=lang,
        currency=currency,
    )


def budget_by_group(*, engine: Engine, filters: Filters, group: str) -> pd.DataFrame:
    """The period's planned and actual by `group` (department, category or project)."""
    return load_budget_by_month(engine=engine, filters=filters, by=(group,))
