"""The meeting pack's charts: the builders of charts/ (the screen's own) at print size, each
with its slide title, alternative text and speaker notes (the definitions of its KPIs).

Pure: frames and translated texts in, `PackChart`s out (rendered to PNG later, once).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd
from sqlalchemy import Engine

from charts.budget import drift_chart, forecast_chart, largest_drifts
from charts.projects import goal_timeline_chart, ownership_matrix_chart
from charts.trust import mirror_chart
from data_access.projects import load_ownership
from domain.confidentiality import shown_rows
from domain.filters import Filters
from domain.months import fiscal_year_days
from i18n import translate
from i18n.format import (
    DEFAULT_CURRENCY,
    currency_symbol,
    format_fiscal_year,
    format_money_compact,
    format_number,
    format_signed,
)
from kpis.budget import cumulative_series
from kpis.goals import GOAL_STATUSES
from kpis.ownership import OWNERSHIP_STATUSES, ownership_status
from kpis.perception import perception_gaps
from kpis.projects import ChartSelection, goal_chart_projects, labels_of_projects, ownership_chart_projects
from kpis.survey_stats import OVERALL
from reports.content import PackChart
from services.single_view_model import SingleView

DRIFT_CHART_ROWS = 24  # bars of the funding-drift chart on a slide
PRINT_WIDTH = 860  # chart width in pixels before vl-convert's scale


def _print_size(chart, *, width: int = PRINT_WIDTH, height: int | None = None):  # type: ignore[no-untyped-def]
    """The chart at a fixed width for the page, with readable fonts; titles and legends are
    kept inside the picture (autosize pads around them). Set in place on one copy: every
    altair `.properties()`/`.configure_*()` call deep-copies the chart and its data."""
    chart = chart.copy(deep=True)
    inner = chart.spec if isinstance(chart, alt.FacetChart) else chart
    inner.width = width
    if height:
        inner.height = height
    chart.background = "white"
    chart.padding = 12
    chart.config = alt.Config(
        axis=alt.AxisConfig(labelFontSize=13, titleFontSize=14, labelLimit=280),
        legend=alt.LegendConfig(labelFontSize=13, titleFontSize=13, labelLimit=320),
        title=alt.TitleConfig(fontSize=16, anchor="start"),
        header=alt.HeaderConfig(labelFontSize=13, titleFontSize=14),
        view=alt.ViewConfig(stroke=None),
    )
    return chart


def _notes(codes: Sequence[str], lang: str) -> str:
    """Speaker notes: the definition and formula of each KPI in `codes`."""
    return "\n".join(
        translate(f"catalogue.{code}.name", lang)
        + ": "
        + translate(f"catalogue.{code}.definition", lang)
        + " "
        + translate(f"catalogue.{code}.formula", lang)
        for code in codes
    )


def budget_chart(
    year_frame: pd.DataFrame,
    forecast_end: float,
    *,
    filters: Filters,
    lang: str,
    currency: str = DEFAULT_CURRENCY,
) -> PackChart:
    def tr(key: str, **params: object) -> str:
        return translate(key, lang, **params)

    labels = {
        "planned": tr("budget.series.planned"),
        "actual": tr("budget.series.actual"),
        "forecast": tr("reports.chart.forecast"),
    }
    series = cumulative_series(year_frame, as_of=filters.as_of)
    year = format_fiscal_year(filters.year_start.year, lang, start_month=filters.fiscal_year_start_month)
    chart = forecast_chart(
        series,
        forecast_end=forecast_end,
        year_end=pd.Timestamp(filters.year_end),
        labels=labels,
        title=tr("reports.chart.budget_year_title", year=year),
        x_title=tr("budget.chart.month"),
        y_title=tr("reports.chart.cumulative_amount", currency=currency_symbol(currency, lang)),
        legend_title=tr("budget.chart.series"),
    )
    return PackChart(
        title=tr("reports.chart.budget_forecast", year=year),
        chart=_print_size(chart, height=380),
        alt_text=tr(
            "reports.alt.budget",
            year=year,
            forecast=format_money_compact(forecast_end, lang, currency=currency),
        ),
        notes=_notes(["budget_realisation", "cpi"], lang) + "\n" + tr("budget.help.eac_forecast"),
    )


def funding_drift_chart(
    drift: pd.DataFrame,
    *,
    tolerance: float,
    department_names: dict[str, str],
    project_names: Mapping[str, str],
    lang: str,
) -> PackChart | None:
    rows, more = largest_drifts(drift, max_rows=DRIFT_CHART_ROWS)
    if rows.empty:
        return None
    shown = rows["project"].unique()
    rows = rows.assign(project=[f"{code} {project_names.get(code, '')}".strip() for code in rows["project"]])
    chart = drift_chart(
        rows,
        tolerance=tolerance,
        department_names=department_names,
        title=translate("budget.chart.drift", lang),
        x_title=translate("budget.col.drift", lang),
        y_title=translate("budget.group.project", lang),
        legend_title=translate("budget.group.department", lang),
    )
    note = translate("budget.drift.note", lang, tolerance=format_number(tolerance, lang))
    if more:
        note += " " + translate("reports.chart.drift_more", lang, count=more)
    return PackChart(
        title=translate("reports.chart.drift", lang),
        chart=_print_size(chart),
        note=note,
        alt_text=translate(
            "reports.alt.drift", lang, count=len(shown), tolerance=format_number(tolerance, lang)
        ),
        notes=_notes(["funding_balance"], lang),
    )


def trust_mirror_chart(view: SingleView, *, lang: str, department_names: dict[str, str]) -> PackChart | None:
    """How each department rates the others and itself, latest wave, overall (suppressed cells
    absent), with the perception gap of that wave in the note."""
    if view.mirror is None or view.mirror.empty:
        return None
    latest = view.mirror[
        (view.mirror["wave_id"] == view.mirror["wave_id"].max()) & (view.mirror["dimension"] == OVERALL)
    ]
    shown = shown_rows(latest)
    if shown.empty:
        return None
    texts = {
        name: translate(f"trust.col.{name}", lang)
        for name in ("index", "ci_low", "ci_high", "respondents", "rater", "rated")
    }
    labels = {code: department_names.get(code, code) for code in set(latest["rater"]) | set(latest["rated"])}
    wave = str(latest["wave_code"].iloc[0]) if "wave_code" in latest else ""
    gaps = perception_gaps(latest)
    mutual = gaps[(gaps["kind"] == "mutual") & gaps["shown"]] if not gaps.empty else gaps
    gap_lines = [
        translate(
            "reports.chart.gap_line",
            lang,
            a=labels.get(row.department_a, row.department_a),
            b=labels.get(row.department_b, row.department_b),
            index_a=format_number(row.index_a, lang, decimals=1),
            index_b=format_number(row.index_b, lang, decimals=1),
            gap=format_signed(row.gap, lang, decimals=1),
        )
        for row in mutual.itertuples()
        if pd.notna(row.gap)
    ]
    return PackChart(
        title=translate("reports.chart.mirror", lang, wave=wave),
        chart=_print_size(mirror_chart(latest, department_labels=labels, texts=texts), width=560, height=300),
        note=" ".join(gap_lines) or None,
        alt_text=translate("reports.alt.mirror", lang, wave=wave)
        + (" " + " ".join(gap_lines) if gap_lines else ""),
        notes=_notes(["trust_index", "perception_gap"], lang),
    )


def _limited_note(selection: ChartSelection, key: str, lang: str) -> str | None:
    """Says which projects a per-project chart shows when it cannot show them all (as the
    Projects page's caption does); None when it shows every project."""
    if not selection.limited:
        return None
    return translate(key, lang, shown=len(selection.shown), total=selection.total)


def goals_chart(
    view: SingleView, *, filters: Filters, lang: str, project_names: Mapping[str, str] | None = None
) -> PackChart | None:
    """The insight goals due in the as-of year on a timeline (target, achieved, slippage)."""
    if view.timeline is None or view.timeline.empty:
        return None
    first, last = fiscal_year_days(filters.as_of, filters.fiscal_year_start_month)
    targets = pd.to_datetime(view.timeline["target_date"])
    this_year = view.timeline[(targets >= pd.Timestamp(first)) & (targets <= pd.Timestamp(last))]
    year = format_fiscal_year(filters.year_start.year, lang, start_month=filters.fiscal_year_start_month)
    if this_year.empty:
        return None
    selection = goal_chart_projects(this_year)  # the most slipped first, as on the Projects page
    chart = goal_timeline_chart(
        this_year[this_year["project"].isin(selection.shown)],
        as_of_end=filters.as_of_end,
        status_names={s: translate(f"projects.goal.{s}", lang) for s in GOAL_STATUSES},
        title=translate("projects.chart.goals", lang),
        goal_title=translate("projects.col.goal", lang),
        date_title=translate("projects.col.date", lang),
        target_title=translate("projects.col.next_goal_date", lang),
        achieved_title=translate("projects.col.achieved_date", lang),
        status_title=translate("projects.col.status", lang),
        slippage_title=translate("projects.col.slippage", lang),
        as_of_title=translate("projects.col.as_of", lang),
        project_labels=None if project_names is None else labels_of_projects(project_names),
        project_title=translate("projects.col.name", lang),
    )
    late = int((this_year["status"] != "reached_on_time").sum()) if "status" in this_year else 0
    return PackChart(
        title=translate("reports.chart.goals", lang, year=year),
        chart=_print_size(chart),
        note=_limited_note(selection, "reports.chart.goals_more", lang),
        alt_text=translate("reports.alt.goals", lang, count=len(this_year), year=year, late=late),
        notes=_notes(["goals_on_time"], lang),
    )


def ownership_chart(
    engine: Engine,
    *,
    filters: Filters,
    lang: str,
    area_names: dict[str, str],
    department_names: dict[str, str],
) -> PackChart | None:
    status = ownership_status(load_ownership(engine=engine, filters=filters, as_of=filters.as_of))
    if status.empty:
        return None
    selection = ownership_chart_projects(status)  # the most problems first, as on the Projects page
    chart = ownership_matrix_chart(
        status[status["project"].isin(selection.shown)],
        area_names=area_names,
        status_names={s: translate(f"projects.own.{s}", lang) for s in OWNERSHIP_STATUSES},
        title=translate("projects.chart.ownership", lang),
        project_title=translate("projects.col.code", lang),
        area_title=translate("projects.col.area", lang),
        owner_title=translate("projects.col.owners", lang),
        expected_title=translate("projects.col.expected", lang),
        status_title=translate("projects.col.issue", lang),
        none_label=translate("projects.own.none", lang),
        several_label=translate("projects.own.several", lang),
        department_names=department_names,
    )
    issues = int((status["status"] != "ok").sum())
    return PackChart(
        title=translate("reports.chart.ownership", lang),
        chart=_print_size(chart),
        note=_limited_note(selection, "reports.chart.ownership_more", lang),
        alt_text=translate(
            "reports.alt.ownership", lang, projects=status["project"].nunique(), issues=issues
        ),
        notes=_notes(["ownership_clarity"], lang),
    )
