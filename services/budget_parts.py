"""What the Budget page (services.budget_page) and its project drill-down
(services.budget_drilldown) share: the figures both compute from the filters (`BudgetData`),
the inputs of the planned-against-actual charts and the variance tables with their formats.
No Streamlit here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from data_access.budget import load_budget_by_month, load_funding_shares, load_project_progress
from data_access.reference import load_categories, load_departments
from data_access.targets import load_targets
from domain.filters import Filters
from domain.targets import Target
from kpis.budget import earned_value_table, variance_table
from kpis.funding import funding_drift, portfolio_funding_drift
from presentation.budget import VarianceTables, variance_column_formats, variance_rows
from presentation.words import Words


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
class Variance:
    """A variance table pair (rows, total apart) with its column display formats."""

    tables: VarianceTables
    by: str
    formats: Mapping[str, Mapping[str, object]]


@dataclass(frozen=True)
class BudgetData:
    """What both the page and its drill-down compute from the filters."""

    targets: Mapping[str, Target]
    department_names: dict[str, str]
    category_names: dict[str, str]
    project_names: dict[str, str]
    projects: pd.DataFrame
    ev_table: pd.DataFrame
    drift: pd.DataFrame
    drift_total: pd.DataFrame


def _names(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    return dict(zip(frame[key], frame[value], strict=True))


def index_text(words: Words):
    return lambda value: words.number(value, decimals=2)


def rounding_note(words: Words) -> str:
    return words.t("budget.rounding_note", currency=words.currency_name())


def series_charts(series: pd.DataFrame, words: Words) -> SeriesCharts:
    return SeriesCharts(
        series=series,
        labels={"planned": words.t("budget.series.planned"), "actual": words.t("budget.series.actual")},
        monthly_title=words.t("budget.chart.monthly"),
        cumulative_title=words.t("budget.chart.cumulative"),
        x_title=words.t("budget.chart.month"),
        y_title=words.t("budget.chart.amount", currency=words.currency_symbol()),
        legend_title=words.t("budget.chart.series"),
    )


def variance_tables(
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


def budget_data(engine: Engine, filters: Filters, lang: str) -> BudgetData:
    targets = load_targets(engine=engine, as_of=filters.as_of)
    tolerance = targets["funding_drift_pp"].green
    projects = load_project_progress(engine=engine, filters=filters)
    all_frame = load_budget_by_month(engine=engine, filters=filters, by=("project",), span="all")
    spend = load_budget_by_month(
        engine=engine, filters=filters, by=("project", "department"), span="all", department_filter="funders"
    )
    funding = load_funding_shares(engine=engine, filters=filters, as_of=filters.as_of)
    return BudgetData(
        targets=targets,
        department_names=_names(load_departments(engine=engine), "code", f"name_{lang}"),
        category_names=_names(load_categories(engine=engine), "code", f"name_{lang}"),
        project_names=_names(projects, "project", "name"),
        projects=projects,
        ev_table=earned_value_table(all_frame, projects, as_of=filters.as_of),
        drift=funding_drift(spend, funding, tolerance=tolerance),
        drift_total=portfolio_funding_drift(spend, funding, tolerance=tolerance),
    )
