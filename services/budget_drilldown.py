"""The Budget page's drill-down of one project: its funding drift, KPIs, charts and variance
tables. It follows the project picker: `project_budget` loads the project's one more aggregate,
then `budget_project` (pure) builds the drill-down from it and the page model
(services.budget_page.BudgetPage). No Streamlit here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import Engine

from data_access.budget import load_budget_by_month
from domain.filters import Filters
from kpis.budget import (
    cumulative_series,
    for_project,
    frame_totals,
    project_earned_value,
    rag_of,
    realisation,
    up_to,
)
from presentation.budget import drift_rows
from presentation.metrics import Metric, kpi_metric_text
from presentation.words import Words
from services.budget_page import BudgetPage
from services.budget_parts import (
    SeriesCharts,
    Variance,
    index_text,
    rounding_note,
    series_charts,
    variance_tables,
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
    index = index_text(words)
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
        charts=series_charts(cumulative_series(project_frame, as_of=page.as_of), words),
        variance=tuple(
            variance_tables(
                to_date,
                by=dimension,
                names=names[dimension],
                total=project_totals,
                target=realisation_target,
                words=words,
            )
            for dimension in ("department", "category")
        ),
        note=words.t("budget.project_note") + " " + rounding_note(words),
    )
