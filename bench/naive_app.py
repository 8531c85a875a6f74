"""The naive way, for comparison: whole tables into pandas on every rerun.

It shows the Overview's four headline KPIs for the filters in session state (the keys of
ui/filters.py), computed by the same pure kpis functions, but it reads budget_line,
funding, insight_goal and survey_response whole with pd.read_sql and filters in pandas,
as a first prototype would. Only the engine is cached.
"""

import datetime as dt
import os

import pandas as pd
import streamlit as st
from sqlalchemy import create_engine

from domain.filters import Filters
from domain.months import month_end
from kpis.budget import realisation
from kpis.portfolio import goals_on_time, joint_share
from kpis.trust_index import latest_wave_trust


@st.cache_resource
def engine(url: str):
    return create_engine(url)


# The as-of select box lets a browser change a filter, as on the real pages.
months = [dt.date(2024 + i // 12, i % 12 + 1, 1) for i in range(34)]
as_of = st.sidebar.selectbox("As of", options=months[::-1], key="f_as_of")
filters = Filters(
    as_of=as_of,
    period_start=st.session_state.get("f_from", dt.date(as_of.year, 1, 1)),
    departments=tuple(st.session_state.get("f_departments", ())),
    statuses=tuple(st.session_state.get("f_statuses", ())),
)
with engine(os.environ["DATABASE_URL"]).connect() as conn:
    lines = pd.read_sql("SELECT * FROM budget_line", conn, parse_dates=["month"])
    projects = pd.read_sql("SELECT * FROM project", conn)
    departments = pd.read_sql("SELECT * FROM department", conn)
    funding = pd.read_sql("SELECT * FROM funding", conn)
    goals = pd.read_sql("SELECT * FROM insight_goal", conn, parse_dates=["target_date", "achieved_date"])
    waves = pd.read_sql("SELECT * FROM survey_wave", conn, parse_dates=["fielded_on"])
    items = pd.read_sql("SELECT * FROM survey_item", conn)
    responses = pd.read_sql("SELECT * FROM survey_response", conn)

dept_ids = departments.loc[departments["code"].isin(filters.departments), "id"]
chosen_projects = projects if not filters.statuses else projects[projects["status"].isin(filters.statuses)]

in_period = lines[
    (lines["month"] >= pd.Timestamp(filters.period_start))
    & (lines["month"] <= pd.Timestamp(filters.as_of))
    & lines["project_id"].isin(chosen_projects["id"])
    & (lines["department_id"].isin(dept_ids) if filters.departments else True)
]
budget = realisation(actual=float(in_period["actual"].sum()), planned=float(in_period["planned"].sum()))

n_funders = funding.groupby("project_id").size().rename("n_funders")
started = chosen_projects[pd.to_datetime(chosen_projects["planned_start"]) <= pd.Timestamp(filters.as_of_end)]
chosen_funding = funding[funding["department_id"].isin(dept_ids)] if filters.departments else funding
by_project = (
    chosen_funding.merge(started[["id", "code"]], left_on="project_id", right_on="id")
    .groupby(["project_id", "code"], as_index=False)["committed_amount"]
    .sum()
    .join(n_funders, on="project_id")
    .rename(columns={"committed_amount": "committed"})[["code", "committed", "n_funders"]]
)
joint = joint_share(by_project)

goal_projects = chosen_projects
if filters.departments:
    goal_projects = goal_projects[goal_projects["id"].isin(chosen_funding["project_id"])]
chosen_goals = goals[goals["project_id"].isin(goal_projects["id"])].assign(
    target_date=lambda d: d["target_date"].dt.date,
    achieved_date=lambda d: d["achieved_date"].dt.date,
)
on_time = goals_on_time(chosen_goals, as_of_end=filters.as_of_end)

fielded = waves[waves["fielded_on"] <= pd.Timestamp(month_end(filters.as_of))].sort_values("fielded_on")
answers = responses[responses["wave_id"].isin(fielded["id"])].merge(
    items[["id", "reverse_coded"]], left_on="item_id", right_on="id", suffixes=("", "_item")
)
if filters.departments:
    answers = answers[answers["department_id"].isin(dept_ids)]
answers = answers.assign(
    adjusted=answers["score"].where(~answers["reverse_coded"].astype(bool), 6 - answers["score"])
).merge(departments[["id", "code"]], left_on="department_id", right_on="id", suffixes=("", "_dept"))
groups = (
    answers.groupby(["wave_id", "code"])
    .agg(respondents=("respondent_ref", "nunique"), score_sum=("adjusted", "sum"), answers=("score", "size"))
    .reset_index()
    .rename(columns={"code": "department"})
)
trust = latest_wave_trust(fielded[["id", "code", "name", "fielded_on"]], groups)

cols = st.columns(4)
cols[0].metric("Budget realisation", f"{budget.value:.1%}" if budget.available else "n/a")
cols[1].metric("Joint share", f"{joint.value:.0%}" if joint.available else "n/a")
cols[2].metric("Trust index", f"{trust.current.index.value:.1f}" if trust.current.index.available else "n/a")
cols[3].metric("Goals on time", f"{on_time.value:.0%}" if on_time.available else "n/a")
