"""The faster budget and collaboration KPI functions (issue #23, "instant at production
scale") give exactly the figures of their plain versions (tests/straight_budget.py, copied
unchanged from 3943b28): on hand-made edge cases, on random frames with awkward amounts and
three or four funders per project, and on the demo data with several filter sets, on SQLite
and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict

import numpy as np
import pandas as pd
import pytest

import tests.straight_budget as straight
from data_access.budget import load_budget_by_month, load_funding_shares
from data_access.demo import DEMO_AS_OF
from data_access.projects import load_funding_split, load_team_by_months
from domain.filters import Filters
from domain.months import add_months, first_of_month
from kpis import budget
from kpis import funding as funding_kpis
from kpis import goals as goals_kpis
from kpis import ownership as ownership_kpis
from kpis import projects as budget_projects
from kpis import teams as teams_kpis
from services.single_view import trend_months

NAN = float("nan")
AS_OF = first_of_month(DEMO_AS_OF)
FILTER_SETS = [
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1)),
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1), departments=("IT",)),
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1), departments=("MKT",), statuses=("active",)),
    Filters(
        as_of=dt.date(AS_OF.year, 3, 1),
        period_start=dt.date(AS_OF.year, 1, 1),
        statuses=("active", "on_hold"),
    ),
]
FILTER_IDS = ["all", "IT", "MKT-active", "march"]
JAN, FEB, MAR, APR, MAY = (dt.date(2026, month, 1) for month in range(1, 6))
TOLERANCE = 10.0


def _funding(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        rows, columns=["project", "department", "committed", "agreed_share"]
    ).astype({"committed": "float64", "agreed_share": "float64"})


def _spend(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        rows, columns=["month", "project", "department", "planned", "actual"]
    ).astype({"planned": "float64", "actual": "float64"})


FUNDING = _funding(
    [
        ("A", "IT", 100, 0.5),
        ("A", "MKT", 100, NAN),  # agreed share missing: the rest, 0.5
        ("B", "FIN", 50, 0.2),
        ("B", "IT", 100, 0.3),
        ("B", "MKT", 100, NAN),
        ("C", "IT", 100, NAN),  # one funder: not joint
        ("D", "MKT", 10, NAN),  # no share recorded at all: 1/2 each
        ("D", "IT", 10, NAN),
        ("E", "IT", 10, 0.9),  # recorded shares above 1: the open one gets 0
        ("E", "MKT", 10, 0.4),
        ("E", "SAL", 10, NAN),
        ("F", "IT", 10, 0.25),  # spends exactly as agreed: drift 0, on the edge of tolerance 0
        ("F", "MKT", 10, 0.75),
    ]
)
SPEND = _spend(
    [
        (JAN, "A", "IT", 10, 40.0),
        (JAN, "A", "MKT", 10, 60.0),
        (MAR, "A", "IT", 10, 35.0),
        (JAN, "B", "FIN", 10, 0.1),
        (JAN, "B", "FIN", 10, 0.2),  # two rows of one (month, project, department)
        (JAN, "B", "IT", 10, 0.7),
        (MAR, "B", "MKT", 10, 281877.83),
        (MAR, "B", "IT", 10, 215218.17),
        (MAR, "B", "FIN", 10, 639331.38),
        (MAR, "B", "SAL", 10, 12.5),  # books without a funding row: agreed share 0
        (FEB, "C", "IT", 10, 99.0),
        (MAR, "D", "MKT", 10, 0.0),  # joint, but nothing spent yet
        (APR, "E", "IT", 10, -5.0),  # a credit
        (APR, "E", "MKT", 10, 5.0),  # Σ actual 0: not measured
        (FEB, "X", "IT", 10, 7.0),  # no funding at all
        (FEB, "F", "IT", 10, 25.0),
        (FEB, "F", "MKT", 10, 75.0),
    ]
)


def _random_case(seed: int, projects: int = 40) -> tuple[pd.DataFrame, pd.DataFrame, list[dt.date]]:
    """Funding and monthly spend with amounts in cents over many orders of magnitude, one to
    four funders per project, missing shares, departments that book without funding and gaps."""
    rng = np.random.default_rng(seed)
    departments = ["FIN", "IT", "MKT", "SAL"]
    months = [add_months(JAN, i) for i in range(12)]
    funding_rows, spend_rows = [], []
    for number in range(projects):
        code = f"P-{number:03d}"
        funders = sorted(rng.choice(departments, size=rng.integers(1, 5), replace=False))
        for department in funders:
            share = NAN if rng.random() < 0.4 else round(float(rng.random()) * 0.7, 2)
            funding_rows.append((code, department, float(rng.integers(0, 5) * 1000), share))
        for month in months:
            for department in departments:
                if rng.random() < (0.6 if department in funders else 0.1):
                    amount = round(float(rng.random()) * 10 ** int(rng.integers(0, 7)), 2)
                    sign = -1.0 if rng.random() < 0.05 else 1.0
                    spend_rows.append((month, code, department, amount, sign * amount))
    spend = _spend(spend_rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    funding = _funding(funding_rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return spend, funding, months


def _demo_inputs(engine, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The spend and funding frames the single view gives these functions."""
    spend = load_budget_by_month(
        engine=engine, filters=filters, by=("project", "department"), span="all", department_filter="funders"
    )
    funding = load_funding_shares(engine=engine, filters=filters, as_of=filters.as_of)
    return spend, funding


