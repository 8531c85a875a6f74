"""Budget: planned against actual, earned value, forecast to year end and funding drift."""

from dataclasses import replace

import streamlit as st

from access.roles import READ
from charts.budget import cumulative_chart, drift_chart, largest_drifts, monthly_chart
from data_access.budget import load_budget_by_month, load_funding_shares, load_project_progress
from data_access.reference import load_categories, load_departments
from data_access.targets import load_targets
from i18n import names_by_code
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
from services.links import BUDGET, BUDGET_TABS
from ui.auth import require
from ui.budget_tables import (
    VarianceTables,
    drift_column_formats,
    drift_rows,
    earned_value_rows,
    signed_money,
    variance_column_formats,
    variance_rows,
)
from ui.charts import show_chart
from ui.components import rag_badge
from ui.data import cached
from ui.filters import apply_focus, current_filters
from ui.i18n import (
    currency,
    currency_name,
    currency_symbol,
    eur,
    eur_compact,
    fiscal_year,
    lang,
    month,
    number,
    pct,
    signed,
    t,
)
from ui.links import bound_tabs

require(READ)
filters = current_filters()
targets = cached(load_targets, as_of=filters.as_of)
tolerance = targets["funding_drift_pp"].green

departments = cached(load_departments)
department_names = names_by_code(departments, lang())
categories = cached(load_categories)
category_names = names_by_code(categories, lang())
projects = cached(load_project_progress, filters=filters)
project_names = dict(zip(projects["project"], projects["name"], strict=True))

period_frame = cached(load_budget_by_month, filters=filters)
year_frame = cached(load_budget_by_month, filters=filters, by=("project",), span="year")
all_frame = cached(load_budget_by_month, filters=filters, by=("project",), span="all")
chart_frame = cached(load_budget_by_month, filters=filters, span="period_to_year_end")
spend = cached(
    load_budget_by_month,
    filters=filters,
    by=("project", "department"),
    span="all",
    department_filter="funders",
)
funding = cached(load_funding_shares, filters=filters, as_of=filters.as_of)

totals = frame_totals(period_frame)
fiscal = filters.fiscal_year_start_month
summary = year_summary(year_frame, as_of=filters.as_of, fiscal_year_start_month=fiscal)
ev_table = earned_value_table(all_frame, projects, as_of=filters.as_of)
portfolio = portfolio_earned_value(ev_table)
tracked, project_count = count_tracked(ev_table)
forecast = forecast_year_end(year_frame, ev_table, as_of=filters.as_of, fiscal_year_start_month=fiscal)
drift = funding_drift(spend, funding, tolerance=tolerance)
drift_total = portfolio_funding_drift(spend, funding, tolerance=tolerance)
largest_drift = max_funding_drift(drift)
drifting, measured = count_drifting(drift)

SERIES = {"planned": t("budget.series.planned"), "actual": t("budget.series.actual")}
ROUNDING_NOTE = t("budget.rounding_note", currency=currency_name())


def _show(label, kpi, formatter, *, help_text, delta=None, badge=None, detail=None, delta_color="inverse"):
    st.metric(
        label,
        formatter(kpi.value) if kpi.available else t("kpi.na"),
        delta=delta if kpi.available else None,
        delta_color=delta_color,
        help=help_text,
    )
    if badge is not None:
        rag_badge(badge)
    if not kpi.available:
        st.caption(t(kpi.reason))
    elif detail:
        st.caption(detail)


def _variance(tables: VarianceTables, *, by: str, key: str) -> None:
    """The variance rows (numbers, sortable) and, apart below them, their total."""
    config = {
        name: st.column_config.NumberColumn(name, **kwargs)
        for name, kwargs in variance_column_formats(by, lang(), currency=currency()).items()
    }
    st.dataframe(tables.rows, hide_index=True, column_config=config, key=key)
    st.dataframe(tables.total, hide_index=True, column_config=config, key=f"{key}_total")


def _drift_config() -> dict:
    return {
        name: st.column_config.NumberColumn(name, **kwargs)
        for name, kwargs in drift_column_formats(lang(), currency=currency()).items()
    }


def _index(value):
    return number(value, decimals=2)


