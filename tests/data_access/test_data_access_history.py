"""History on SQLite and PostgreSQL: effective-dated targets; ownership, funding, team,
project status and house rule versions kept by the importer and by edits (database
triggers, migration 0013); the loaders replay a month with the state recorded at its close."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import Engine, select, text

from access.roles import User
from data_access.audit import load_audit_trail
from data_access.demo import DEMO_HISTORY_START
from data_access.engine import _alembic_config, create_db_engine, upgrade_schema
from data_access.history import load_history_start, months_before_history, state_day
from data_access.importer import export_rows, run_import, to_csv
from data_access.models import OwnershipHistory, Project, ProjectStatusHistory
from data_access.projects import (
    load_funding_by_project,
    load_funding_split,
    load_ownership,
    load_project_status,
    load_projects,
    load_team_by_department,
    load_team_by_months,
    save_house_rule,
)
from data_access.targets import load_target_changes, load_targets, save_target
from domain.filters import Filters
from domain.targets import DEFAULT_TARGETS, Target
from tests.conftest import BACKENDS

SEPTEMBER = dt.date(2026, 9, 1)
FILTERS = Filters(as_of=SEPTEMBER, period_start=dt.date(2026, 1, 1))
EDITOR = User(name="editor@example.nl", email="editor@example.nl", role="editor")


def database_today(engine: Engine) -> dt.date:
    with engine.connect() as conn:
        return dt.date.fromisoformat(str(conn.scalar(text("SELECT CURRENT_DATE")))[:10])


def require_after_september(engine: Engine) -> dt.date:
    today = database_today(engine)
    if today <= dt.date(2026, 9, 30):
        pytest.skip("the replay of September 2026 needs a clock past that month")
    return today


def reimport(engine: Engine, kind: str, rows: list[dict]) -> None:
    report = run_import(
        engine=engine,
        kind=kind,
        file_name=f"{kind}.csv",
        data=to_csv(kind, rows),
        dry_run=False,
        user_name="t",
    )
    assert report.applied, [issue for issue in report.errors]


def test_targets_are_effective_dated_and_every_version_is_kept(empty_engine) -> None:
    save_target(
        engine=empty_engine,
        kpi="cpi",
        target=Target(green=0.9, amber=0.8),
        user_name="cio@example.nl",
        effective_from=dt.date(2026, 3, 17),
    )
    save_target(
        engine=empty_engine,
        kpi="cpi",
        target=Target(green=0.99, amber=0.9),
        user_name="cmo@example.nl",
        effective_from=dt.date(2026, 10, 1),
    )
    assert load_targets(engine=empty_engine, as_of=dt.date(2026, 2, 1))["cpi"] == DEFAULT_TARGETS["cpi"]
    assert load_targets(engine=empty_engine, as_of=SEPTEMBER)["cpi"] == Target(green=0.9, amber=0.8)
    assert load_targets(engine=empty_engine, as_of=dt.date(2026, 10, 1))["cpi"].green == pytest.approx(0.99)
    assert load_targets(engine=empty_engine)["cpi"].green == pytest.approx(0.99)
    changes = load_target_changes(engine=empty_engine)
    assert sorted(changes["effective_from"].tolist()) == [dt.date(2026, 3, 1), dt.date(2026, 10, 1)]
    trail = load_audit_trail(engine=empty_engine, entity="kpi_target")
    assert len(trail) == 2
    # The second change replaced what was in force in October: the March version.
    newest = trail.sort_values("at").iloc[-1]
    assert '"green": 0.9' in newest["old_values"] and '"effective_from": "2026-10-01"' in newest["new_values"]


def test_a_band_is_stored_and_loaded(empty_engine) -> None:
    band = Target(green=1.03, amber=1.1, direction="lower", low_green=0.97, low_amber=0.92)
    save_target(engine=empty_engine, kpi="budget_realisation", target=band, user_name="x")
    assert load_targets(engine=empty_engine)["budget_realisation"] == band


def test_history_is_kept_by_the_importer(demo_copy) -> None:
    engine = demo_copy
    require_after_september(engine)
    september = load_ownership(engine=engine, filters=FILTERS, as_of=SEPTEMBER)
    rows = export_rows(engine=engine, kind="ownership")
    for row in rows:
        if (row["project"], row["area"]) == ("P-001", "data_policy"):
            row["department"] = "MKT"
    reimport(engine, "ownership", rows)
    now = load_ownership(engine=engine, filters=FILTERS)
    cell = (now["project"] == "P-001") & (now["area"] == "data_policy")
    assert now.loc[cell, ["owner_codes", "off_rule"]].values.tolist() == [["MKT", 1]]
    assert load_ownership(engine=engine, filters=FILTERS, as_of=SEPTEMBER).equals(september)
    with engine.connect() as conn:
        project = conn.scalar(select(Project.id).where(Project.code == "P-001"))
        versions = conn.execute(
            select(OwnershipHistory.valid_from, OwnershipHistory.valid_to)
            .where(OwnershipHistory.project_id == project)
            .order_by(OwnershipHistory.id)
        ).all()
    assert len(versions) == 5  # four areas, one of them closed and reopened
    assert sum(1 for _, valid_to in versions if valid_to is not None) == 1

    statuses = export_rows(engine=engine, kind="projects")
    before = {row["code"]: row["status"] for row in statuses}
    for row in statuses:
        if row["code"] == "P-001":
            row["status"] = "on_hold"
    reimport(engine, "projects", statuses)
    then = load_project_status(engine=engine, as_of=SEPTEMBER).set_index("code")["status"]
    assert then["P-001"] == before["P-001"] != "on_hold"
    assert load_project_status(engine=engine).set_index("code")["status"]["P-001"] == "on_hold"

    funding_then = load_funding_split(engine=engine, filters=FILTERS, as_of=SEPTEMBER)
    by_project_then = load_funding_by_project(engine=engine, filters=FILTERS, as_of=SEPTEMBER)
    funding = export_rows(engine=engine, kind="funding")
    for row in funding:
        if row["project"] == "P-001":
            row["committed_amount"] = row["committed_amount"] * 2
    reimport(engine, "funding", funding)
    assert load_funding_split(engine=engine, filters=FILTERS, as_of=SEPTEMBER).equals(funding_then)
    assert load_funding_by_project(engine=engine, filters=FILTERS, as_of=SEPTEMBER).equals(by_project_then)
    assert not load_funding_split(engine=engine, filters=FILTERS).equals(funding_then)

    team_then = load_team_by_department(engine=engine, filters=FILTERS, as_of=SEPTEMBER)
    team = export_rows(engine=engine, kind="team")
    changed = next(row for row in team if row["project"] == "P-001" and row["end_month"] is None)
    changed["end_month"] = dt.date(2026, 6, 1)  # recorded today: September's replay keeps the member
    reimport(engine, "team", team)
    assert load_team_by_department(engine=engine, filters=FILTERS, as_of=SEPTEMBER).equals(team_then)
    assert not load_team_by_department(engine=engine, filters=FILTERS).equals(team_then)


def test_a_house_rule_edit_keeps_the_earlier_rule_for_the_replay(demo_copy) -> None:
    engine = demo_copy
    require_after_september(engine)
    september = load_ownership(engine=engine, filters=FILTERS, as_of=SEPTEMBER)
    assert save_house_rule(engine=engine, user=EDITOR, expected={"data_policy": "MKT"}) == 1
    assert load_ownership(engine=engine, filters=FILTERS, as_of=SEPTEMBER).equals(september)
    now = load_ownership(engine=engine, filters=FILTERS)
    assert set(now.loc[now["area"] == "data_policy", "expected"]) == {"MKT"}
    assert set(september.loc[september["area"] == "data_policy", "expected"]) == {"IT"}


def test_the_demo_has_history_in_2026(demo_copy) -> None:
    engine = demo_copy
    assert load_history_start(engine=engine) == DEMO_HISTORY_START
    june, october = dt.date(2026, 6, 1), dt.date(2026, 10, 1)
    owners = {
        month: load_ownership(engine=engine, filters=FILTERS, as_of=month).set_index(["project", "area"])
        for month in (june, october)
    }
    assert owners[june].loc[("P-002", "data_processing"), "owner_codes"] == "MKT"
    assert owners[october].loc[("P-002", "data_processing"), "owner_codes"] == "IT"
    status = {
        m: load_project_status(engine=engine, as_of=m).set_index("code")["status"] for m in (june, october)
    }
    assert (status[june]["P-020"], status[october]["P-020"]) == ("active", "on_hold")
    projects = load_projects(engine=engine, filters=FILTERS, as_of=june).set_index("code")["status"]
    assert projects["P-020"] == "active"
    assert load_projects(engine=engine, filters=FILTERS).set_index("code")["status"]["P-020"] == "on_hold"
    # Before history began a month is replayed with the state at its start, and marked.
    assert state_day(dt.date(2026, 4, 1), DEMO_HISTORY_START) == DEMO_HISTORY_START
    assert months_before_history([dt.date(2026, 5, 1), june], DEMO_HISTORY_START) == (dt.date(2026, 5, 1),)
    months = [dt.date(2026, m, 1) for m in range(4, 11)]
    replayed = load_team_by_months(engine=engine, filters=FILTERS, months=months, replay=True)
    current = load_team_by_months(engine=engine, filters=FILTERS, months=months)
    assert all(replayed[m].equals(current[m]) for m in months)  # no team change in the demo


@pytest.mark.parametrize("backend_url", BACKENDS, indirect=True)
def test_the_migration_starts_history_from_the_existing_rows(backend_url) -> None:
    engine = create_db_engine(backend_url)
    try:
        upgrade_schema(engine, "0012")
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO department (id, code, name_nl, name_en) VALUES (1, 'IT', 'IT', 'IT')")
            )
            conn.execute(
                text(
                    "INSERT INTO project (id, code, name, status, planned_start, planned_end) "
                    "VALUES (1, 'P-1', 'One', 'active', :start, :end)"
                ),
                {"start": dt.date(2025, 3, 1), "end": dt.date(2026, 12, 31)},
            )
            conn.execute(
                text(
                    "INSERT INTO kpi_target (kpi, green, amber, direction, updated_by, updated_at) "
                    "VALUES ('cpi', 0.9, 0.8, 'higher', 'x', :at)"
                ),
                {"at": dt.datetime(2026, 11, 20, 10, 0)},
            )
        upgrade_schema(engine)
        today = database_today(engine)
        with engine.connect() as conn:
            versions = conn.execute(
                select(ProjectStatusHistory.status, ProjectStatusHistory.valid_from)
            ).all()
        assert [(s, str(d)[:10]) for s, d in versions] == [("active", "2025-03-01")]
        assert load_history_start(engine=engine) == today
        assert load_targets(engine=engine, as_of=dt.date(2026, 10, 1))["cpi"] == DEFAULT_TARGETS["cpi"]
        assert load_targets(engine=engine, as_of=dt.date(2026, 11, 1))["cpi"] == Target(green=0.9, amber=0.8)
        config = _alembic_config()  # and back down: the latest target survives
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0012")
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT kpi, green FROM kpi_target")).all()
        assert [(kpi, float(green)) for kpi, green in rows] == [("cpi", 0.9)]
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "choices",
    [
        {},
        {"departments": ("IT",)},
        {"statuses": ("active",)},
        {"departments": ("MKT",), "projects": ("P-001", "P-014")},
    ],
)
def test_the_recorded_funding_of_a_month_without_changes_is_the_current_one(demo_engine, choices) -> None:
    """The demo records no funding change: every month's recorded funding is today's, so the
    replay path (memoised split, filtered in pandas) must give the SQL path's frame."""
    for month in (dt.date(2025, 3, 1), dt.date(2026, 10, 1)):
        filters = dataclasses.replace(Filters(as_of=month, period_start=dt.date(month.year, 1, 1)), **choices)
        now = load_funding_by_project(engine=demo_engine, filters=filters)
        assert not now.empty
        pd.testing.assert_frame_equal(
            load_funding_by_project(engine=demo_engine, filters=filters, as_of=month), now
        )