# --- funding_balance_trend --------------------------------------------------------------


def _same_trend(spend: pd.DataFrame, funding: pd.DataFrame, months: list[dt.date], tolerance: float) -> None:
    fast = funding_kpis.funding_balance_trend(spend, funding, months=months, tolerance=tolerance)
    plain = straight.funding_balance_trend(spend, funding, months=months, tolerance=tolerance)
    assert fast == plain
    # and the definition: one drift table per month close
    assert fast == [
        straight.funding_balance(
            straight.funding_drift(spend[spend["month"] <= month], funding, tolerance=tolerance)
        )
        for month in months
    ]


@pytest.mark.parametrize("tolerance", [0.0, 5.0, TOLERANCE, 60.0])
def test_funding_balance_trend_hand_made(tolerance: float) -> None:
    months = [add_months(JAN, -1), JAN, FEB, MAR, APR, MAY]  # one before any spend
    _same_trend(SPEND, FUNDING, months, tolerance)
    values = funding_kpis.funding_balance_trend(SPEND, FUNDING, months=months, tolerance=tolerance)
    assert not values[0].available and values[0].reason == "budget.na.no_joint_actuals"


def test_funding_balance_trend_edge_cases() -> None:
    months = [JAN, FEB, MAR]
    _same_trend(SPEND, _funding([]), months, TOLERANCE)  # no funding
    _same_trend(SPEND, FUNDING[FUNDING["project"] == "C"], months, TOLERANCE)  # one funder
    _same_trend(SPEND.iloc[0:0], FUNDING, months, TOLERANCE)  # no spend
    _same_trend(SPEND, FUNDING, [], TOLERANCE)  # no months
    _same_trend(SPEND[SPEND["department"] == "IT"], FUNDING, months, TOLERANCE)  # a department filter
    _same_trend(SPEND[SPEND["month"] == MAR], FUNDING, [JAN, FEB, MAR, APR], TOLERANCE)  # empty months
    no_shares = FUNDING.assign(agreed_share=NAN)
    _same_trend(SPEND, no_shares, months, TOLERANCE)


@pytest.mark.parametrize("seed", range(6))
def test_funding_balance_trend_random(seed: int) -> None:
    spend, funding, months = _random_case(seed)
    for tolerance in (2.0, TOLERANCE, 25.0):
        _same_trend(spend, funding, months, tolerance)
        _same_trend(spend, funding, months[::3], tolerance)


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_funding_balance_trend_on_demo_data(demo_engine, filters: Filters) -> None:
    spend, funding = _demo_inputs(demo_engine, filters)
    months = trend_months(filters.as_of)
    assert funding_kpis.joint_projects(funding)
    _same_trend(spend, funding, months, TOLERANCE)
    _same_trend(spend, funding, months, 2.0)


# --- funding_drift and its parts ------------------------------------------------------


def _same_drift(spend: pd.DataFrame, funding: pd.DataFrame, tolerance: float = TOLERANCE) -> None:
    assert funding_kpis.joint_projects(funding) == straight.joint_projects(funding)
    pd.testing.assert_frame_equal(
        funding_kpis.agreed_shares(funding), straight.agreed_shares(funding), check_exact=True
    )
    for name in ("funding_drift", "funding_drift_numbers", "portfolio_funding_drift"):
        fast = getattr(funding_kpis, name)(spend, funding, tolerance=tolerance)
        plain = getattr(straight, name)(spend, funding, tolerance=tolerance)
        pd.testing.assert_frame_equal(fast, plain, check_exact=True)
    drift = funding_kpis.funding_drift(spend, funding, tolerance=tolerance)
    assert funding_kpis.count_drifting(drift) == straight.count_drifting(drift)
    assert funding_kpis.funding_balance(drift) == straight.funding_balance(drift)