def _charts(series, key_prefix):
    left, right = st.columns(2)
    chart_texts = {
        "labels": SERIES,
        "x_title": t("budget.chart.month"),
        "y_title": t("budget.chart.amount", currency=currency_symbol()),
        "legend_title": t("budget.chart.series"),
    }
    with left:
        show_chart(
            monthly_chart(series, title=t("budget.chart.monthly"), **chart_texts),
            width="stretch",
            key=f"{key_prefix}_monthly",
        )
    with right:
        show_chart(
            cumulative_chart(series, title=t("budget.chart.cumulative"), **chart_texts),
            width="stretch",
            key=f"{key_prefix}_cumulative",
        )


st.title(t("budget.title"))
# An amount in a long currency symbol (`CHF 22,3 mln`) must fit a quarter-width tile on a
# 1280-px projector: the values scale with the tile's width, up to Streamlit's own size.
st.html(
    """<style>
[data-testid="stMetric"] { container-type: inline-size; }
[data-testid="stMetricValue"] { font-size: min(2.25rem, 16cqi); }
</style>"""
)
st.caption(
    t(
        "budget.caption",
        as_of=month(filters.as_of),
        start=month(filters.period_start, short=True),
        currency=currency_name(),
    )
)

tabs = bound_tabs(BUDGET, {code: t(f"budget.tab.{code}") for code in BUDGET_TABS}, key="budget_tab")

with tabs["realisation"]:
    period_realisation = realisation(**totals)
    cols = st.columns(4, border=True)
    with cols[0]:
        _show(
            t("kpi.budget_realisation"),
            period_realisation,
            lambda v: pct(v, decimals=1),
            help_text=t("kpi.budget_realisation.help"),
            delta=t(
                "budget.variance_delta",
                amount=signed_money(variance(**totals), lang(), compact=True, currency=currency()),
            ),
            badge=rag_of(period_realisation, targets["budget_realisation"]),
            detail=t(
                "budget.detail", actual=eur_compact(totals["actual"]), planned=eur_compact(totals["planned"])
            ),
        )
    with cols[1]:
        _show(
            t("budget.kpi.variance_pct"),
            variance_pct(**totals),
            lambda v: signed(v * 100, suffix="%"),
            help_text=t("budget.help.variance_pct"),
            detail=t("budget.variance_eur", amount=eur(variance(**totals))),
        )
    with cols[2]:
        _show(
            t("budget.kpi.ytd"),
            summary.realisation_ytd,
            lambda v: pct(v, decimals=1),
            help_text=t("budget.help.ytd", start=month(filters.year_start)),
            badge=rag_of(summary.realisation_ytd, targets["budget_realisation"]),
            detail=t(
                "budget.detail",
                actual=eur_compact(summary.actual_ytd),
                planned=eur_compact(summary.planned_ytd),
            ),
        )
    with cols[3]:
        st.metric(
            t("budget.kpi.full_year_plan"),
            eur_compact(summary.planned_full_year),
            help=t(
                "budget.help.full_year_plan",
                year=fiscal_year(filters),
                start=month(filters.year_start),
                end=month(filters.year_end),
            ),
        )
        st.caption(
            t(
                "budget.full_year_detail",
                forecast=eur_compact(forecast.run_rate.value) if forecast.run_rate.available else t("kpi.na"),
                eac=eur_compact(forecast.eac_based),
            )
        )

    cols = st.columns(4, border=True)
    with cols[0]:
        _show(
            "CPI",
            portfolio.cpi,
            _index,
            help_text=t("budget.help.cpi"),
            badge=rag_of(portfolio.cpi, targets["cpi"]),
            detail=t("budget.tracked", tracked=tracked, total=project_count),
        )
    with cols[1]:
        _show(
            "SPI",
            portfolio.spi,
            _index,
            help_text=t("budget.help.spi"),
            badge=rag_of(portfolio.spi, targets["spi"]),
            detail=t("budget.tracked", tracked=tracked, total=project_count),
        )
    with cols[2]:
        _show(
            "EAC",
            portfolio.eac,
            eur_compact,
            help_text=t("budget.help.eac"),
            detail=t(
                "budget.bac_detail",
                bac=eur_compact(portfolio.bac),
                vac=eur_compact(portfolio.vac.value) if portfolio.vac.available else t("kpi.na"),
            ),
        )
    with cols[3]:
        _show(
            t("budget.kpi.max_drift"),
            largest_drift,
            lambda v: number(v, decimals=1) + " " + t("budget.unit.pp"),
            help_text=t("budget.help.max_drift", tolerance=number(tolerance, decimals=0)),
            badge=rag_of(largest_drift, targets["funding_drift_pp"]),
            detail=t("budget.drifting", flagged=drifting, measured=measured),
        )
    _charts(cumulative_series(chart_frame, as_of=filters.as_of), "budget_portfolio")
    st.caption(t("budget.chart.note", end=month(filters.year_end)))
    group = st.radio(
        t("budget.group_by"),
        options=["department", "category", "project"],
        format_func=lambda name: t(f"budget.group.{name}"),
        horizontal=True,
        key="budget_group_by",
    )
    grouped = cached(load_budget_by_month, filters=filters, by=(group,))
    names = {"department": department_names, "category": category_names, "project": project_names}[group]
    _variance(
        variance_rows(
            variance_table(grouped, by=group, target=targets["budget_realisation"]),
            by=group,
            names=names,
            total=frame_totals(grouped),
            lang=lang(),
            currency=currency(),
            target=targets["budget_realisation"],
        ),
        by=group,
        key="budget_variance_table",
    )
    st.caption(t("budget.variance_note") + " " + ROUNDING_NOTE)

