"""The Budget page's model: every figure, table and chart input the page shows, in a language.

`budget_page` composes the data_access loaders (memoised aggregates) with the pure KPI
functions of kpis.budget and the display texts of presentation.budget. Two parts follow a
widget and need one more aggregate each, loaded only then (as the page did before): the
variance table of the group picked (`budget_by_group`, then `BudgetPage.variance`) and the
drill-down of the project picked (`project_budget`, then `budget_project`, pure). No
Streamlit here: the page (views/budget.py) only lays the model out; tests read the figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import Engine

from charts.budget import largest_drifts
from data_access.budget import load_budget_by_month, load_funding_shares, load_project_progress
from data_access.reference import load_categories, load_departments
from data_access.targets import load_targets
from domain.filters import Filters
from domain.targets import Target
from i18n.format import DEFAULT_CURRENCY
from kpis.budget import (
    count_tracked,
    cumulative_series,
    earned_value_table,
    for_project,
    forecast_year_end,
    frame_totals,
    portfolio_earned_value,
    project_earned_value,
    rag_of,
    realisation,
    up_to,
    variance,
    variance_pct,
    variance_table,
    year_summary,
)
from kpis.funding import count_drifting, funding_drift, max_funding_drift, portfolio_funding_drift
from presentation.budget import (
    VarianceTables,
    drift_column_formats,
    drift_rows,
    earned_value_rows,
    signed_money,
    variance_column_formats,
    variance_rows,
)
from presentation.metrics import Metric, kpi_metric_text
from presentation.words import Words

GROUPS = ("department", "category", "project")


@dataclass(frozen=True)
class SeriesCharts:
    """Inputs of the monthly and cumulative planned-against-actual charts (charts.budget)."""

    series: pd.DataFrame
    labels: Mapping[str, str]
    monthly_title: str
    cumulative_title: str
    x_title: str
    y_title: str
    legend_title: str

    def texts(self) -> dict[str, object]:
        """The keyword arguments both chart builders share."""
        return {
            "labels": dict(self.labels),
            "x_title": self.x_title,
            "y_title": self.y_title,
            "legend_title": self.legend_title,
        }


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
class Variance:
    """A variance table pair (rows, total apart) with its column display formats."""

    tables: VarianceTables
    by: str
    formats: Mapping[str, Mapping[str, object]]


@dataclass(frozen=True)
class _Data:
    """What both the page and its drill-down compute from the filters."""

    targets: Mapping[str, Target]
    department_names: dict[str, str]
    category_names: dict[str, str]
    project_names: dict[str, str]
    projects: pd.DataFrame
    ev_table: pd.DataFrame
    drift: pd.DataFrame
    drift_total: pd.DataFrame


@dataclass(frozen=True)
class BudgetPage:
    caption: str
    realisation_metrics: tuple[Metric, ...]
    earned_value_metrics: tuple[Metric, ...]
    portfolio_charts: SeriesCharts
    chart_note: str
    variance_note: str
    ev_note: str
    ev_rows: pd.DataFrame
    ev_thresholds: str
    forecast_metrics: tuple[Metric, ...]
    forecast_note: str
    drift_portfolio_rows: pd.DataFrame
    drift_project_rows: pd.DataFrame
    drift_formats: Mapping[str, Mapping[str, object]]
    drift_chart: DriftChart | None  # None when no project has a measured drift
    drift_chart_more: str | None
    drift_note: str
    project_codes: tuple[str, ...]
    project_labels: Mapping[str, str]  # code → "code · name", for the picker
    data: _Data  # what the variance tables and the drill-down reuse
    as_of: dt.date
    lang: str
    currency: str

    def variance(self, grouped: pd.DataFrame, *, by: str) -> Variance:
        """The variance tables of `grouped` (budget_by_group's frame for group `by`)."""
        names = {
            "department": self.data.department_names,
            "category": self.data.category_names,
            "project": self.data.project_names,
        }[by]
        return _variance(
            grouped,
            by=by,
            names=names,
            total=frame_totals(grouped),
            target=self.data.targets["budget_realisation"],
            words=Words(self.lang, self.currency),
        )


@dataclass(frozen=True)
class BudgetProject:
    """The drill-down of one project: its funding drift, KPIs, charts and variance tables."""

    code: str
    drift_rows: pd.DataFrame | None  # None when the project is funded by one department
    metrics: tuple[Metric, ...]
    charts: SeriesCharts
    variance: tuple[Variance, ...]  # by department, then by category
    note: str


def _names(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    return dict(zip(frame[key], frame[value], strict=True))


def _index(words: Words):
    return lambda value: words.number(value, decimals=2)


def _rounding_note(words: Words) -> str:
    return words.t("budget.rounding_note", currency=words.currency_name())


def _series_charts(series: pd.DataFrame, words: Words) -> SeriesCharts:
    return SeriesCharts(
        series=series,
        labels={"planned": words.t("budget.series.planned"), "actual": words.t("budget.series.actual")},
        monthly_title=words.t("budget.chart.monthly"),
        cumulative_title=words.t("budget.chart.cumulative"),
        x_title=words.t("budget.chart.month"),
        y_title=words.t("budget.chart.amount", currency=words.currency_symbol()),
        legend_title=words.t("budget.chart.series"),
    )


def _variance(
    frame: pd.DataFrame, *, by: str, names: Mapping[str, str], total: dict, target: Target, words: Words
) -> Variance:
    tables = variance_rows(
        variance_table(frame, by=by, target=target),
        by=by,
        names=dict(names),
        total=total,
        lang=words.lang,
        currency=words.currency,
        target=target,
    )
    return Variance(tables, by, variance_column_formats(by, words.lang, currency=words.currency))


def _data(engine: Engine, filters: Filters, lang: str) -> _Data:
    targets = load_targets(engine=engine, as_of=filters.as_of)
    tolerance = targets["funding_drift_pp"].green
    projects = load_project_progress(engine=engine, filters=filters)
    all_frame = load_budget_by_month(engine=engine, filters=filters, by=("project",), span="all")
    spend = load_budget_by_month(
        engine=engine, filters=filters, by=("project", "department"), span="all", department_filter="funders"
    )
    funding = load_funding_shares(engine=engine, filters=filters, as_of=filters.as_of)
    return _Data(
        targets=targets,
        department_names=_names(load_departments(engine=engine), "code", f"name_{lang}"),
        category_names=_names(load_categories(engine=engine), "code", f"name_{lang}"),
        project_names=_names(projects, "project", "name"),
        projects=projects,
        ev_table=earned_value_table(all_frame, projects, as_of=filters.as_of),
        drift=funding_drift(spend, funding, tolerance=tolerance),
        drift_total=portfolio_funding_drift(spend, funding, tolerance=tolerance),
    )


def budget_page(
    *, engine: Engine, filters: Filters, lang: str, currency: str = DEFAULT_CURRENCY
) -> BudgetPage:
    """The Budget page for `filters` (as-of month included) in `lang`, amounts in `currency`."""
    words = Words(lang, currency)
    data = _data(engine, filters, lang)
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
    index = _index(words)
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

    drift_target = targets["funding_drift_pp"]
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
    rounding = _rounding_note(words)
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
        portfolio_charts=_series_charts(cumulative_series(chart_frame, as_of=filters.as_of), words),
        chart_note=words.t("budget.chart.note", end=words.month(filters.year_end)),
        variance_note=words.t("budget.variance_note") + " " + rounding,
        ev_note=words.t(
            "budget.ev_note", tracked=tracked, total=project_count, as_of=words.month(filters.as_of)
        ),
        ev_rows=earned_value_rows(
            data.ev_table,
            names=data.project_names,
            lang=lang,
            currency=currency,
            cpi_target=targets["cpi"],
            spi_target=targets["spi"],
            portfolio=portfolio,
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
        drift_portfolio_rows=drift_rows(
            data.drift_total,
            department_names=data.department_names,
            project_names=None,
            lang=lang,
            currency=currency,
            target=drift_target,
        ),
        drift_project_rows=drift_rows(
            data.drift,
            department_names=data.department_names,
            project_names=data.project_names,
            lang=lang,
            currency=currency,
            target=drift_target,
        ),
        drift_formats=drift_column_formats(lang, currency=currency),
        drift_chart=drift_chart,
        drift_chart_more=words.t("budget.drift.chart_more", count=left_out)
        if drift_chart and left_out
        else None,
        drift_note=words.t("budget.drift.note", tolerance=words.number(tolerance, decimals=0)),
        project_codes=codes,
        project_labels={code: f"{code} · {data.project_names.get(code, '')}" for code in codes},
        data=data,
        as_of=filters.as_of,
        lang=lang,
        currency=currency,
    )


def budget_by_group(*, engine: Engine, filters: Filters, group: str) -> pd.DataFrame:
    """The period's planned and actual by `group` (department, category or project)."""
    return load_budget_by_month(engine=engine, filters=filters, by=(group,))


def project_budget(*, engine: Engine, filters: Filters, code: str) -> pd.DataFrame:
    """Project `code`'s planned and actual by month, department and category, every month."""
    return load_budget_by_month(
        engine=engine, filters=replace(filters, projects=(code,)), by=("department", "category"), span="all"
    )


def budget_project(page: BudgetPage, *, code: str, project_frame: pd.DataFrame) -> BudgetProject:
    """The Budget page's drill-down for project `code`; `project_frame` is project_budget's."""
    lang = page.lang
    currency = page.currency
    words = Words(lang, currency)
    data = page.data
    targets = data.targets
    realisation_target = targets["budget_realisation"]
    to_date = up_to(project_frame, page.as_of)
    figures = project_earned_value(data.ev_table, code)
    project_drift = for_project(data.drift, code)
    project_totals = frame_totals(to_date)
    to_date_realisation = realisation(**project_totals)
    index = _index(words)
    na = words.t("kpi.na")

    if figures is None or figures.pct_complete is None:
        complete = Metric(
            words.t("budget.col.pct_complete"),
            na,
            caption=words.t("budget.na.no_progress") if figures is not None else None,
        )
    else:
        complete = Metric(
            words.t("budget.col.pct_complete"),
            words.pct(figures.pct_complete / 100, decimals=1),
            caption=words.t(
                "budget.project_eac",
                eac=words.money_compact(figures.eac.value) if figures.eac.available else na,
                bac=words.money_compact(figures.bac),
            ),
        )
    metrics = [
        kpi_metric_text(
            words.t("budget.kpi.realisation_to_date"),
            to_date_realisation,
            lambda value: words.pct(value, decimals=1),
            lang,
            help_text=words.t("budget.help.realisation_to_date"),
            badge=rag_of(to_date_realisation, realisation_target),
            detail=words.t(
                "budget.detail",
                actual=words.money_compact(project_totals["actual"]),
                planned=words.money_compact(project_totals["planned"]),
            ),
            delta_color="inverse",
        ),
        complete,
    ]
    if figures is not None:
        for label, value, target in (
            ("CPI", figures.cpi, targets["cpi"]),
            ("SPI", figures.spi, targets["spi"]),
        ):
            metrics.append(
                kpi_metric_text(
                    label,
                    value,
                    index,
                    lang,
                    help_text=words.t(f"budget.help.{label.lower()}"),
                    badge=rag_of(value, target),
                    delta_color="inverse",
                )
            )
    names = {"department": data.department_names, "category": data.category_names}
    return BudgetProject(
        code=code,
        drift_rows=None
        if project_drift.empty
        else drift_rows(
            project_drift,
            department_names=data.department_names,
            project_names=None,
            lang=lang,
            currency=currency,
            target=targets["funding_drift_pp"],
        ),
        metrics=tuple(metrics),
        charts=_series_charts(cumulative_series(project_frame, as_of=page.as_of), words),
        variance=tuple(
            _variance(
                to_date,
                by=dimension,
                names=names[dimension],
                total=project_totals,
                target=realisation_target,
                words=words,
            )
            for dimension in ("department", "category")
        ),
        note=words.t("budget.project_note") + " " + _rounding_note(words),
    )