def test_funding_drift_hand_made() -> None:
    for tolerance in (0.0, TOLERANCE):
        _same_drift(SPEND, FUNDING, tolerance)
    _same_drift(SPEND, _funding([]))
    _same_drift(SPEND, FUNDING[FUNDING["project"] == "C"])
    _same_drift(SPEND.iloc[0:0], FUNDING)
    _same_drift(SPEND[SPEND["department"] == "MKT"], FUNDING)
    _same_drift(SPEND, FUNDING.assign(agreed_share=NAN))
    _same_drift(SPEND, FUNDING.astype({"project": object, "department": object}))
    _same_drift(SPEND, FUNDING.astype({"agreed_share": object}))  # shares as objects with NaN
    # As the app's loaders give them: spend codes as Python strings, funding codes as "str"
    # and shares as objects; this takes the keyed path (the others above may not).
    app_spend = SPEND.astype({"project": object, "department": object})
    app_funding = FUNDING.astype({"project": "str", "department": "str", "agreed_share": object})
    joint = funding_kpis.joint_projects(app_funding)
    assert funding_kpis._drift_numbers_by_key(app_spend, app_funding, joint, TOLERANCE) is not None
    for tolerance in (0.0, TOLERANCE):
        _same_drift(app_spend, app_funding, tolerance)
    duplicated = pd.concat([app_funding, app_funding.iloc[:1]], ignore_index=True)
    assert funding_kpis._drift_numbers_by_key(app_spend, duplicated, joint, TOLERANCE) is None
    _same_drift(app_spend, duplicated)


@pytest.mark.parametrize("seed", range(6))
def test_funding_drift_random(seed: int) -> None:
    spend, funding, _ = _random_case(seed)
    _same_drift(spend, funding)
    _same_drift(spend, funding, 2.0)
    app_spend = spend.astype({"project": object, "department": object})
    app_funding = funding.astype({"project": "str", "department": "str"})
    assert (
        funding_kpis._drift_numbers_by_key(
            app_spend, app_funding, funding_kpis.joint_projects(app_funding), 2.0
        )
        is not None
    )
    _same_drift(app_spend, app_funding, 2.0)


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_funding_drift_on_demo_data(demo_engine, filters: Filters) -> None:
    spend, funding = _demo_inputs(demo_engine, filters)
    assert (
        funding_kpis._drift_numbers_by_key(spend, funding, funding_kpis.joint_projects(funding), TOLERANCE)
        is not None
    )
    _same_drift(spend[spend["month"] <= filters.as_of], funding)
    _same_drift(spend, funding, 2.0)


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
        straight.ownership_matrix_chart(status, **ownership_texts).to_dict()
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
        straight.goal_timeline_chart(timeline, **goal_texts).to_dict()
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


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_budget_and_funding_chart_specs_unchanged(demo_sqlite_engine, filters: Filters) -> None:
    """The budget charts, the funding split and the FTE chart give the very same Vega-Lite
    JSON as before their properties moved into the layer and chart calls."""
    from charts import budget as budget_charts
    from charts import projects as project_charts

    def same(name: str, module, *args, **kwargs) -> None:
        fast = getattr(module, name)(*args, **kwargs).to_dict()
        plain = getattr(straight, name)(*args, **kwargs).to_dict()
        assert json.dumps(fast) == json.dumps(plain), name

    frame = load_budget_by_month(engine=demo_sqlite_engine, filters=filters, span="period_to_year_end")
    series = budget.cumulative_series(frame, as_of=filters.as_of)
    labels = {"planned": "Plan", "actual": "Actual", "forecast": "Forecast"}
    texts = {"labels": labels, "title": "T", "x_title": "Month", "y_title": "€", "legend_title": "Series"}
    same("monthly_chart", budget_charts, series, **texts)
    same("cumulative_chart", budget_charts, series, **texts)
    same(
        "forecast_chart",
        budget_charts,
        series,
        forecast_end=float(series["cumulative"].max()) * 1.1,
        year_end=pd.Timestamp(filters.year_end),
        **texts,
    )
    spend, funding = _demo_inputs(demo_sqlite_engine, filters)
    drift = funding_kpis.funding_drift(spend[spend["month"] <= filters.as_of], funding, tolerance=2.0)
    assert not drift.empty
    same(
        "drift_chart",
        budget_charts,
        budget_charts.largest_drifts(drift)[0],
        tolerance=2.0,
        department_names={"IT": "IT", "MKT": "Marketing"},
        title="Drift",
        x_title="pp",
        y_title="Project",
        legend_title="Department",
    )
    split = funding_kpis.resolve_agreed_shares(
        load_funding_split(engine=demo_sqlite_engine, filters=filters, as_of=filters.as_of)
    )
    same(
        "funding_split_chart",
        project_charts,
        split,
        title="Split",
        share_title="Share",
        project_title="Project",
        department_title="Department",
        agreed_title="Agreed",
    )
    fte = pd.DataFrame(
        {
            "month": [JAN, JAN, FEB, FEB],
            "department": ["IT", "MKT", "IT", "MKT"],
            "fte": [1.5, 2.0, 1.0, 2.5],
            "members": [2, 3, 1, 3],
        }
    )
    same(
        "fte_chart",
        project_charts,
        fte,
        title="FTE",
        month_title="Month",
        fte_title="FTE",
        department_title="Dep",
    )


