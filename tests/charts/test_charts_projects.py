"""Projects charts: the agreed-split marks by hand, and every chart builds a valid spec."""

import datetime as dt

import pandas as pd
import pytest

from charts.projects import (
    agreed_boundaries,
    fte_chart,
    funding_split_chart,
    goal_timeline_chart,
    ownership_matrix_chart,
)
from charts.theme import department_colors
from kpis.funding import resolve_agreed_shares
from kpis.goals import goal_timeline
from kpis.ownership import ownership_status

D = dt.date
SPLIT = resolve_agreed_shares(
    pd.DataFrame(
        {
            "project": ["T", "T", "T", "S"],
            "department": ["MKT", "FIN", "IT", "IT"],
            "committed": [40.0, 20.0, 40.0, 10.0],
            "agreed_share": [float("nan"), 0.2, float("nan"), float("nan")],
        }
    )
)


def test_agreed_boundaries_stack_in_department_order() -> None:
    marks = agreed_boundaries(SPLIT)
    # T stacks FIN 0.2 | IT 0.4 | MKT 0.4 → boundaries at 0.2 and 0.6; S has one funder, no mark.
    assert list(marks["project"]) == ["T", "T"]
    assert list(marks["boundary"]) == pytest.approx([0.2, 0.6])
    assert list(marks["between"]) == ["FIN | IT", "IT | MKT"]


def _layer_data(spec: dict) -> list:
    return [row for data in spec["datasets"].values() for row in data]


def test_charts_build_with_department_colours_and_titles() -> None:
    funding = funding_split_chart(
        SPLIT, title="F", share_title="S", project_title="P", department_title="D", agreed_title="A"
    ).to_dict()
    assert funding["title"] == "F"
    colors = department_colors(["FIN", "IT", "MKT"])
    assert funding["layer"][0]["encoding"]["color"]["scale"]["range"] == [
        colors[c] for c in ("FIN", "IT", "MKT")
    ]
    fte = pd.DataFrame(
        {
            "month": [D(2026, 1, 1), D(2026, 1, 1)],
            "department": ["IT", "SALES"],
            "fte": [1.0, 0.5],
            "members": [2, 1],
        }
    )
    spec = fte_chart(fte, title="FTE", month_title="M", fte_title="F", department_title="D").to_dict()
    assert spec["encoding"]["color"]["scale"]["domain"] == ["IT", "SALES"]  # any department, not just two
    ownership = ownership_status(
        pd.DataFrame(
            {
                "project": ["A", "A"],
                "area": ["p", "d"],
                "owners": [2, 0],
                "owner_codes": ["IT,MKT", ""],
                "expected": ["IT", "MKT"],
                "off_rule": [1, 0],
            }
        )
    )
    matrix = ownership_matrix_chart(
        ownership,
        area_names={"p": "Processing", "d": "Database"},
        status_names={},
        title="O",
        project_title="P",
        area_title="A",
        owner_title="Ow",
        expected_title="E",
        status_title="S",
        none_label="none",
        several_label="several",
    ).to_dict()
    rows = _layer_data(matrix)
    assert {(r["area_name"], r["owner"], r["label"], r["issue"]) for r in rows} == {
        ("Processing", "several", "IT,MKT !", True),
        ("Database", "none", "– !", True),
    }
    goals = pd.DataFrame(
        {
            "project": ["A"],
            "code": ["G1"],
            "goal": ["g"],
            "target_date": [D(2026, 1, 31)],
            "achieved_date": [None],
            "target_value": [1.0],
            "achieved_value": [None],
            "planned_start": [D(2025, 1, 1)],
        }
    )
    timeline = goal_timeline(goals, as_of_end=D(2026, 3, 31))
    spec = goal_timeline_chart(
        timeline,
        as_of_end=D(2026, 3, 31),
        status_names={},
        title="G",
        goal_title="Goal",
        date_title="Date",
        target_title="T",
        achieved_title="A",
        status_title="S",
        slippage_title="Sl",
        as_of_title="As of",
    ).to_dict()
    goal_rows = [r for r in _layer_data(spec) if "label" in r]
    # Overdue: the slippage bar runs from the target to the as-of date.
    assert goal_rows[0]["label"] == "A · G1" and goal_rows[0]["slip_end"].startswith("2026-03-31")
    assert goal_rows[0]["slippage"] == 59


def test_goals_are_named_by_their_text_when_project_labels_are_given() -> None:
    """With project names the axis reads "code · goal text" in project and goal order (G1
    before G2 although its text sorts after), a text twice in one project keeps its code to
    tell the rows apart, and the tooltip names the project; without them, codes as before."""
    goals = pd.DataFrame(
        {
            "project": ["P-2", "P-1", "P-1", "P-3", "P-3"],
            "code": ["G1", "G2", "G1", "G1", "G2"],
            "goal": ["Same view", "A first goal", "Zebra profile", "Twice", "Twice"],
            "target_date": [D(2026, 1, 31)] * 5,
            "achieved_date": [None] * 5,
            "target_value": [1.0] * 5,
            "achieved_value": [None] * 5,
            "planned_start": [D(2025, 1, 1)] * 5,
        }
    )
    timeline = goal_timeline(goals, as_of_end=D(2026, 3, 31))
    texts = {
        "as_of_end": D(2026, 3, 31),
        "status_names": {},
        "title": "G",
        "goal_title": "Goal",
        "date_title": "Date",
        "target_title": "T",
        "achieved_title": "A",
        "status_title": "S",
        "slippage_title": "Sl",
        "as_of_title": "As of",
    }
    named = goal_timeline_chart(
        timeline,
        **texts,
        project_labels={"P-1": "P-1 · Customer view", "P-2": "P-2 · Web shop"},
        project_title="Project",
    ).to_dict()
    rows = sorted((r for r in _layer_data(named) if "label" in r), key=lambda r: r["order"])
    assert [r["label"] for r in rows] == [
        "P-1 · Zebra profile",
        "P-1 · A first goal",
        "P-2 · Same view",
        "P-3 · Twice (G1)",
        "P-3 · Twice (G2)",
    ]
    assert [r["project_name"] for r in rows][:3] == [
        "P-1 · Customer view",
        "P-1 · Customer view",
        "P-2 · Web shop",
    ]
    assert rows[3]["project_name"] == "P-3"  # no name known: the code
    y = named["layer"][0]["encoding"]["y"]
    assert y["sort"] == {"field": "order", "op": "min"} and y["title"] is None
    assert named["layer"][0]["encoding"]["tooltip"][0] == {
        "field": "project_name",
        "title": "Project",
        "type": "nominal",
    }
    plain = goal_timeline_chart(timeline, **texts).to_dict()
    assert sorted(r["label"] for r in _layer_data(plain) if "label" in r)[0] == "P-1 · G1"
