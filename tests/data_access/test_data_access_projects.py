"""Projects queries on real SQLite and PostgreSQL: a tiny hand-made portfolio, the house-rule
write with its audit trail and right check, and the demo data's planted problems."""

import datetime as dt
import json

import pandas as pd
import pytest
from sqlalchemy import insert, select, update

from access.roles import NotAllowed, User
from data_access.audit import load_audit_trail
from data_access.budget import load_budget_by_month
from data_access.demo import DEMO_AS_OF, DEMO_PLANTED
from data_access.engine import bump_data_version, read_data_version
from data_access.models import BudgetLine, Funding, Ownership, Project, ResponsibilityArea, TeamMember
from data_access.projects import (
    load_actual_spend_by_project,
    load_fte_by_month,
    load_funding_split,
    load_insight_goals,
    load_ownership,
    load_projects,
    load_responsibility_areas,
    load_team_by_department,
    save_house_rule,
)
from domain.filters import Filters
from domain.months import first_of_month
from kpis.goals import goal_timeline, goals_per_million
from kpis.ownership import ownership_clarity, ownership_issues, ownership_status
from kpis.projects import collaboration_exceptions
from kpis.teams import mixed_teams_share, team_mix
from tests.factories import insert_tiny_portfolio

D = dt.date
MARCH = Filters(as_of=D(2026, 3, 1), period_start=D(2026, 1, 1))
EDITOR = User(name="erik", email=None, role="editor")
VIEWER = User(name="vera", email=None, role="viewer")


def add_teams_and_ownership(engine) -> None:
    """On top of the tiny portfolio (A joint MKT+IT, B MKT only; MKT=1, IT=2, FIN=3):

    a project C (joint MKT 0.7 recorded + IT unrecorded, starts 2026-06, after March);
    areas processing (rule IT) and database (rule MKT); A: processing IT, database IT (breach);
    B: processing IT + MKT (double), no database row (missing).
    Team A: m1 MKT 1.0 Jan–Mar, i1 IT 0.5 from Feb (open), i2 IT 0.5 Jan only; B: m2 MKT 0.4 Jan–Feb.
    """
    with engine.begin() as conn:
        conn.execute(
            insert(Project),
            [
                {
                    "id": 3,
                    "code": "C",
                    "name": "Gamma",
                    "status": "proposed",
                    "planned_start": D(2026, 6, 1),
                    "planned_end": D(2026, 12, 31),
                }
            ],
        )
        conn.execute(
            insert(Funding),
            [
                {"project_id": 3, "department_id": 1, "committed_amount": 70.0, "agreed_share": 0.7},
                {"project_id": 3, "department_id": 2, "committed_amount": 30.0, "agreed_share": None},
            ],
        )
        conn.execute(
            insert(ResponsibilityArea),
            [
                {
                    "id": 1,
                    "code": "processing",
                    "name_nl": "Verwerking",
                    "name_en": "Processing",
                    "expected_department_id": 2,
                },
                {
                    "id": 2,
                    "code": "database",
                    "name_nl": "Database",
                    "name_en": "Database",
                    "expected_department_id": 1,
                },
            ],
        )
        conn.execute(
            insert(Ownership),
            [
                {"project_id": 1, "area_id": 1, "department_id": 2},
                {"project_id": 1, "area_id": 2, "department_id": 2},
                {"project_id": 2, "area_id": 1, "department_id": 2},
                {"project_id": 2, "area_id": 1, "department_id": 1},
            ],
        )
        conn.execute(
            insert(TeamMember),
            [
                {
                    "project_id": 1,
                    "person_ref": "m1",
                    "department_id": 1,
                    "fte": 1.0,
                    "start_month": D(2026, 1, 1),
                    "end_month": D(2026, 3, 1),
                },
                {
                    "project_id": 1,
                    "person_ref": "i1",
                    "department_id": 2,
                    "fte": 0.5,
                    "start_month": D(2026, 2, 1),
                    "end_month": None,
                },
                {
                    "project_id": 1,
                    "person_ref": "i2",
                    "department_id": 2,
                    "fte": 0.5,
                    "start_month": D(2026, 1, 1),
                    "end_month": D(2026, 1, 1),
                },
                {
                    "project_id": 2,
                    "person_ref": "m2",
                    "department_id": 1,
                    "fte": 0.4,
                    "start_month": D(2026, 1, 1),
                    "end_month": D(2026, 2, 1),
                },
            ],
        )
        bump_data_version(conn)


@pytest.fixture
def tiny(empty_engine):
    insert_tiny_portfolio(empty_engine)
    add_teams_and_ownership(empty_engine)
    return empty_engine