# --- forecast_year_end ------------------------------------------------------------------


def _same_forecast(
    year_frame: pd.DataFrame, ev_table: pd.DataFrame, as_of: dt.date, start_month: int = 1
) -> None:
    fast = budget.forecast_year_end(year_frame, ev_table, as_of=as_of, fiscal_year_start_month=start_month)
    plain = straight.forecast_year_end(year_frame, ev_table, as_of=as_of, fiscal_year_start_month=start_month)
    assert type(fast).__name__ == type(plain).__name__ and asdict(fast) == asdict(plain)


def test_forecast_year_end_hand_made() -> None:
    months = [add_months(dt.date(2025, 10, 1), i) for i in range(15)]
    year_frame = pd.DataFrame(
        {
            "month": [month for month in months for _ in ("A", "B", "C", "D")],
            "project": ["A", "B", "C", "D"] * len(months),
            "planned": [100.0, 0.1, 30.0, 7.7] * len(months),
            "actual": [120.0, 0.3, 0.0, 7.7] * len(months),
        }
    )
    projects = pd.DataFrame(
        {
            "project": ["A", "B", "C", "E"],
            "status": ["active", "done", "active", "cancelled"],
            "pct_complete": [40.0, None, 0.0, 10.0],
        }
    )
    for as_of in (dt.date(2026, 1, 1), dt.date(2026, 6, 1), dt.date(2026, 12, 1)):
        ev_table = budget.earned_value_table(year_frame, projects, as_of=as_of)
        for start_month in (1, 4, 10):
            _same_forecast(year_frame, ev_table, as_of, start_month)
        _same_forecast(year_frame, ev_table.iloc[0:0], as_of)  # no earned value table
        _same_forecast(year_frame.iloc[0:0], ev_table, as_of)  # no lines


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_forecast_year_end_on_demo_data(demo_engine, filters: Filters) -> None:
    from data_access.budget import load_project_progress

    year_frame = load_budget_by_month(engine=demo_engine, filters=filters, by=("project",), span="year")
    all_frame = load_budget_by_month(engine=demo_engine, filters=filters, by=("project",), span="all")
    projects = load_project_progress(engine=demo_engine, filters=filters)
    ev_table = budget.earned_value_table(all_frame, projects, as_of=filters.as_of)
    assert not year_frame.empty and not ev_table.empty
    _same_forecast(year_frame, ev_table, filters.as_of, filters.fiscal_year_start_month)
    _same_forecast(year_frame, ev_table, filters.as_of, 4)


# --- cumulative_series ------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [dt.date(2025, 12, 1), JAN, MAR, MAY, dt.date(2027, 1, 1)])
def test_cumulative_series_hand_made(as_of: dt.date) -> None:
    for frame in (
        SPEND,
        SPEND[SPEND["month"] == MAR],
        SPEND.sample(frac=1.0, random_state=3),
        SPEND.iloc[0:0],
    ):
        pd.testing.assert_frame_equal(
            budget.cumulative_series(frame, as_of=as_of),
            straight.cumulative_series(frame, as_of=as_of),
            check_exact=True,
        )
    timestamps = SPEND.assign(month=pd.to_datetime(SPEND["month"]))
    pd.testing.assert_frame_equal(
        budget.cumulative_series(timestamps, as_of=pd.Timestamp(as_of)),
        straight.cumulative_series(timestamps, as_of=pd.Timestamp(as_of)),
        check_exact=True,
    )


@pytest.mark.parametrize("filters", FILTER_SETS, ids=FILTER_IDS)
def test_cumulative_series_on_demo_data(demo_engine, filters: Filters) -> None:
    for span in ("period_to_year_end", "all"):
        frame = load_budget_by_month(engine=demo_engine, filters=filters, span=span)
        assert not frame.empty
        pd.testing.assert_frame_equal(
            budget.cumulative_series(frame, as_of=filters.as_of),
            straight.cumulative_series(frame, as_of=filters.as_of),
            check_exact=True,
        )
