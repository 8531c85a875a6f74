"""The faster What-if paths (issue #23) give exactly the figures and the chart specs of the
straightforward ones (tests/straight_whatif.py), on hand-made frames and on the demo data
with several filter sets and lever settings, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterator

import pandas as pd
import pytest

from charts.whatif import delta_chart, scenario_chart
from data_access.demo import DEMO_AS_OF
from data_access.scenarios import load_scenario_baseline
from domain.filters import Filters
from domain.months import first_of_month
from domain.scenario import ALL_JOINT, ScaleLever, Scenario
from kpis.scenario.comparison import (
    compare,
    drift_effects,
    figures,
    goal_effects,
    lever_effects,
    plan_delta,
    plan_series,
)
from kpis.scenario.transforms import (
    BaselineFrames,
    _future,
    apply_scenario,
    default_split,
    line_frame,
    projected_spend,
    year_frame,
)
from tests.straight_whatif import (
    straight_compare,
    straight_default_split,
    straight_delta_chart,
    straight_drift_effects,
    straight_future,
    straight_goal_effects,
    straight_line_frame,
    straight_plan_delta,
    straight_plan_series,
    straight_projected_spend,
    straight_scenario_chart,
    straight_year_frame,
)

D = dt.date
TOLERANCE = 5.0
AS_OF = first_of_month(DEMO_AS_OF)
FILTER_SETS = [
    Filters(as_of=AS_OF, period_start=D(AS_OF.year, 1, 1)),
    Filters(as_of=AS_OF, period_start=D(AS_OF.year, 1, 1), departments=("IT",)),
    Filters(as_of=AS_OF, period_start=D(AS_OF.year, 1, 1), departments=("MKT",), statuses=("active",)),
    Filters(
        as_of=D(AS_OF.year, 3, 1),
        period_start=D(AS_OF.year, 1, 1),
        statuses=("active", "on_hold"),
        fiscal_year_start_month=4,
    ),
]
LABELS = {"baseline": "Basis", "scenario": "Scenario", "actual": "Werkelijk"}


def _hand_made(*, line_departments: tuple[str, ...] = (), fiscal: int = 1) -> BaselineFrames:
    """Three projects over two fiscal years: J joint (MKT, IT, and FIN booking without a
    funding row), K joint with a recorded and an open share, S MKT only; amounts with many
    decimals so that a changed order of additions would show; goals reached, open, late and
    not due this year."""
    as_of = D(2026, 10, 1)
    rows = []
    for number, month in enumerate([D(2025, m, 1) for m in (11, 12)] + [D(2026, m, 1) for m in range(1, 13)]):
        past = month <= as_of
        for project, department, planned in (
            ("J", "MKT", 100.1),
            ("J", "IT", 99.7),
            ("J", "FIN", 3.3),
            ("K", "IT", 10.01),
            ("K", "MKT", 20.07),
            ("S", "MKT", 40.3),
        ):
            amount = planned + number * 0.37
            rows.append([month, project, department, amount, amount * 1.13 if past else 0.0])
    rows.append([D(2027, 3, 1), "S", "MKT", 12.5, 0.0])
    budget = pd.DataFrame(rows, columns=["month", "project", "department", "planned", "actual"])
    later = budget[budget["month"] > as_of]
    by_category = pd.concat(
        [
            later.assign(category="people", planned=later["planned"] * 0.6),
            later.assign(category="tools", planned=later["planned"] * 0.4),
        ],
        ignore_index=True,
    )[["month", "project", "department", "category", "planned"]]
    funding = pd.DataFrame(
        [
            ["J", "IT", 400.0, None],
            ["J", "MKT", 400.0, None],
            ["K", "IT", 100.0, 0.3],
            ["K", "MKT", 100.0, None],
            ["S", "MKT", 160.0, None],
        ],
        columns=["project", "department", "committed", "agreed_share"],
    )
    projects = pd.DataFrame(
        [
            ["J", "Joint", "active", 55.0, as_of],
            ["K", "Klein", "done", 90.0, as_of],
            ["S", "Solo", "active", None, None],
        ],
        columns=["project", "name", "status", "pct_complete", "progress_month"],
    )
    goals = pd.DataFrame(
        [
            ["J", "J-G1", D(2026, 11, 15), None],
            ["J", "J-G2", D(2026, 9, 30), D(2026, 9, 20)],
            ["J", "J-G3", D(2027, 5, 31), None],
            ["K", "K-G1", D(2026, 12, 31), D(2026, 11, 2)],
            ["S", "S-G1", D(2026, 8, 31), None],
            ["S", "S-G2", D(2026, 10, 31), D(2026, 10, 31)],
        ],
        columns=["project", "code", "target_date", "achieved_date"],
    )
    trust = pd.DataFrame(columns=["dimension", "department", "respondents", "score_sum", "answers"])
    return BaselineFrames(
        as_of,
        budget,
        by_category,
        funding,
        projects,
        goals,
        trust,
        line_departments=line_departments,
        fiscal_year_start_month=fiscal,
    )


def _empty(frames: BaselineFrames) -> BaselineFrames:
    return dataclasses.replace(
        frames,
        budget=frames.budget.iloc[0:0],
        remaining_by_category=frames.remaining_by_category.iloc[0:0],
        goals=frames.goals.iloc[0:0],
    )


def _scenarios(frames: BaselineFrames) -> list[Scenario]:
    projects = sorted(set(frames.projects["project"]))
    departments = sorted(set(frames.funding["department"]))
    some = projects[: max(1, len(projects) // 3)]
    return [
        Scenario(),
        Scenario(trust_targets={"ability": 70.0}),
        Scenario(scale=(ScaleLever("department", departments[0], -10.0),)),
        Scenario(scale=(ScaleLever("category", "people", 25.0),)),
        Scenario(split_targets={ALL_JOINT: {departments[0]: 0.5, departments[-1]: 0.5}}),
        Scenario(delays={project: 3 for project in some}),
        Scenario(
            split_targets={projects[0]: {departments[-1]: 1.0}},
            scale=(ScaleLever("department", departments[-1], 20.0), ScaleLever("category", "tools", -50.0)),
            delays={projects[-1]: 7},
            trust_targets={"integrity": 60.0},
        ),
    ]


def _rows(rows: list) -> list[tuple]:
    return [(row.code, row.label_key, row.unit, row.baseline, row.scenario, row.delta) for row in rows]


def _spec(chart: object) -> str:
    # Unvalidated, as the page sends it (tests/charts/test_charts_whatif.py validates the specs).
    return json.dumps(chart.to_dict(validate=False))  # type: ignore[attr-defined]


def _assert_same(base: BaselineFrames, scenario: Scenario, *, starts: tuple[dt.date, ...]) -> None:
    """Every faster path equals its straightforward version on `base` with `scenario`."""
    frames = apply_scenario(base, scenario)
    for side in (base, frames):
        pd.testing.assert_series_equal(
            _future(side.budget, side.as_of), straight_future(side.budget, side.as_of), check_exact=True
        )
        pd.testing.assert_frame_equal(line_frame(side), straight_line_frame(side), check_exact=True)
        pd.testing.assert_frame_equal(year_frame(side), straight_year_frame(side), check_exact=True)
        pd.testing.assert_frame_equal(projected_spend(side), straight_projected_spend(side), check_exact=True)
    # The page hands the baseline's figures to both sides when the scenario's frames are the baseline's.
    before = figures(base, TOLERANCE)
    after = before if frames is base else figures(frames, TOLERANCE)
    assert _rows(compare(before, after, tolerance=TOLERANCE)) == _rows(
        straight_compare(base, frames, tolerance=TOLERANCE)
    )
    pd.testing.assert_frame_equal(
        drift_effects(before, after, tolerance=TOLERANCE),
        straight_drift_effects(base, frames, tolerance=TOLERANCE),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(
        goal_effects(base, frames), straight_goal_effects(base, frames), check_exact=True
    )
    assert default_split(base.funding) == straight_default_split(base.funding)
    for start in starts:
        series = plan_series(base, frames, start=start)
        expected_series = straight_plan_series(base, frames, start=start)
        pd.testing.assert_frame_equal(series, expected_series, check_exact=True)
        delta = plan_delta(series)
        pd.testing.assert_frame_equal(delta, straight_plan_delta(expected_series), check_exact=True)
        if not series.empty:
            titles = {"title": "Plan", "x_title": "Maand", "y_title": "Bedrag (€)"}
            assert _spec(scenario_chart(series, labels=LABELS, legend_title="Reeks", **titles)) == _spec(
                straight_scenario_chart(expected_series, labels=LABELS, legend_title="Reeks", **titles)
            )
            assert _spec(delta_chart(delta, **titles)) == _spec(straight_delta_chart(delta, **titles))
    for effect, group in zip(
        lever_effects(base, scenario, tolerance=TOLERANCE, baseline_figures=before),
        [group.scenario for group in lever_effects(base, scenario, tolerance=TOLERANCE)],
        strict=True,
    ):
        assert _rows(effect.rows) == _rows(
            straight_compare(base, apply_scenario(base, group), tolerance=TOLERANCE)
        )


@pytest.mark.parametrize(("line_departments", "fiscal"), [((), 1), (("MKT",), 4), (("IT", "FIN"), 11)])
def test_hand_made_frames_give_the_same_figures(line_departments: tuple[str, ...], fiscal: int) -> None:
    base = _hand_made(line_departments=line_departments, fiscal=fiscal)
    for scenario in _scenarios(base):
        _assert_same(base, scenario, starts=(D(2026, 1, 1), D(2025, 11, 1), D(2026, 10, 1)))


def test_empty_frames_give_the_same_figures() -> None:
    base = _empty(_hand_made())
    for scenario in _scenarios(base):
        _assert_same(base, scenario, starts=(D(2026, 1, 1),))


def test_timestamps_as_months_give_the_same_masks() -> None:
    base = _hand_made()
    stamped = base.budget.assign(month=[pd.Timestamp(m) for m in base.budget["month"]])
    pd.testing.assert_series_equal(
        _future(stamped, pd.Timestamp(base.as_of)), straight_future(stamped, pd.Timestamp(base.as_of))
    )


@pytest.fixture(params=range(len(FILTER_SETS)), ids=lambda n: f"filters{n}")
def demo_baseline(request: pytest.FixtureRequest, demo_engine) -> Iterator[tuple[BaselineFrames, Filters]]:
    filters = FILTER_SETS[request.param]
    yield load_scenario_baseline(engine=demo_engine, filters=filters), filters


def test_demo_data_gives_the_same_figures(demo_baseline: tuple[BaselineFrames, Filters]) -> None:
    base, filters = demo_baseline
    assert not base.budget.empty and not base.goals.empty
    for scenario in _scenarios(base):
        _assert_same(base, scenario, starts=(filters.period_start,))


def test_trust_targets_alone_keep_the_baseline_frames() -> None:
    """The page reuses the baseline's figures when the scenario's frames are the baseline's."""
    base = _hand_made()
    assert apply_scenario(base, Scenario(trust_targets={"ability": 70.0})) is base
    assert apply_scenario(base, Scenario(delays={"J": 1})) is not base


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [("A", "IT"), ("B", "MKT")],
        [("A", "IT"), ("A", "MKT"), ("B", "IT"), ("B", "FIN"), ("C", "IT"), ("C", "MKT"), ("C", "MKT")],
        [("A", "IT"), ("A", "MKT"), ("A", "FIN"), ("B", "FIN"), ("B", "SAL"), ("D", "SAL")],
    ],
)
def test_default_split_is_the_same(rows: list[tuple[str, str]]) -> None:
    funding = pd.DataFrame(
        [(p, d, 1.0, None) for p, d in rows], columns=["project", "department", "committed", "agreed_share"]
    )
    assert default_split(funding) == straight_default_split(funding)