def test_projects_and_funding_split_leave_out_later_starts(tiny) -> None:
    assert list(load_projects(engine=tiny, filters=MARCH)["code"]) == ["A", "B"]
    december = Filters(as_of=D(2026, 12, 1), period_start=D(2026, 1, 1))
    assert list(load_projects(engine=tiny, filters=december)["code"]) == ["A", "B", "C"]
    split = load_funding_split(engine=tiny, filters=december)
    assert split.to_dict("records")[-2:] == [
        {
            "project": "C",
            "department": "IT",
            "committed": 30.0,
            "agreed_share": pytest.approx(float("nan"), nan_ok=True),
        },
        {"project": "C", "department": "MKT", "committed": 70.0, "agreed_share": 0.7},
    ]
    # A department filter keeps every funder of the projects it funds.
    it_only = Filters(as_of=MARCH.as_of, period_start=MARCH.period_start, departments=("IT",))
    assert load_funding_split(engine=tiny, filters=it_only)[["project", "department"]].values.tolist() == [
        ["A", "IT"],
        ["A", "MKT"],
    ]


def test_team_in_the_as_of_month_and_fte_over_time(tiny) -> None:
    team = load_team_by_department(engine=tiny, filters=MARCH)
    # March: A has m1 (MKT 1.0) and i1 (IT 0.5, open-ended); i2 left in January; B's m2 ended in February.
    assert team.to_dict("records") == [
        {"project": "A", "department": "IT", "members": 1, "fte": 0.5},
        {"project": "A", "department": "MKT", "members": 1, "fte": 1.0},
    ]
    fte = load_fte_by_month(engine=tiny, filters=MARCH)
    assert [(r["month"], r["department"], r["fte"], r["members"]) for r in fte.to_dict("records")] == [
        (D(2026, 1, 1), "IT", 0.5, 1),
        (D(2026, 1, 1), "MKT", 1.4, 2),
        (D(2026, 2, 1), "IT", 0.5, 1),
        (D(2026, 2, 1), "MKT", 1.4, 2),
        (D(2026, 3, 1), "IT", 0.5, 1),
        (D(2026, 3, 1), "MKT", 1.0, 1),
    ]
    only_b = load_fte_by_month(engine=tiny, filters=MARCH, project="B")
    assert list(only_b["fte"]) == [0.4, 0.4]
    funding = load_funding_split(engine=tiny, filters=MARCH)
    assert mixed_teams_share(team_mix(team, funding)).value == 1.0  # A is the only joint project


def test_ownership_matrix_in_sql(tiny) -> None:
    areas = load_responsibility_areas(engine=tiny)
    assert list(zip(areas["code"], areas["expected_department"], strict=True)) == [
        ("processing", "IT"),
        ("database", "MKT"),
    ]
    matrix = load_ownership(engine=tiny, filters=MARCH)
    assert matrix.to_dict("records") == [
        {
            "project": "A",
            "area": "processing",
            "owners": 1,
            "owner_codes": "IT",
            "expected": "IT",
            "off_rule": 0,
        },
        {
            "project": "A",
            "area": "database",
            "owners": 1,
            "owner_codes": "IT",
            "expected": "MKT",
            "off_rule": 1,
        },
        {
            "project": "B",
            "area": "processing",
            "owners": 2,
            "owner_codes": "IT,MKT",
            "expected": "IT",
            "off_rule": 1,
        },
        {
            "project": "B",
            "area": "database",
            "owners": 0,
            "owner_codes": "",
            "expected": "MKT",
            "off_rule": 0,
        },
    ]
    status = ownership_status(matrix)
    assert list(status["status"]) == ["ok", "breach", "double", "missing"]
    assert ownership_clarity(status).value == 0.0


def test_actual_spend_and_goals(tiny) -> None:
    spend = load_actual_spend_by_project(engine=tiny, filters=MARCH)
    # A: 5 × 110 − 20 = 530; B: 50 (February not booked).
    assert spend.to_dict("records") == [{"project": "A", "actual": 530.0}, {"project": "B", "actual": 50.0}]
    goals = load_insight_goals(engine=tiny, filters=MARCH)
    assert list(goals["planned_start"]) == [D(2026, 1, 1)] * 3
    timeline = goal_timeline(goals, as_of_end=MARCH.as_of_end)
    # Reached by 31 March: only A-G1 (A-G2 came on 15 April).
    assert goals_per_million(timeline, spend).value == pytest.approx(1 / (580 / 1_000_000))


