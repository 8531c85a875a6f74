"""The demo data generator: idempotent, deterministic, the same on SQLite and PostgreSQL, and
carrying the planted problems that the dashboard is meant to surface."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, func, select

from data_access.demo import (
    DEMO_AS_OF,
    DEMO_LAST_ACTUAL_MONTH,
    DEMO_PLANTED,
    build_demo_data,
    main,
    projects_for_budget_lines,
    seed_demo,
)
from data_access.engine import create_db_engine, read_data_version, upgrade_schema
from data_access.models import (
    AppState,
    BudgetLine,
    Department,
    Funding,
    InsightGoal,
    KpiTarget,
    Ownership,
    Progress,
    Project,
    ResponsibilityArea,
    SteeringAction,
    SteeringDecision,
    SurveyComment,
    SurveyResponse,
    TeamMember,
)
from tests.data_access.demo_cases import CUTOFF, budget, fingerprint, frame, funders, table_counts


def test_seed_is_idempotent_and_equal_on_both_backends(
    empty_engine: Engine, demo_sqlite_engine: Engine
) -> None:
    version = read_data_version(empty_engine)
    counts = seed_demo(empty_engine)
    assert counts == table_counts(empty_engine)
    assert counts["project"] == 25 and counts["department"] == 3 and counts["cost_category"] == 4
    assert read_data_version(empty_engine) == version + 1

    assert seed_demo(empty_engine) == {}
    assert seed_demo(empty_engine, scale="large", n_projects=30) == {}
    assert table_counts(empty_engine) == counts
    assert read_data_version(empty_engine) == version + 1

    # The same content on this backend as on the SQLite reference seeded by conftest.
    assert fingerprint(empty_engine) == fingerprint(demo_sqlite_engine)


def test_two_fresh_databases_hold_identical_rows(tmp_path: Path, demo_sqlite_engine: Engine) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'again.db'}")
    upgrade_schema(engine)
    seed_demo(engine)
    dumps = [
        select(Project).order_by(Project.code),
        select(Funding).order_by(Funding.id),
        select(Ownership).order_by(Ownership.id),
        select(TeamMember).order_by(TeamMember.id),
        select(InsightGoal).order_by(InsightGoal.id),
        select(BudgetLine).order_by(BudgetLine.id),
        select(Progress).order_by(Progress.id),
        select(SurveyResponse).order_by(SurveyResponse.id),
        select(SurveyComment).order_by(SurveyComment.id),
        select(SteeringAction).order_by(SteeringAction.id),
    ]
    for query in dumps:
        with engine.connect() as a, demo_sqlite_engine.connect() as b:
            assert a.execute(query).all() == b.execute(query).all(), query
    engine.dispose()


def test_the_seed_drives_the_numbers() -> None:
    one = build_demo_data()
    other = build_demo_data(seed=1)
    assert len(one.lines["planned"]) == len(other.lines["planned"])  # same plan grid
    assert not np.array_equal(one.lines["planned"], other.lines["planned"])
    assert [p.code for p in one.projects] == [p.code for p in other.projects]


# -- planted features (on SQLite and PostgreSQL) ---------------------------------------


def test_projects_statuses_and_funding(demo_engine: Engine) -> None:
    projects = frame(demo_engine, select(Project.code, Project.status, Project.actual_end, Project.rag))
    assert len(projects) == 25
    by_status = projects.groupby("status")["code"].apply(lambda c: tuple(sorted(c))).to_dict()
    assert by_status["done"] == DEMO_PLANTED["done"]
    assert by_status["proposed"] == DEMO_PLANTED["proposed"]
    assert by_status["on_hold"] == DEMO_PLANTED["on_hold"]
    assert by_status["cancelled"] == DEMO_PLANTED["cancelled"]
    assert len(by_status["active"]) == 18
    done = projects[projects.status.isin(["done", "cancelled"])]
    assert done["actual_end"].notna().all()
    assert projects[projects.status == "active"]["actual_end"].isna().all()

    rows = funders(demo_engine)
    n = rows.groupby("code")["n_funders"].first()
    assert tuple(sorted(n[n == 1].index)) == DEMO_PLANTED["single_funded"]
    assert tuple(n[n == 3].index) == DEMO_PLANTED["three_funders"]
    assert (n >= 2).sum() == 21
    recorded = rows[rows.agreed_share.notna()]
    assert tuple(sorted(recorded.code.unique())) == DEMO_PLANTED["recorded_split"]
    assert recorded.groupby("code")["agreed_share"].sum().round(4).eq(1.0).all()
    three = rows[rows.code == "P-009"].set_index("dept")["agreed_share"].to_dict()
    assert three == {"MKT": 0.4, "IT": 0.4, "FIN": 0.2}


def test_budget_lines_and_planted_budget_problems(demo_engine: Engine) -> None:
    lines = budget(demo_engine)
    assert (lines.month.dt.day == 1).all()
    assert lines.month.min() == pd.Timestamp("2024-01-01")
    assert lines.month.max() == pd.Timestamp("2026-12-01")
    assert lines[lines.month > CUTOFF]["actual"].isna().all()
    assert set(lines[lines.actual < 0].code) == set(DEMO_PLANTED["negative_actuals"])
    unplanned = lines[(lines.planned == 0) & lines.actual.notna()]
    assert set(unplanned.code) == set(DEMO_PLANTED["actual_without_plan"])
    assert (lines[lines.planned != 0].planned > 0).all()
    # P-004 started two months late: nothing booked in its first two planned months.
    p004 = lines[lines.code == "P-004"]
    assert p004[p004.month < pd.Timestamp("2025-03-01")]["actual"].isna().all()
    assert p004[p004.month == pd.Timestamp("2025-03-01")]["actual"].notna().all()
    # The cancelled project's actuals stop at the cancellation.
    p021 = lines[lines.code == "P-021"]
    assert p021[p021.month > pd.Timestamp("2025-06-01")]["actual"].isna().all()
    assert p021[p021.month > pd.Timestamp("2025-06-01")]["planned"].gt(0).all()
    assert not lines.code.isin(DEMO_PLANTED["proposed"]).any()

    # Committed funding equals the department's plan, to the cent.
    rows = funders(demo_engine)
    plan = lines.groupby(["code", "dept"])["planned"].sum().round(2)
    committed = rows.set_index(["code", "dept"])["committed_amount"].loc[plan.index]
    assert np.allclose(plan.values, committed.values, atol=0.005)

    to_date = lines[lines.month <= CUTOFF]
    spend = to_date.groupby("code")[["planned", "actual"]].sum()
    realisation = spend.actual / spend.planned
    assert set(realisation[realisation >= 1.15].index) == set(DEMO_PLANTED["over_budget"])
    assert realisation.drop(list(DEMO_PLANTED["over_budget"])).max() < 1.1

    share = to_date.groupby(["code", "dept"])["actual"].sum()
    share = (share / share.groupby(level="code").transform("sum")).rename("share").reset_index()
    joint = rows[rows.n_funders >= 2].merge(share, on=["code", "dept"])
    drift = (joint.share - joint.agreed).abs().groupby(joint.code).max()
    assert set(drift[drift > 0.10].index) == set(DEMO_PLANTED["funding_drift"])
    assert drift.drop(list(DEMO_PLANTED["funding_drift"])).max() < 0.05
    it_share = joint[(joint.code == "P-002") & (joint.dept == "IT")]["share"].iloc[0]
    assert 0.3 < it_share < 0.4


def test_progress_and_lateness(demo_engine: Engine) -> None:
    progress = frame(
        demo_engine,
        select(Project.code, Progress.month, Progress.pct_complete).join(
            Project, Project.id == Progress.project_id
        ),
    )
    progress["month"] = pd.to_datetime(progress["month"])
    assert progress.month.max() == CUTOFF
    assert progress.pct_complete.between(0, 100).all()
    for _, series in progress.sort_values("month").groupby("code")["pct_complete"]:
        assert series.is_monotonic_increasing
    projects = frame(demo_engine, select(Project.code, Project.status))
    active = set(projects[projects.status == "active"].code)
    assert active - set(progress.code) == set(DEMO_PLANTED["no_progress"])
    finished = progress.sort_values("month").groupby("code")["pct_complete"].last()
    assert (finished[list(DEMO_PLANTED["done"])] == 100).all()

    lines = budget(demo_engine)
    bac = lines.groupby("code")["planned"].sum()
    pv = lines[lines.month <= CUTOFF].groupby("code")["planned"].sum()
    spi = (finished / 100 * bac / pv).dropna()
    spi = spi[spi.index.isin(active)]
    assert set(spi[spi < 0.8].index) == set(DEMO_PLANTED["late"])
    assert spi.drop(list(DEMO_PLANTED["late"])).min() > 0.9


def test_ownership_house_rule_and_clarity(demo_engine: Engine) -> None:
    owners = frame(
        demo_engine,
        select(
            Project.code,
            ResponsibilityArea.code.label("area"),
            Ownership.department_id,
            ResponsibilityArea.expected_department_id,
        )
        .join(Project, Project.id == Ownership.project_id)
        .join(ResponsibilityArea, ResponsibilityArea.id == Ownership.area_id),
    )
    per_area = owners.groupby(["code", "area"])["department_id"].transform("count")
    against_rule = owners[owners.department_id != owners.expected_department_id]
    single_breaches = against_rule[per_area[against_rule.index] == 1]
    assert len(single_breaches) == 2
    assert tuple(sorted(single_breaches.code)) == DEMO_PLANTED["house_rule_breach"]
    # The double owner's second department is against the rule as well.
    assert set(against_rule.code) == set(DEMO_PLANTED["house_rule_breach"] + DEMO_PLANTED["double_owner"])
    doubles = owners.groupby(["code", "area"]).size()
    assert tuple(doubles[doubles > 1].index.get_level_values("code")) == DEMO_PLANTED["double_owner"]
    areas = owners.groupby("code")["area"].nunique()
    assert tuple(areas[areas < 4].index) == DEMO_PLANTED["missing_owner"]
    assert len(areas) == 25
    expected = frame(
        demo_engine,
        select(ResponsibilityArea.code, Department.code.label("dept")).join(
            Department, Department.id == ResponsibilityArea.expected_department_id
        ),
    )
    assert dict(zip(expected.code, expected.dept, strict=True)) == {
        "data_processing": "IT",
        "data_policy": "IT",
        "customer_database": "MKT",
        "campaign_use": "MKT",
    }


def test_teams(demo_engine: Engine) -> None:
    team = frame(
        demo_engine,
        select(
            Project.code,
            TeamMember.person_ref,
            Department.code.label("dept"),
            TeamMember.fte,
            TeamMember.start_month,
            TeamMember.end_month,
        )
        .join(Project, Project.id == TeamMember.project_id)
        .join(Department, Department.id == TeamMember.department_id),
    )
    assert team.person_ref.str.fullmatch(r"E-\d{5}").all()
    assert team.fte.between(0.01, 1.0).all()
    assert (pd.to_datetime(team.start_month).dt.day == 1).all()
    ended = team.dropna(subset=["end_month"])
    assert (ended.end_month >= ended.start_month).all()
    rows = funders(demo_engine)
    joint = rows[rows.n_funders >= 2].code.unique()
    staffed = team.groupby("code")["dept"].agg(set)
    unmixed = [code for code in joint if not {"MKT", "IT"} <= staffed[code]]
    assert tuple(sorted(unmixed)) == DEMO_PLANTED["unmixed_team"]
    assert "FIN" in staffed["P-009"]


def test_insight_goals(demo_engine: Engine) -> None:
    goals = frame(
        demo_engine,
        select(
            Project.code,
            InsightGoal.code.label("goal"),
            InsightGoal.target_value,
            InsightGoal.target_date,
            InsightGoal.achieved_value,
            InsightGoal.achieved_date,
        ).join(Project, Project.id == InsightGoal.project_id),
    )
    assert goals.groupby("code").size().between(1, 3).all() and goals.code.nunique() == 25
    reached = goals.achieved_date.notna()
    assert (goals.achieved_value.notna() == reached).all()
    assert (goals[reached].achieved_value >= goals[reached].target_value).all()
    assert (goals[reached].achieved_date <= DEMO_AS_OF).all()
    overdue = goals[~reached & (goals.target_date < DEMO_AS_OF)]
    assert tuple(sorted(overdue.code.unique())) == DEMO_PLANTED["goals_overdue_open"]
    late = goals[reached & (goals.achieved_date > goals.target_date)]
    assert tuple(sorted(late.code.unique())) == DEMO_PLANTED["goals_reached_late"]
    assert (reached & (goals.achieved_date <= goals.target_date)).sum() >= 10
    assert (~reached & (goals.target_date > DEMO_AS_OF)).sum() >= 8


def test_steering_log_and_no_targets(demo_engine: Engine) -> None:
    actions = frame(
        demo_engine,
        select(
            SteeringAction.meeting_month,
            SteeringAction.due_date,
            SteeringAction.status,
            SteeringAction.closed_on,
            SteeringAction.created_by,
            SteeringAction.decision_id,
        ),
    )
    decisions = frame(demo_engine, select(SteeringDecision.meeting_month, SteeringDecision.created_by))
    months = sorted(set(pd.to_datetime(decisions.meeting_month).dt.strftime("%Y-%m")))
    assert months == ["2026-05", "2026-06", "2026-07", "2026-08", "2026-09", "2026-10"]
    assert set(actions.created_by) == {"demo"} and set(decisions.created_by) == {"demo"}
    assert actions.decision_id.notna().all()
    done = actions[actions.status == "done"]
    assert done.closed_on.notna().all()
    assert (done.closed_on > done.due_date).sum() >= 1  # closed, but after the due date
    still_open = actions[actions.status.isin(["open", "in_progress"])]
    assert still_open.closed_on.isna().all()
    assert (still_open.due_date < DEMO_AS_OF).sum() >= 2  # overdue
    assert (still_open.due_date > DEMO_AS_OF).sum() >= 2  # not yet due
    with demo_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(KpiTarget)) == 0
        assert conn.scalar(select(AppState.value).where(AppState.key == "data_version")) is not None


# -- the large profile -----------------------------------------------------------------


def test_small_run_of_the_large_profile(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'large40.db'}")
    upgrade_schema(engine)
    counts = seed_demo(engine, scale="large", n_projects=40)
    assert counts == table_counts(engine)
    assert counts["project"] == 40 and counts["cost_category"] == 12
    assert 15_000 < counts["budget_line"] < 35_000
    assert counts["survey_response"] == 9_900
    lines = budget(engine)
    assert lines[lines.month > CUTOFF]["actual"].isna().all()
    assert {"P-001", "P-040"} <= set(lines.code)
    engine.dispose()


def test_large_profile_size_without_database() -> None:
    data = build_demo_data(scale="large")
    assert len(data.projects) == 2000
    assert 1_150_000 <= len(data.lines["planned"]) <= 1_250_000
    assert 190_000 <= len(data.responses["score"]) <= 210_000
    assert not np.isnan(data.lines["planned"]).any()
    assert (data.lines["month"][~np.isnan(data.lines["actual"])] <= 33).all()
    assert 90_000 <= projects_for_budget_lines(100_000) * 617 <= 110_000


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="exactly 25"):
        build_demo_data(scale="demo", n_projects=100)
    with pytest.raises(ValueError, match="unknown scale"):
        build_demo_data(scale="huge")
    with pytest.raises(ValueError, match="at least 25"):
        build_demo_data(scale="large", n_projects=10)


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--database-url", url]) == 0
    out = capsys.readouterr().out
    assert "budget_line" in out and "seeded demo data" in out
    assert main(["--database-url", url]) == 0
    assert "nothing seeded" in capsys.readouterr().out
    assert main(["--database-url", "nosuchdb://x"]) == 1
    assert date(2026, 10, 1) == DEMO_LAST_ACTUAL_MONTH
