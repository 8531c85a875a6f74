"""Projects: the portfolio table, funding split, team mix, ownership and the house rule, insight goals.

Layout only: the figures, tables and chart inputs come from services.projects_page.
"""

import streamlit as st

from access.roles import READ
from charts.projects import fte_chart, funding_split_chart, goal_timeline_chart, ownership_matrix_chart
from services.links import PROJECTS, PROJECTS_TABS
from services.projects_page import project_drill_down, project_fte, projects_page
from ui import projects_tables as columns
from ui.auth import current_user, require
from ui.charts import show_chart
from ui.components import rag_badge
from ui.data import cached
from ui.filters import apply_focus, current_filters
from ui.house_rule_form import house_rule_form, show_saved_flash
from ui.i18n import currency, lang, t
from ui.links import bound_tabs
from ui.metrics import kpi_metric
from ui.number_display import DECIMAL_1, PERCENT_1, PLAIN, WHOLE, localised
from ui.text import md, tm

require(READ)
filters = current_filters()

st.title(t("projects.title"))
page = cached(projects_page, filters=filters, lang=lang(), currency=currency())
st.caption(page.caption)
show_saved_flash()


def _chart(builder, chart):
    """A chart from its input, with the caption saying which projects it shows when limited."""
    if chart.limited:
        st.caption(chart.limited)
    show_chart(builder(chart.data, **chart.texts), width="stretch")


def _table_or(frame, empty_text, *, formats=None, **kwargs):
    """The table, or `empty_text` as good news when it has no rows."""
    if frame.empty:
        st.success(empty_text)
    else:
        st.dataframe(
            frame if formats is None else localised(frame, lang(), formats), hide_index=True, **kwargs
        )


tabs = bound_tabs(
    PROJECTS,
    {code: t(f"projects.tab.{code}") for code in PROJECTS_TABS},
    key="projects_tab",
    keep=("projects_search", "projects_joint_only", "projects_issues_only", "projects_detail"),
)

with tabs.panel:
    if tabs.open == "portfolio":
        for row in (page.metrics[:4], page.metrics[4:]):
            for column, metric in zip(st.columns(4, border=True), row, strict=True):
                with column:
                    kpi_metric(metric)
    if not page.project_labels:
        # No project in the filters: no tab has anything to show (nor a project to pick).
        st.info(t("projects.empty"))
        st.stop()
    match tabs.open:
        case "portfolio":
            # A row that wraps rather than cuts: in three fixed columns the switches' labels were
            # cut off with "…" at 1280 pixels.
            with st.container(horizontal=True, vertical_alignment="bottom", gap="medium"):
                search = st.text_input(t("projects.filter.search"), key="projects_search", width=280)
                joint_only = st.toggle(t("projects.filter.joint_only"), key="projects_joint_only")
                issues_only = st.toggle(t("projects.filter.issues_only"), key="projects_issues_only")
            shown = page.shown_table(search=search, joint_only=joint_only, issues_only=issues_only)
            st.dataframe(
                shown,
                hide_index=True,
                width="stretch",
                height=min(36 * (len(shown) + 1) + 3, 880),
                placeholder="–",
                key="projects_table",
                column_order=columns.PORTFOLIO_ORDER,
                column_config=columns.portfolio_columns(),
            )
            st.caption(t("projects.table.help"))
        case "project":
            codes = list(page.project_labels)
            apply_focus("projects_detail", codes)
            code = st.selectbox(
                t("projects.detail.pick"),
                options=codes,
                key="projects_detail",
                format_func=lambda c: page.project_labels.get(c, f"{c} · "),
            )
            detail = project_drill_down(page, code=code, fte=cached(project_fte, filters=filters, code=code))
            with st.container(border=True):
                st.subheader(tm("projects.detail.heading", code=code, name=detail.name))
                badge_col, text_col = st.columns([1, 5])
                with badge_col:
                    rag_badge(detail.rag)
                with text_col:
                    st.markdown(md(detail.rag_reason) if detail.rag_reason is not None else "")
                st.caption(detail.status_line)
                if detail.goal is not None:
                    st.markdown(md(detail.goal))
                # One below the other: side by side, the funding table's four columns did not
                # fit half a 1280-pixel screen (its last header was cut off).
                st.markdown(f"**{t('projects.detail.funding')}**")
                st.dataframe(
                    localised(
                        detail.funding,
                        lang(),
                        {"committed": WHOLE, "committed_share": PERCENT_1, "agreed": PERCENT_1},
                    ),
                    hide_index=True,
                    column_config=columns.funding_columns(),
                )
                st.markdown(f"**{t('projects.detail.team')}**")
                if detail.team.empty:
                    st.caption(t("projects.detail.no_team"))
                else:
                    st.dataframe(
                        localised(detail.team, lang(), {"fte": DECIMAL_1}),
                        hide_index=True,
                        column_config=columns.team_columns(),
                    )
                st.markdown(f"**{t('projects.detail.ownership')}**")
                if detail.ownership.empty:
                    st.caption(t("projects.detail.no_ownership"))
                else:
                    st.dataframe(detail.ownership, hide_index=True, column_config=columns.ownership_columns())
                st.markdown(f"**{t('projects.detail.goals')}**")
                if detail.goals.empty:
                    st.caption(t("projects.detail.no_goals"))
                else:
                    st.dataframe(
                        localised(detail.goals, lang(), {"target_value": PLAIN, "achieved_value": PLAIN}),
                        hide_index=True,
                        placeholder="–",
                        column_config=columns.goals_columns(),
                    )
                if detail.fte_chart is not None:
                    _chart(fte_chart, detail.fte_chart)
        case "funding":
            st.caption(t("projects.funding.definition"))
            _chart(funding_split_chart, page.funding_chart)
        case "teams":
            if page.fte_chart is not None:
                _chart(fte_chart, page.fte_chart)
            st.subheader(t("projects.teams.unmixed"))
            _table_or(
                page.unmixed,
                t("projects.teams.all_mixed"),
                formats={"fte": DECIMAL_1, "fte_balance": PERCENT_1},
                column_config=columns.unmixed_columns(),
                key="projects_unmixed",
            )
        case "ownership":
            if page.ownership_chart is not None:
                _chart(ownership_matrix_chart, page.ownership_chart)
            st.subheader(t("projects.ownership.issues"))
            _table_or(
                page.ownership_issues,
                t("projects.ownership.no_issues"),
                key="projects_ownership_issues",
                column_config=columns.ownership_issue_columns(),
            )
            st.subheader(t("projects.house_rule.title"))
            st.caption(t("projects.house_rule.caption"))
            house_rule_form(page, user=current_user())
        case "goals":
            _chart(goal_timeline_chart, page.goal_chart)
            st.subheader(t("projects.goals.late"))
            _table_or(
                page.late_goals,
                t("projects.goals.none_late"),
                key="projects_late_goals",
                column_config=(late_columns := columns.late_goal_columns()),
                column_order=list(late_columns),
            )

with st.expander(t("projects.exceptions")):
    st.dataframe(
        page.exceptions, hide_index=True, key="projects_exceptions", column_config=columns.exception_columns()
    )