def test_actual_spend_leaves_out_projects_without_a_booking(tiny) -> None:
    """Planned lines without any actual up to the as-of month are no spend: the project is
    left out (as the sum over booked lines in SQL leaves it out), month by month."""
    import tests.oracles as oracles

    with tiny.begin() as conn:  # B's one booking (January) undone: B has plan, no actuals
        b_id = conn.scalar(select(Project.id).where(Project.code == "B"))
        conn.execute(update(BudgetLine).where(BudgetLine.project_id == b_id).values(actual=None))
        bump_data_version(conn)
    seen_unbooked = False
    for month in range(1, 7):
        filters = Filters.year_to_date(D(2026, month, 1))
        spend = load_actual_spend_by_project(engine=tiny, filters=filters)
        expected = oracles.query_actual_spend_by_project(engine=tiny, filters=filters)
        assert spend.to_dict("records") == expected.to_dict("records"), month
        planned = load_budget_by_month(engine=tiny, filters=filters, by=("project",), span="period")
        seen_unbooked |= bool(set(planned["project"]) - set(spend["project"]))
    assert seen_unbooked  # the case this test is about occurs


def test_house_rule_write_records_audit_and_bumps_the_version(tiny) -> None:
    before = read_data_version(tiny)
    changed = save_house_rule(engine=tiny, user=EDITOR, expected={"processing": "IT", "database": "IT"})
    assert changed == 1
    areas = load_responsibility_areas(engine=tiny)
    assert dict(zip(areas["code"], areas["expected_department"], strict=True)) == {
        "processing": "IT",
        "database": "IT",
    }
    assert read_data_version(tiny) == before + 1
    trail = load_audit_trail(engine=tiny, entity="responsibility_area")
    assert len(trail) == 1
    row = trail.iloc[0]
    assert (row["user_name"], row["entity_id"], row["action"]) == ("erik", "database", "update")
    assert json.loads(row["old_values"]) == {"expected_department": "MKT"}
    assert json.loads(row["new_values"]) == {"expected_department": "IT"}
    # With the new rule, A's IT database owner is no longer a breach.
    assert list(ownership_status(load_ownership(engine=tiny, filters=MARCH))["status"]) == [
        "ok",
        "ok",
        "double",
        "missing",
    ]
    assert save_house_rule(engine=tiny, user=EDITOR, expected={"processing": None}) == 1
    assert pd.isna(load_responsibility_areas(engine=tiny)["expected_department"].tolist()[0])


def test_house_rule_write_refuses_a_viewer_and_bad_codes(tiny) -> None:
    before = read_data_version(tiny)
    with pytest.raises(NotAllowed):
        save_house_rule(engine=tiny, user=VIEWER, expected={"database": "IT"})
    with pytest.raises(ValueError, match="NOPE"):
        save_house_rule(engine=tiny, user=EDITOR, expected={"processing": "MKT", "database": "NOPE"})
    areas = load_responsibility_areas(engine=tiny)
    assert list(areas["expected_department"]) == ["IT", "MKT"]  # nothing written
    assert read_data_version(tiny) == before
    assert load_audit_trail(engine=tiny, entity="responsibility_area").empty


def test_demo_planted_problems_are_detected(demo_engine) -> None:
    filters = Filters(as_of=first_of_month(DEMO_AS_OF), period_start=D(2026, 1, 1))
    funding = load_funding_split(engine=demo_engine, filters=filters)
    mix = team_mix(load_team_by_department(engine=demo_engine, filters=filters), funding)
    status = ownership_status(load_ownership(engine=demo_engine, filters=filters))
    timeline = goal_timeline(load_insight_goals(engine=demo_engine, filters=filters), as_of_end=DEMO_AS_OF)
    exceptions = collaboration_exceptions(mix, status, timeline)

    def projects(kind: str) -> set[str]:
        return set(exceptions.loc[exceptions["kind"] == kind, "project"])

    assert projects("house_rule_breach") == set(DEMO_PLANTED["house_rule_breach"])
    assert projects("missing_owner") == set(DEMO_PLANTED["missing_owner"])
    assert projects("double_owner") == set(DEMO_PLANTED["double_owner"])
    assert projects("unmixed_team") == set(DEMO_PLANTED["unmixed_team"])
    assert projects("late_goal") == set(DEMO_PLANTED["goals_overdue_open"]) | set(
        DEMO_PLANTED["goals_reached_late"]
    )
    late = timeline[timeline["late"]]
    assert set(late.loc[late["status"] == "overdue", "project"]) == set(DEMO_PLANTED["goals_overdue_open"])
    assert set(late.loc[late["status"] == "reached_late", "project"]) == set(
        DEMO_PLANTED["goals_reached_late"]
    )
    # Single-funded projects are never joint, and the three-funder project splits 40/40/20.
    joint = mix.set_index("project")["joint"]
    assert not any(joint[p] for p in DEMO_PLANTED["single_funded"])
    shares = funding[funding["project"] == "P-009"].set_index("department")["agreed_share"]
    assert shares.to_dict() == {"FIN": 0.2, "IT": 0.4, "MKT": 0.4}
    issues = ownership_issues(status)
    assert len(issues) == 4
