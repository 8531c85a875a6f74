"""The one-pass KPI paths (issue #23) give exactly the figures of the straightforward,
month-by-month computation (tests/straight.py), on hand-made data and on the demo data with
several filter sets, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from data_access.demo import DEMO_AS_OF
from data_access.projects import load_funding_split, load_team_by_months
from kpis.periods import Filters, first_of_month
from kpis.projects import team_mix, team_mix_by_month
from services.single_view import trend_months
from tests.straight import straight_team_mix

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


def _team(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame.from_records(rows, columns=["project", "department", "members", "fte"]).astype(
        {"members": "int64", "fte": "float64"}
    )


def _funding(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        rows, columns=["project", "department", "committed", "agreed_share"]
    ).astype({"committed": "float64", "agreed_share": "float64"})


FUNDING = _funding(
    [
        ("A", "IT", 100, 0.5),
        ("A", "MKT", 100, NAN),
        ("B", "FIN", 50, 0.2),
        ("B", "IT", 100, 0.3),
        ("B", "MKT", 100, NAN),
        ("C", "IT", 100, NAN),
        ("D", "MKT", 10, 0.7),
        ("D", "IT", 10, 0.3),
    ]
)
TEAMS = {
    "jan": _team([("A", "IT", 1, 0.1), ("A", "MKT", 2, 0.2), ("B", "FIN", 1, 0.3), ("B", "IT", 3, 0.7)]),
    "feb": _team([]),
    "mar": _team(
        [
            ("A", "IT", 1, 0.1),
            ("A", "MKT", 1, 0.7),
            ("A", "SAL", 1, 0.3),  # a team department that does not fund the project
            ("B", "FIN", 2, 1.1),
            ("B", "IT", 1, 0.2),
            ("B", "MKT", 4, 2.3),
            ("C", "IT", 2, 1.5),
            ("X", "IT", 1, 1.0),  # a team without funding: not a row of the mix
        ]
    ),
}


def test_team_mix_by_month_equals_each_month_on_its_own() -> None:
    mixes = team_mix_by_month(TEAMS, FUNDING)
    assert list(mixes) == list(TEAMS)
    for month, team in TEAMS.items():
        pd.testing.assert_frame_equal(mixes[month], straight_team_mix(team, FUNDING), check_exact=True)
        pd.testing.assert_frame_equal(
            team_mix(team, FUNDING), straight_team_mix(team, FUNDING), check_exact=True
        )
    march = mixes["mar"].set_index("project")
    assert bool(march.loc["B", "mixed"]) is True and march.loc["A", "missing_departments"] == ""
    assert march.loc["D", "missing_departments"] == "IT,MKT" and not bool(march.loc["D", "has_team"])
    assert list(mixes["feb"]["members"]) == [0, 0, 0, 0]


def test_team_mix_by_month_without_funding() -> None:
    empty = _funding([])
    mixes = team_mix_by_month(TEAMS, empty)
    assert all(frame.empty for frame in mixes.values())
    assert list(mixes["jan"].columns) == list(straight_team_mix(TEAMS["jan"], empty).columns)


@pytest.mark.parametrize("filters", FILTER_SETS, ids=["all", "IT", "MKT-active", "march"])
def test_team_mix_by_month_on_demo_data(demo_engine, filters: Filters) -> None:
    months = trend_months(filters.as_of)
    funding = load_funding_split(engine=demo_engine, filters=filters, as_of=filters.as_of)
    teams = load_team_by_months(engine=demo_engine, filters=filters, months=months, replay=True)
    mixes = team_mix_by_month(teams, funding)
    assert sum(len(mix) for mix in mixes.values()) > 0
    for month in months:
        pd.testing.assert_frame_equal(
            mixes[month], straight_team_mix(teams[month], funding), check_exact=True
        )