with tabs["earned_value"]:
    st.caption(t("budget.ev_note", tracked=tracked, total=project_count, as_of=month(filters.as_of)))
    st.dataframe(
        earned_value_rows(
            ev_table,
            names=project_names,
            lang=lang(),
            currency=currency(),
            cpi_target=targets["cpi"],
            spi_target=targets["spi"],
            portfolio=portfolio,
        ),
        hide_index=True,
        key="budget_ev_table",
    )
    st.caption(
        t(
            "budget.ev_thresholds",
            cpi_green=_index(targets["cpi"].green),
            cpi_amber=_index(targets["cpi"].amber),
            spi_green=_index(targets["spi"].green),
            spi_amber=_index(targets["spi"].amber),
        )
        + " "
        + ROUNDING_NOTE
    )

with tabs["forecast"]:
    cols = st.columns(4, border=True)
    with cols[0]:
        st.metric(
            t("budget.kpi.full_year_plan"),
            eur_compact(forecast.planned_full_year),
            help=eur(forecast.planned_full_year),
        )
    with cols[1]:
        st.metric(t("budget.kpi.actual_ytd"), eur_compact(forecast.actual_ytd), help=eur(forecast.actual_ytd))
    with cols[2]:
        _show(
            t("budget.kpi.run_rate"),
            forecast.run_rate,
            eur_compact,
            help_text=t("budget.help.run_rate"),
            delta=t(
                "budget.against_plan",
                amount=signed_money(forecast.run_rate_variance.value, lang(), currency=currency()),
            )
            if forecast.run_rate_variance.available
            else None,
        )
    with cols[3]:
        st.metric(
            t("budget.kpi.eac_forecast"),
            eur_compact(forecast.eac_based),
            delta=t(
                "budget.against_plan", amount=signed_money(forecast.eac_variance, lang(), currency=currency())
            ),
            delta_color="inverse",
            help=t("budget.help.eac_forecast") + " (" + eur(forecast.eac_based) + ")",
        )
    st.caption(t("budget.forecast_note", end=month(filters.year_end), months=summary.months_remaining))

