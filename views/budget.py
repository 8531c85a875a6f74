"""Budget: planned against actual, earned value, forecast to year end and funding drift.

Layout only: the figures, tables and chart inputs come from services.budget_page (the
project drill-down from services.budget_drilldown).
"""

import streamlit as st

from access.roles import READ
from charts.budget import cumulative_chart, drift_chart, monthly_chart
from services.budget_drilldown import budget_project, project_budget
from services.budget_page import GROUPS, budget_by_group, budget_page
from services.links import BUDGET, BUDGET_TABS
from ui.auth import require
from ui.charts import show_chart
from ui.data import cached
from ui.filters import apply_focus, current_filters
from ui.i18n import currency, lang, t
from ui.links import bound_tabs
from ui.metrics import kpi_metric

require(READ)
filters = current_filters()
page = cached(budget_page, filters=filters, lang=lang(), currency=currency())


def _number_columns(formats):
    return {name: st.column_config.NumberColumn(name, **kwargs) for name, kwargs in formats.items()}


def _variance(variance, *, key):
    """The variance rows (numbers, sortable) and, apart below them, their total."""
    config = _number_columns(variance.formats)
    st.dataframe(variance.tables.rows, hide_index=True, column_config=config, key=key)
    st.dataframe(variance.tables.total, hide_index=True, column_config=config, key=f"{key}_total")


def _drift_table(rows, *, key):
    st.dataframe(rows, hide_index=True, column_config=_number_columns(page.drift_formats), key=key)


def _metrics(metrics):
    for column, metric in zip(st.columns(4, border=True), metrics, strict=False):
        with column:
            kpi_metric(metric)


def _charts(charts, key_prefix):
    left, right = st.columns(2)
    with left:
        show_chart(
            monthly_chart(charts.series, title=charts.monthly_title, **charts.texts()),
            width="stretch",
            key=f"{key_prefix}_monthly",
        )
    with right:
        show_chart(
            cumulative_chart(charts.series, title=charts.cumulative_title, **charts.texts()),
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
st.caption(page.caption)

tabs = bound_tabs(
    BUDGET,
    {code: t(f"budget.tab.{code}") for code in BUDGET_TABS},
    key="budget_tab",
    keep=("budget_group_by", "budget_project"),
)

with tabs.panel:
    match tabs.open:
        case "realisation":
            _metrics(page.realisation_metrics)
            _metrics(page.earned_value_metrics)
            _charts(page.portfolio_charts, "budget_portfolio")
            st.caption(page.chart_note)
            group_labels = {name: t(f"budget.group.{name}") for name in GROUPS}
            group = st.radio(
                t("budget.group_by"),
                options=list(GROUPS),
                format_func=group_labels.__getitem__,
                horizontal=True,
                key="budget_group_by",
            )
            grouped = cached(budget_by_group, filters=filters, group=group)
            _variance(page.variance(grouped, by=group), key="budget_variance_table")
            st.caption(page.variance_note)
        case "earned_value":
            st.caption(page.ev_note)
            st.dataframe(page.ev_rows(), hide_index=True, key="budget_ev_table")
            st.caption(page.ev_thresholds)
        case "forecast":
            _metrics(page.forecast_metrics)
            st.caption(page.forecast_note)
        case "drift":
            st.subheader(t("budget.drift.portfolio"))
            _drift_table(page.drift_portfolio_rows(), key="budget_drift_portfolio")
            st.caption(t("budget.drift.portfolio_note"))
            st.subheader(t("budget.drift.projects"))
            _drift_table(page.drift_project_rows(), key="budget_drift_projects")
            if (chart := page.drift_chart) is not None:
                show_chart(
                    drift_chart(
                        chart.rows,
                        tolerance=chart.tolerance,
                        department_names=dict(chart.department_names),
                        title=chart.title,
                        x_title=chart.x_title,
                        y_title=chart.y_title,
                        legend_title=chart.legend_title,
                    ),
                    width="stretch",
                    key="budget_drift_chart",
                )
                if page.drift_chart_more:
                    st.caption(page.drift_chart_more)
            st.caption(page.drift_note)
        case "project":
            codes = list(page.project_codes)
            if not codes:
                st.info(t("kpi.na.no_projects"))
            else:
                apply_focus("budget_project", codes)
                code = st.selectbox(
                    t("budget.project_picker"),
                    options=codes,
                    format_func=lambda c: page.project_labels.get(c, c),
                    key="budget_project",
                )
                project_frame = cached(project_budget, filters=filters, code=code)
                project = budget_project(page, code=code, project_frame=project_frame)
                # The funding drift first: a drift exception lands here, and the table is short.
                if project.drift_rows is None:
                    st.caption(t("budget.drift.not_joint"))
                else:
                    st.subheader(t("budget.drift.project"))
                    _drift_table(project.drift_rows, key="budget_project_drift")
                _metrics(project.metrics)
                _charts(project.charts, "budget_project")
                for variance in project.variance:
                    with st.container():
                        _variance(variance, key=f"budget_project_{variance.by}")
                st.caption(project.note)
        case "glossary":
            st.markdown(t("budget.glossary"))
