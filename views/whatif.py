"""What-if: scenario levers against the baseline, side by side; stored data never changes.

Layout only: the names and baseline come from services.whatif_page.whatif_page, the answer
to the levers from whatif_answer; the levers are drawn by ui/whatif_levers.py.
"""

import streamlit as st

from access.roles import READ
from charts.whatif import delta_chart, scenario_chart
from domain.scenario import needs_categories
from services.whatif_page import remaining_by_category, whatif_answer, whatif_page
from ui import whatif as state
from ui.auth import require
from ui.charts import show_chart
from ui.data import cached
from ui.filters import current_filters
from ui.i18n import currency, lang, t
from ui.text import md, tm
from ui.whatif_health import render_health_levels
from ui.whatif_layout import compact_columns, fitting, height, saved_panel
from ui.whatif_levers import lever_panel

user = require(READ)
filters = current_filters()
page = cached(whatif_page, filters=filters, lang=lang())
departments, dimensions = list(page.departments), list(page.dimensions)
state.sync_from_url(
    known={
        "projects": set(page.project_names),
        "departments": set(departments),
        "categories": set(page.category_names),
        "dimensions": set(dimensions),
    },
    departments=departments,
    dimensions=dimensions,
    default_shares=dict(page.default_shares),
)

st.title(t("whatif.title"))
st.caption(page.caption)
st.info(t("whatif.stored_data_unchanged"), icon=":material/shield:")

notice = st.session_state.pop(state.NOTICE, None)
if notice:
    kind, key, params = notice
    {"warning": st.warning, "error": st.error, "success": st.success}[kind](tm(key, **params))

levers_col, answer_col = st.columns([1, 2], gap="medium")
with levers_col, st.container(border=True):
    lever_panel(page)

scenario, split_invalid = state.levers_scenario(departments=departments, dimensions=dimensions)
state.write_url(scenario)

remaining = cached(remaining_by_category, filters=filters) if needs_categories(scenario) else None
baseline = page.baseline_for(scenario, remaining)
baseline_figures = state.baseline_figures(baseline, filters=filters, tolerance=page.tolerance)
answer = whatif_answer(
    page,
    baseline=baseline,
    scenario=scenario,
    baseline_figures=baseline_figures,
    lever_effects=state.lever_effects(
        baseline, scenario, baseline_figures=baseline_figures, filters=filters, tolerance=page.tolerance
    ),
    start=filters.period_start,
    lang=lang(),
    currency=currency(),
)

with answer_col:
    if split_invalid:
        st.error(t("whatif.lever.split_invalid"))
    st.subheader(t("whatif.comparison"))
    comparison = fitting(answer.comparison, answer.comparison_compact)
    st.dataframe(
        comparison,
        hide_index=True,
        key="whatif_comparison",
        height=height(comparison, most=20),
        column_config=compact_columns(comparison),
    )
    st.caption(t("whatif.comparison_note"))
    render_health_levels(
        filters,
        scenario=scenario,
        baseline=baseline,
        baseline_figures=baseline_figures,
        tolerance=page.tolerance,
    )

    st.subheader(t("whatif.changes"))
    if answer.changes:
        st.markdown("\n".join(f"- {md(text)}" for text in answer.changes))
    else:
        st.caption(t("whatif.no_changes"))

    if answer.effects is not None:
        st.subheader(t("whatif.effects"))
        effect_table = fitting(answer.effects, answer.effects_compact, width=82)
        st.dataframe(
            effect_table,
            hide_index=True,
            key="whatif_effects",
            height=height(effect_table),
            column_config=compact_columns(effect_table, first_width=200, width=82),
        )
        st.caption(t("whatif.effects_note"))

show_chart(
    scenario_chart(answer.plan_chart.data, **answer.plan_chart.texts), width="stretch", key="whatif_chart"
)
show_chart(
    delta_chart(answer.delta_chart.data, **answer.delta_chart.texts),
    width="stretch",
    key="whatif_delta_chart",
)

st.subheader(t("whatif.drift"))
if answer.drift.empty:
    st.caption(t("whatif.drift_none"))
else:
    st.dataframe(answer.drift, hide_index=True, key="whatif_drift", height=height(answer.drift))
st.caption(t("whatif.drift_note"))

st.subheader(t("whatif.goals"))
if answer.goals.empty:
    st.caption(t("whatif.goals_none"))
else:
    st.dataframe(answer.goals, hide_index=True, key="whatif_goals", height=height(answer.goals))

st.subheader(t("whatif.trust"))
st.dataframe(answer.trust, hide_index=True, key="whatif_trust")
st.caption(t("whatif.trust_note"))

st.subheader(t("whatif.saved"))
saved_panel(page, scenario, user)
