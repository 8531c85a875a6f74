"""Overview: the headline KPIs for the chosen month close and filters."""

import streamlit as st

from data_access.budget import load_budget_totals
from data_access.projects import load_funding_by_project, load_insight_goals
from data_access.survey import load_trust_groups, load_waves
from kpis.budget import realisation, variance
from kpis.portfolio import count_goals, count_joint_projects, goals_on_time, joint_share
from kpis.trust import latest_wave_trust
from ui.data import cached
from ui.filters import current_filters
from ui.i18n import eur_compact, month, number, pct, signed, t

filters = current_filters()

st.title(t("overview.title"))
st.caption(t("overview.caption", as_of=month(filters.as_of), start=month(filters.period_start, short=True)))

totals = cached(load_budget_totals, filters=filters)
budget = realisation(actual=totals["actual"], planned=totals["planned"])
funding = cached(load_funding_by_project, filters=filters)
joint = joint_share(funding)
goals = cached(load_insight_goals, filters=filters)
on_time = goals_on_time(goals, as_of_end=filters.as_of_end)
waves = cached(load_waves, filters=filters)
# Only the latest wave and the one before it are shown: sum just those two in the database.
groups = cached(load_trust_groups, filters=filters, wave_ids=[int(i) for i in waves["id"].tail(2)])
trust = latest_wave_trust(waves, groups)


def _value(kpi, formatter):
    return formatter(kpi.value) if kpi.available else t("kpi.na")


budget_col, joint_col, trust_col, goals_col = st.columns(4, border=True)
with budget_col:
    overrun = variance(actual=totals["actual"], planned=totals["planned"])
    st.metric(
        t("kpi.budget_realisation"),
        _value(budget, lambda v: pct(v, decimals=1)),
        delta=t("overview.variance", amount=eur_compact(overrun)) if budget.available else None,
        delta_color="inverse",
        help=t("kpi.budget_realisation.help"),
    )
    st.caption(
        t(
            "overview.budget_detail",
            actual=eur_compact(totals["actual"]),
            planned=eur_compact(totals["planned"]),
        )
    )
    if not budget.available:
        st.caption(t(budget.reason))
with joint_col:
    st.metric(t("kpi.joint_share"), _value(joint, pct), help=t("kpi.joint_share.help"))
    st.caption(t("overview.joint_detail", joint=count_joint_projects(funding), total=len(funding)))
    if not joint.available:
        st.caption(t(joint.reason))
with trust_col:
    change = trust.change
    st.metric(
        t("kpi.trust_index"),
        _value(trust.current.index, lambda v: number(v, decimals=1)),
        delta=signed(change.value, suffix=" " + t("unit.points")) if change.available else None,
        help=t("kpi.trust_index.help"),
    )
    if trust.current.index.available:
        st.caption(t("overview.trust_detail", wave=trust.wave_code, respondents=trust.current.respondents))
    else:
        st.caption(t(trust.current.index.reason))
    if trust.current.hidden_groups:
        st.caption(t("survey.hidden_groups", count=trust.current.hidden_groups))
with goals_col:
    st.metric(t("kpi.goals_on_time"), _value(on_time, pct), help=t("kpi.goals_on_time.help"))
    if on_time.available:
        reached, due = count_goals(goals, as_of_end=filters.as_of_end)
        st.caption(t("overview.goals_detail", reached=reached, due=due))
    else:
        st.caption(t(on_time.reason))