with tabs["drift"]:
    st.subheader(t("budget.drift.portfolio"))
    st.dataframe(
        drift_rows(
            drift_total,
            department_names=department_names,
            project_names=None,
            lang=lang(),
            currency=currency(),
            target=targets["funding_drift_pp"],
        ),
        hide_index=True,
        column_config=_drift_config(),
        key="budget_drift_portfolio",
    )
    st.caption(t("budget.drift.portfolio_note"))
    st.subheader(t("budget.drift.projects"))
    st.dataframe(
        drift_rows(
            drift,
            department_names=department_names,
            project_names=project_names,
            lang=lang(),
            currency=currency(),
            target=targets["funding_drift_pp"],
        ),
        hide_index=True,
        column_config=_drift_config(),
        key="budget_drift_projects",
    )
    chart_rows, left_out = largest_drifts(drift)
    if not chart_rows.empty:
        show_chart(
            drift_chart(
                chart_rows,
                tolerance=tolerance,
                department_names=department_names,
                title=t("budget.chart.drift"),
                x_title=t("budget.col.drift"),
                y_title=t("budget.group.project"),
                legend_title=t("budget.group.department"),
            ),
            width="stretch",
            key="budget_drift_chart",
        )
        if left_out:
            st.caption(t("budget.drift.chart_more", count=left_out))
    st.caption(t("budget.drift.note", tolerance=number(tolerance, decimals=0)))

with tabs["project"]:
    codes = list(projects["project"])
    if not codes:
        st.info(t("kpi.na.no_projects"))
    else:
        apply_focus("budget_project", codes)
        code = st.selectbox(
            t("budget.project_picker"),
            options=codes,
            format_func=lambda c: f"{c} · {project_names.get(c, '')}",
            key="budget_project",
        )
        one = replace(filters, projects=(code,))
        project_frame = cached(load_budget_by_month, filters=one, by=("department", "category"), span="all")
        to_date = up_to(project_frame, filters.as_of)
        figures = project_earned_value(ev_table, code)
        # The funding drift first: a drift exception lands here, and the table is short.
        project_drift = for_project(drift, code)
        if project_drift.empty:
            st.caption(t("budget.drift.not_joint"))
        else:
            st.subheader(t("budget.drift.project"))
            st.dataframe(
                drift_rows(
                    project_drift,
                    department_names=department_names,
                    project_names=None,
                    lang=lang(),
                    currency=currency(),
                    target=targets["funding_drift_pp"],
                ),
                hide_index=True,
                column_config=_drift_config(),
                key="budget_project_drift",
            )
        project_totals = frame_totals(to_date)
        cols = st.columns(4, border=True)
        with cols[0]:
            _show(
                t("budget.kpi.realisation_to_date"),
                realisation(**project_totals),
                lambda v: pct(v, decimals=1),
                help_text=t("budget.help.realisation_to_date"),
                badge=rag_of(realisation(**project_totals), targets["budget_realisation"]),
                detail=t(
                    "budget.detail",
                    actual=eur_compact(project_totals["actual"]),
                    planned=eur_compact(project_totals["planned"]),
                ),
            )
        with cols[1]:
            st.metric(
                t("budget.col.pct_complete"),
                t("kpi.na")
                if figures is None or figures.pct_complete is None
                else pct(figures.pct_complete / 100, decimals=1),
            )
            if figures is not None and figures.pct_complete is None:
                st.caption(t("budget.na.no_progress"))
            elif figures is not None:
                st.caption(
                    t(
                        "budget.project_eac",
                        eac=eur_compact(figures.eac.value) if figures.eac.available else t("kpi.na"),
                        bac=eur_compact(figures.bac),
                    )
                )
        if figures is not None:
            with cols[2]:
                _show(
                    "CPI",
                    figures.cpi,
                    _index,
                    help_text=t("budget.help.cpi"),
                    badge=rag_of(figures.cpi, targets["cpi"]),
                )
            with cols[3]:
                _show(
                    "SPI",
                    figures.spi,
                    _index,
                    help_text=t("budget.help.spi"),
                    badge=rag_of(figures.spi, targets["spi"]),
                )
        _charts(cumulative_series(project_frame, as_of=filters.as_of), "budget_project")
        for dimension, names in (("department", department_names), ("category", category_names)):
            with st.container():
                _variance(
                    variance_rows(
                        variance_table(to_date, by=dimension, target=targets["budget_realisation"]),
                        by=dimension,
                        names=names,
                        total=project_totals,
                        lang=lang(),
                        currency=currency(),
                        target=targets["budget_realisation"],
                    ),
                    by=dimension,
                    key=f"budget_project_{dimension}",
                )
        st.caption(t("budget.project_note") + " " + ROUNDING_NOTE)
with tabs["glossary"]:
    st.markdown(t("budget.glossary"))
