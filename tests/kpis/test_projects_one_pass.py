"""The one-pass projects KPIs (team mix by month, the Projects page's table, texts, first insight,
exceptions and chart specs) equal their straightforward versions (tests/straight_budget.py) on
hand-made, random and demo data."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

import tests.straight_project_charts as straight_charts
import tests.straight_projects as straight
from data_access.projects import load_funding_split, load_team_by_months
from domain.filters import Filters
from kpis import goals as goals_kpis
from kpis import ownership as ownership_kpis
from kpis import projects as budget_projects
from kpis import teams as teams_kpis
from services.single_view_model import trend_months
from tests.kpis.budget_cases import FILTER_IDS, FILTER_SETS, FUNDING, NAN, _funding, _random_case

# --- team_mix_by_month ------------------------------------------------------------------


def _team(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=["project", "department", "members", "fte"]).astype(
        {"members": "int64", "fte": "float64"}
    )


TEAMS = {
    "jan": _team([("A", "IT", 1, 0.1), ("A", "MKT", 2, 0.2), ("B", "FIN", 1, 0.3), ("B", "IT", 3, 0.7)]),
    "feb": _team([]),  # an empty month
    "mar": _team(
        [
            ("A", "IT", 1, 0.1),
            ("A", "MKT", 1, 0.7),
            ("A", "SAL", 1, 0.3),  # not a funder of A: counts in the totals only
            ("B", "FIN", 2, 1.1),
            ("B", "IT", 1, 0.2),
            ("B", "IT", 1, 0.4),  # two rows of one department
            ("B", "MKT", 4, 2.3),
            ("C", "IT", 2, 1.5),
            ("D", "MKT", 1, 0.0),  # staffed without FTE
            ("D", "IT", 0, 0.0),  # a row without members: IT counts as missing
            ("E", "IT", 2, 0.9),
            ("E", "MKT", 1, 0.3),
            ("E", "SAL", 1, 0.2),
            ("X", "IT", 1, 1.0),  # no funding: not a row of the mix
        ]
    ),
}


def _same_mix(teams: dict, funding: pd.DataFrame) -> None:
    fast = teams_kpis.team_mix_by_month(teams, funding)
    plain = straight.team_mix_by_month(teams, funding)
    assert list(fast) == list(plain) == list(teams)
    for key in teams:
        pd.testing.assert_frame_equal(fast[key], plain[key], check_exact=True)


@pytest.mark.parametrize("text_dtype", [object, "str", "string"])
def test_team_mix_by_month_hand_made(text_dtype) -> None:
    def typed(frame: pd.DataFrame) -> pd.DataFrame:
        return frame.astype({"project": text_dtype, "department": text_dtype})

    teams = {key: typed(team) for key, team in TEAMS.items()}
    funding = typed(FUNDING)
    _same_mix(teams, funding)
    _same_mix(teams, funding[funding["project"] == "C"])  # one funder
    _same_mix(teams, typed(_funding([])))  # no funding
    _same_mix(teams, funding.assign(agreed_share=NAN))  # no shares recorded
    _same_mix({"mar": teams["mar"]}, funding)
    # No months at all: the plain version raised (pd.concat of nothing); now simply none.
    assert teams_kpis.team_mix_by_month({}, funding) == {}
    every = {"all": typed(_team([("A", "IT", 1, 0.5), ("A", "MKT", 1, 0.5)]))}  # nobody missing
    _same_mix(every, funding[funding["project"] == "A"])
    mix = teams_kpis.team_mix_by_month(teams, funding)["mar"].set_index("project")
    assert mix.loc["D", "missing_departments"] == "IT" and mix.loc["E", "mixed"] is True


@pytest.mark.parametrize("seed", range(6))
def test_team_mix_by_month_random(seed: int) -> None:
    rng = np.random.default_rng(seed)
    _, funding, months = _random_case(seed)
    projects = sorted(set(funding["project"])) + ["P-999"]
    teams = {}
    for month in months[:6]:
        rows = [
            (code, department, int(rng.integers(0, 4)), round(float(rng.random()) * 3, 1))
            for code in projects
            for department in ("FIN", "IT", "MKT", "SAL")
            for _ in range(int(rng.integers(0, 3)))
        ]
        teams[month] = _team(rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    _same_mix(teams, funding)


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_team_mix_by_month_on_demo_data(demo_engine, filters: Filters) -> None:
    months = trend_months(filters.as_of)
    funding = load_funding_split(engine=demo_engine, filters=filters, as_of=filters.as_of)
    teams = load_team_by_months(engine=demo_engine, filters=filters, months=months, replay=True)
    assert sum(len(team) for team in teams.values()) > 0
    _same_mix(teams, funding)


# --- chart specs ------------------------------------------------------------------------


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_project_chart_specs_unchanged(demo_sqlite_engine, filters: Filters) -> None:
    """The ownership matrix and goal timeline give the very same Vega-Lite spec (same JSON,
    key order included) as before their channels were given as objects."""
    from charts.projects import goal_timeline_chart, ownership_matrix_chart
    from data_access.projects import load_insight_goals, load_ownership
    from kpis.goals import goal_timeline
    from kpis.ownership import ownership_status

    status = ownership_status(load_ownership(engine=demo_sqlite_engine, filters=filters, as_of=filters.as_of))
    ownership_texts = {
        "area_names": {"data_processing": "Data processing"},
        "status_names": {"ok": "OK", "breach": "Breach"},
        "title": "Ownership",
        "project_title": "Project",
        "area_title": "Area",
        "owner_title": "Owner",
        "expected_title": "Expected",
        "status_title": "Status",
        "none_label": "none",
        "several_label": "several",
    }
    assert not status.empty and (status["status"] != "ok").any()
    assert json.dumps(ownership_matrix_chart(status, **ownership_texts).to_dict()) == json.dumps(
        straight_charts.ownership_matrix_chart(status, **ownership_texts).to_dict()
    )
    timeline = goal_timeline(
        load_insight_goals(engine=demo_sqlite_engine, filters=filters), as_of_end=filters.as_of_end
    )
    goal_texts = {
        "as_of_end": filters.as_of_end,
        "status_names": {"overdue": "Overdue", "open": "Open"},
        "title": "Goals",
        "goal_title": "Goal",
        "date_title": "Date",
        "target_title": "Target",
        "achieved_title": "Achieved",
        "status_title": "Status",
        "slippage_title": "Slippage",
        "as_of_title": "As of",
    }
    assert not timeline.empty
    assert json.dumps(goal_timeline_chart(timeline, **goal_texts).to_dict()) == json.dumps(
        straight_charts.goal_timeline_chart(timeline, **goal_texts).to_dict()
    )


# --- the Projects page's table, texts, first insight and exceptions ----------------------


def _same_projects_page(
    projects: pd.DataFrame,
    funding: pd.DataFrame,
    team: pd.DataFrame,
    status: pd.DataFrame,
    timeline: pd.DataFrame,
) -> None:
    assert teams_kpis.split_text(funding) == straight.split_text(funding)
    assert list(teams_kpis.split_text(funding)) == list(straight.split_text(funding))  # order
    assert teams_kpis.team_text(team) == straight.team_text(team)
    assert list(teams_kpis.team_text(team)) == list(straight.team_text(team))
    mix = straight.team_mix(team, funding)
    pd.testing.assert_frame_equal(teams_kpis.team_mix(team, funding), mix, check_exact=True)
    labels = {"active": "Active", "mixed.True": "yes", "mixed.False": "no", "breach": "Breach", "none": "–"}
    pd.testing.assert_frame_equal(
        budget_projects.project_table(
            projects, funding=funding, team=team, mix=mix, ownership=status, timeline=timeline, labels=labels
        ),
        straight.project_table(
            projects, funding=funding, team=team, mix=mix, ownership=status, timeline=timeline, labels=labels
        ),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(
        budget_projects.collaboration_exceptions(mix, status, timeline),
        straight.collaboration_exceptions(mix, status, timeline),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(
        goals_kpis.first_insight_days(timeline), straight.first_insight_days(timeline), check_exact=True
    )


def _hand_made_page(text_dtype) -> tuple[pd.DataFrame, ...]:
    projects = pd.DataFrame(
        {
            "code": ["A", "B", "C", "D", "Z"],
            "name": ["Alpha", "Beta", "Gamma", "Delta", "Zulu"],
            "status": ["active", "active", "done", "on_hold", "active"],
            "rag": ["green", None, "red", "amber", None],
            "rag_reason": ["", None, "late", "", None],
        }
    )
    team = TEAMS["mar"].astype({"project": text_dtype, "department": text_dtype})
    funding = FUNDING.assign(
        committed=[100.0, 100.0, 50.0, 100.0, 100.0, 0.0, 10.0, 10.0, 0.0, 0.0, 0.0, 10, 30]
    )
    funding = funding.astype({"project": text_dtype, "department": text_dtype})
    status = pd.DataFrame(
        {
            "project": ["A", "A", "B", "D"],
            "area": ["data", "crm", "data", "crm"],
            "owners": [1, 0, 2, 1],
            "owner_codes": ["IT", "", "IT,MKT", "IT"],
            "expected": ["IT", "MKT", "IT", "MKT"],
            "off_rule": [0, 0, 0, 1],
        }
    ).astype({"project": text_dtype})
    goals = pd.DataFrame(
        {
            "project": ["A", "A", "B", "C", "D"],
            "code": ["G2", "G1", "G1", "G1", "G1"],
            "goal": ["Second", "First", "One", "Only", "Late"],
            "measure": ["n"] * 5,
            "target_date": [
                dt.date(2026, 6, 30),
                dt.date(2026, 3, 31),
                dt.date(2026, 2, 28),
                None,
                dt.date(2026, 1, 31),
            ],
            "achieved_date": [dt.date(2026, 2, 1), dt.date(2026, 4, 15), None, dt.date(2026, 1, 5), None],
            "target_value": [10.0, 5.0, 0.0, 1.0, 2.0],
            "achieved_value": [12.0, 5.0, None, 1.0, None],
            "planned_start": [
                dt.date(2025, 11, 1),
                dt.date(2025, 11, 1),
                dt.date(2025, 12, 1),
                None,
                dt.date(2025, 1, 1),
            ],
        }
    ).astype({"project": text_dtype})
    goals.loc[3, "target_date"] = dt.date(2026, 1, 31)
    goals.loc[3, "planned_start"] = dt.date(2025, 6, 1)
    status = ownership_kpis.ownership_status(status)
    timeline = goals_kpis.goal_timeline(goals, as_of_end=dt.date(2026, 3, 31))
    return projects, funding, team, status, timeline


@pytest.mark.parametrize("text_dtype", [object, "str", "string"])
def test_projects_page_functions_hand_made(text_dtype) -> None:
    projects, funding, team, status, timeline = _hand_made_page(text_dtype)
    assert len(straight.collaboration_exceptions(straight.team_mix(team, funding), status, timeline)) >= 4
    _same_projects_page(projects, funding, team, status, timeline)
    _same_projects_page(projects, funding.iloc[0:0], team.iloc[0:0], status.iloc[0:0], timeline.iloc[0:0])
    unreached = timeline.assign(achieved_date=None)
    _same_projects_page(projects, funding, team, status, unreached)


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_projects_page_functions_on_demo_data(demo_engine, filters: Filters) -> None:
    from data_access.projects import (
        load_insight_goals,
        load_ownership,
        load_projects,
        load_team_by_department,
    )

    projects = load_projects(engine=demo_engine, filters=filters)
    funding = load_funding_split(engine=demo_engine, filters=filters, as_of=filters.as_of)
    team = load_team_by_department(engine=demo_engine, filters=filters, as_of=filters.as_of)
    status = ownership_kpis.ownership_status(
        load_ownership(engine=demo_engine, filters=filters, as_of=filters.as_of)
    )
    timeline = goals_kpis.goal_timeline(
        load_insight_goals(engine=demo_engine, filters=filters), as_of_end=filters.as_of_end
    )
    assert not team.empty and not timeline.empty
    _same_projects_page(projects, funding, team, status, timeline)
