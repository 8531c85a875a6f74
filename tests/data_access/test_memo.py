"""The memoised loaders (data_access.memo): the same frames as the per-filter SQL on the demo
for several filter sets (SQLite and PostgreSQL), the same single view, and a fresh answer
after every import or edit (the data version moves)."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from sqlalchemy import Engine

import data_access.budget as budget
import data_access.projects as projects
import data_access.reference as reference
import data_access.scenarios as scenarios
import data_access.survey as survey
import services.single_view as single_view
import services.single_view_model as single_view_model
import services.single_view_tiles as single_view_tiles
import services.single_view_trust as single_view_trust
import tests.oracles as oracles
from access.roles import User
from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from data_access.engine import read_data_version
from data_access.importer import issue_message, run_import
from data_access.memo import clear_memo, memo_usage, memoised
from domain.filters import Filters
from kpis.trust import trust_core

D = dt.date
EDITOR = User(name="erik", email=None, role="editor")

FILTER_SETS = [
    Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH),
    Filters.year_to_date(D(2026, 9, 1), statuses=("active",)),
    Filters.year_to_date(D(2026, 3, 1), departments=("IT",)),
    Filters.year_to_date(D(2025, 10, 1), departments=("FIN", "MKT"), statuses=("active", "done", "on_hold")),
    Filters(as_of=D(2025, 6, 1), period_start=D(2024, 1, 1), projects=("P-001", "P-004", "P-007", "P-012")),
    Filters.year_to_date(D(2024, 2, 1)),  # before the first wave and most projects
    Filters.year_to_date(D(2026, 9, 1), departments=("NOPE",)),  # nothing at all
]

SURVEY = ["respondent_scores", "trust_groups", "item_distribution", "response_counts"]
PROJECTS = ["funding_split", "team_by_department", "ownership"]
PROGRESS = ["project_progress", "progress_history"]


def _ids(filters: Filters) -> str:
    return f"{filters.as_of:%Y-%m}-{'+'.join(filters.departments)}-{'+'.join(filters.statuses)}-{len(filters.projects)}"


def _assert_same(fast: pd.DataFrame, old: pd.DataFrame, *, sums_of_decimals: bool) -> None:
    if sums_of_decimals and not fast.empty:
        # FTE sums: the memo adds exact hundredths (as PostgreSQL's numeric does); SQLite
        # adds binary floats in its scan order, which can differ in the last bit.
        pd.testing.assert_frame_equal(fast, old, check_exact=False, rtol=1e-12, atol=0)
        assert (fast["fte"].round(2) == old["fte"].round(2)).all()
    else:
        pd.testing.assert_frame_equal(fast, old, check_exact=True)


@pytest.mark.parametrize("filters", FILTER_SETS, ids=_ids)
def test_memoised_loaders_give_the_query_frames(demo_engine: Engine, filters: Filters) -> None:
    clear_memo()
    waves = survey.load_waves(engine=demo_engine, filters=filters)
    wave_ids = [int(i) for i in waves["id"]]
    for name in SURVEY:
        fast = getattr(survey, f"load_{name}")(engine=demo_engine, filters=filters, wave_ids=wave_ids)
        old = getattr(oracles, f"query_{name}")(engine=demo_engine, filters=filters, wave_ids=wave_ids)
        _assert_same(fast, old, sums_of_decimals=False)
    sqlite = demo_engine.dialect.name == "sqlite"
    for name in PROJECTS:
        fast = getattr(projects, f"load_{name}")(engine=demo_engine, filters=filters)
        old = getattr(oracles, f"query_{name}")(engine=demo_engine, filters=filters)
        _assert_same(fast, old, sums_of_decimals=sqlite and name == "team_by_department")
    # Sums of the booked amounts: the rollup's monthly sums added again, against one sum over
    # the lines (binary floats added in another order: equal to 1e-12).
    spend = projects.load_actual_spend_by_project(engine=demo_engine, filters=filters)
    pd.testing.assert_frame_equal(
        spend,
        oracles.query_actual_spend_by_project(engine=demo_engine, filters=filters),
        check_exact=False,
        rtol=1e-12,
        atol=1e-6,
    )
    for project in (None, "P-001", "P-004"):
        _assert_same(
            projects.load_fte_by_month(engine=demo_engine, filters=filters, project=project),
            oracles.query_fte_by_month(engine=demo_engine, filters=filters, project=project),
            sums_of_decimals=sqlite,
        )
    pd.testing.assert_frame_equal(
        reference.load_projects_list(engine=demo_engine), oracles.query_projects_list(engine=demo_engine)
    )
    pd.testing.assert_frame_equal(
        projects.load_insight_goals(engine=demo_engine, filters=filters),
        oracles.query_insight_goals(engine=demo_engine, filters=filters),
        check_exact=True,
    )
    pd.testing.assert_frame_equal(
        scenarios.load_trust_by_dimension(engine=demo_engine, filters=filters),
        oracles.query_trust_by_dimension(engine=demo_engine, filters=filters),
        check_exact=True,
    )
    for name in PROGRESS:
        fast = getattr(budget, f"load_{name}")(engine=demo_engine, filters=filters)
        old = getattr(oracles, f"query_{name}")(engine=demo_engine, filters=filters)
        _assert_same(fast, old, sums_of_decimals=False)
    for months in (1, 3, 24):
        _assert_same(
            budget.load_progress_history(engine=demo_engine, filters=filters, months=months),
            oracles.query_progress_history(engine=demo_engine, filters=filters, months=months),
            sums_of_decimals=False,
        )
    if filters.as_of == DEMO_LAST_ACTUAL_MONTH and not filters.departments:
        assert (
            not waves.empty
            and len(survey.load_respondent_scores(engine=demo_engine, filters=filters, wave_ids=wave_ids))
            > 100
        )
        assert len(projects.load_team_by_department(engine=demo_engine, filters=filters)) > 10


def test_team_by_months_is_each_month_replayed(demo_engine: Engine) -> None:
    filters = Filters.year_to_date(D(2026, 6, 1), departments=("MKT",), statuses=("active", "on_hold"))
    months = single_view_model.trend_months(filters.as_of)
    teams = projects.load_team_by_months(engine=demo_engine, filters=filters, months=months)
    sqlite = demo_engine.dialect.name == "sqlite"
    for month in months:
        old = oracles.query_team_by_department(
            engine=demo_engine, filters=single_view_model.period_for(filters, month)
        )
        _assert_same(teams[month], old, sums_of_decimals=sqlite)
    assert len(teams[months[0]]) != len(teams[months[-1]]) or not teams[months[0]].equals(teams[months[-1]])


def _close(a: object, b: object) -> bool:
    """Equal, floats within 1e-12 (relative): SQLite's FTE sums, see _assert_same."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=0) or (math.isnan(a) and math.isnan(b))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if hasattr(a, "__dataclass_fields__") and type(a) is type(b):
        return all(_close(getattr(a, f), getattr(b, f)) for f in a.__dataclass_fields__)
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=0)
        except AssertionError:
            return False
        return True
    return a == b


def _trust_core_by_sql(*, engine: Engine, filters: Filters, waves: pd.DataFrame, min_group: int):
    """The trust core of `waves` by the per-filter SQL, not sliced from the memoised core."""
    wave_ids = [int(i) for i in waves["id"]]
    groups = oracles.query_trust_groups(engine=engine, filters=filters, wave_ids=wave_ids)
    scores = oracles.query_respondent_scores(engine=engine, filters=filters, wave_ids=wave_ids)
    return groups, trust_core(waves=waves, respondent_scores=scores, groups=groups, min_group=min_group)


def _old_single_view(
    monkeypatch: pytest.MonkeyPatch, engine: Engine, filters: Filters
) -> single_view_model.SingleView:
    """The single view computed through the per-filter SQL (one team query per month)."""
    with monkeypatch.context() as patch:
        patch.setattr(single_view_trust, "trust_core_of_waves", _trust_core_by_sql)
        patch.setattr(single_view_tiles, "load_funding_split", oracles.query_funding_split)
        patch.setattr(
            single_view_tiles,
            "load_ownership_by_months",
            lambda *, engine, filters, months: pd.concat(
                [
                    oracles.query_ownership(
                        engine=engine, filters=single_view_model.period_for(filters, m), as_of=m
                    ).assign(month=m)
                    for m in months
                ],
                ignore_index=True,
            ).pipe(lambda frame: frame[["month", *(c for c in frame.columns if c != "month")]]),
        )
        patch.setattr(
            single_view_tiles,
            "load_team_by_months",
            lambda *, engine, filters, months, replay=False: {
                m: oracles.query_team_by_department(
                    engine=engine,
                    filters=single_view_model.period_for(filters, m),
                    as_of=m if replay else None,
                )
                for m in months
            },
        )
        return single_view.compute_single_view(engine=engine, filters=filters, min_group=10)


@pytest.mark.parametrize("filters", FILTER_SETS[:5], ids=_ids)
def test_single_view_is_the_same_with_the_memo(
    monkeypatch: pytest.MonkeyPatch, demo_engine: Engine, filters: Filters
) -> None:
    old = _old_single_view(monkeypatch, demo_engine, filters)
    clear_memo()
    fast = single_view.compute_single_view(engine=demo_engine, filters=filters, min_group=10)
    again = single_view.compute_single_view(engine=demo_engine, filters=filters, min_group=10)  # memo warm
    for view in (fast, again):
        assert [t.code for t in view.tiles] == [t.code for t in old.tiles]
        for tile, old_tile in zip(view.tiles, old.tiles, strict=True):
            assert _close(tile, old_tile), (tile, old_tile)
        assert view.exceptions == old.exceptions
        assert view.hidden_survey_groups == old.hidden_survey_groups
        assert _close(view.mirror, old.mirror)
        pd.testing.assert_frame_equal(view.timeline, old.timeline)
    assert any(tile.value.available for tile in fast.tiles)


def _import(engine: Engine, kind: str, data: str) -> None:
    report = run_import(
        engine=engine,
        kind=kind,
        file_name=f"{kind}.csv",
        data=data.encode(),
        dry_run=False,
        user_name="tester",
    )
    assert report.ok, [issue_message(i, "en") for i in report.errors]


def test_imports_and_edits_refresh_the_memo(empty_engine: Engine) -> None:
    engine = empty_engine
    march = Filters.year_to_date(D(2026, 3, 1))
    _import(engine, "departments", "code,name_nl,name_en\nMKT,M,M\nIT,I,I\n")
    _import(engine, "responsibility_areas", "code,name_nl,name_en,expected_department\npolicy,B,P,IT\n")
    _import(
        engine,
        "projects",
        "code,name,status,planned_start,planned_end\nA,A,active,2026-01-01,2026-12-31\n",
    )
    _import(engine, "funding", "project,department,committed_amount,agreed_share\nA,MKT,60,\nA,IT,40,\n")
    _import(engine, "ownership", "project,area,department\nA,policy,MKT\n")
    _import(
        engine, "team", "project,person_ref,department,fte,start_month,end_month\nA,p1,MKT,1.0,2026-01-01,\n"
    )
    _import(engine, "survey_waves", "code,name,fielded_on\nW1,W1,2026-02-15\n")
    _import(
        engine,
        "survey_items",
        "code,text_nl,text_en,dimension,rated_department,reverse_coded\nT1,t,t,integrity,IT,false\n",
    )
    _import(engine, "survey_responses", "wave,respondent_ref,department,item,score\nW1,r1,MKT,T1,4\n")

    wave_ids = [int(i) for i in survey.load_waves(engine=engine, filters=march)["id"]]
    team = projects.load_team_by_department(engine=engine, filters=march)
    assert team[["department", "members", "fte"]].values.tolist() == [["MKT", 1, 1.0]]
    ownership = projects.load_ownership(engine=engine, filters=march)
    assert ownership[["owner_codes", "expected", "off_rule"]].values.tolist() == [["MKT", "IT", 1]]
    groups = survey.load_trust_groups(engine=engine, filters=march, wave_ids=wave_ids)
    assert groups[["department", "respondents", "score_sum"]].values.tolist() == [["MKT", 1, 4.0]]
    assert set(memo_usage()) >= {"projects.team_members", "projects.ownership", "survey.respondent_cells"}
    version = read_data_version(engine)

    # Imports: a second team member, another owner, another respondent.
    _import(
        engine,
        "team",
        "project,person_ref,department,fte,start_month,end_month\n"
        "A,p1,MKT,1.0,2026-01-01,\nA,p2,IT,0.5,2026-02-01,\n",
    )
    _import(engine, "ownership", "project,area,department\nA,policy,IT\n")
    _import(
        engine,
        "survey_responses",
        "wave,respondent_ref,department,item,score\nW1,r1,MKT,T1,4\nW1,r2,IT,T1,2\n",
    )
    assert read_data_version(engine) > version
    team = projects.load_team_by_department(engine=engine, filters=march)
    assert team[["department", "members", "fte"]].values.tolist() == [["IT", 1, 0.5], ["MKT", 1, 1.0]]
    assert projects.load_ownership(engine=engine, filters=march)[
        ["owner_codes", "off_rule"]
    ].values.tolist() == [["IT", 0]]
    groups = survey.load_trust_groups(engine=engine, filters=march, wave_ids=wave_ids)
    assert groups[["department", "respondents", "score_sum"]].values.tolist() == [
        ["IT", 1, 2.0],
        ["MKT", 1, 4.0],
    ]

    # An edit in the app: the house rule now expects MKT, so IT's ownership is off the rule.
    assert projects.save_house_rule(engine=engine, user=EDITOR, expected={"policy": "MKT"}) == 1
    assert projects.load_ownership(engine=engine, filters=march)[
        ["expected", "off_rule"]
    ].values.tolist() == [["MKT", 1]]
    # Every answer still equals the per-filter SQL.
    for name in PROJECTS:
        fast = getattr(projects, f"load_{name}")(engine=engine, filters=march)
        pd.testing.assert_frame_equal(fast, getattr(oracles, f"query_{name}")(engine=engine, filters=march))


def test_memo_keeps_one_version_and_reloads_after_a_write(empty_engine: Engine) -> None:
    clear_memo()
    calls: list[int] = []

    def load(engine: Engine) -> pd.DataFrame:
        calls.append(read_data_version(engine))
        return pd.DataFrame({"n": [len(calls)]})

    first = memoised(engine=empty_engine, name="test.counter", load=load)
    assert memoised(engine=empty_engine, name="test.counter", load=load) is first
    assert calls == [read_data_version(empty_engine)]
    from data_access.engine import bump_data_version

    with empty_engine.begin() as conn:
        bump_data_version(conn)
    second = memoised(engine=empty_engine, name="test.counter", load=load)
    assert second is not first and list(second["n"]) == [2]
    assert memo_usage()["test.counter"] == int(second.memory_usage(deep=True).sum())
    clear_memo()
    assert "test.counter" not in memo_usage()


@pytest.mark.parametrize("filters", FILTER_SETS, ids=_ids)
def test_memoised_reliability_is_the_page_table(demo_engine: Engine, filters: Filters) -> None:
    from kpis.survey_stats import reliability_table
    from kpis.trust import rating_groups
    from services.survey_reliability import load_reliability

    clear_memo()
    waves = survey.load_waves(engine=demo_engine, filters=filters)
    wave_ids = [int(i) for i in waves["id"]]
    for min_group in (10, 40):
        counts = oracles.query_response_counts(engine=demo_engine, filters=filters, wave_ids=wave_ids)
        old = reliability_table(
            survey.load_item_scores(engine=demo_engine, filters=filters, wave_ids=wave_ids),
            waves,
            rating_groups(counts, min_group=min_group),
            min_group=min_group,
        )
        fast = load_reliability(engine=demo_engine, filters=filters, wave_ids=wave_ids, min_group=min_group)
        pd.testing.assert_frame_equal(fast, old, check_exact=True)
        if filters.as_of == DEMO_LAST_ACTUAL_MONTH and min_group == 10:
            assert fast["alpha"].notna().sum() > 5


def test_memoised_results_keep_the_most_recent_keys_of_a_name(
    demo_sqlite_engine: Engine, monkeypatch
) -> None:
    import data_access.memo as memo

    monkeypatch.setattr(memo, "RESULT_ENTRIES", 3)
    clear_memo()
    computed: list[tuple[str, int]] = []

    def result(name: str, key: int) -> tuple[str, int]:
        def compute(engine: Engine) -> tuple[str, int]:
            computed.append((name, key))
            return (name, key)

        return memo.memoised_result(engine=demo_sqlite_engine, name=name, key=key, compute=compute)

    for key in (1, 2, 3):
        assert result("a", key) == ("a", key)
    assert result("b", 1) == ("b", 1)  # another name does not push "a" out
    assert result("a", 1) == ("a", 1) and len(computed) == 4  # held: "a" 1 is now the most recent
    result("a", 4)  # pushes out the least recently used: "a" 2
    result("a", 1)
    result("a", 3)
    assert len(computed) == 5
    result("a", 2)
    assert computed[-1] == ("a", 2) and len(computed) == 6
    clear_memo()
    result("b", 1)
    assert computed[-1] == ("b", 1) and len(computed) == 7
    clear_memo()


def _sql_codes(engine: Engine, conditions: list) -> set[str]:
    from sqlalchemy import select

    from data_access.filtering import all_of
    from data_access.models import Project

    with engine.connect() as conn:
        return set(conn.scalars(select(Project.code).where(all_of(conditions))))


@pytest.mark.parametrize("filters", FILTER_SETS, ids=_ids)
def test_project_selections_are_the_sql_ones_and_held_per_version(
    demo_engine: Engine, filters: Filters
) -> None:
    from data_access.filtering import funded_by_selected, project_conditions
    from data_access.projects.common import portfolio_projects, selected_projects

    clear_memo()
    selected = selected_projects(engine=demo_engine, filters=filters)
    portfolio = portfolio_projects(engine=demo_engine, filters=filters)
    assert selected == _sql_codes(demo_engine, [*project_conditions(filters), *funded_by_selected(filters)])
    assert portfolio == _sql_codes(demo_engine, projects.portfolio_conditions(filters))
    assert isinstance(selected, frozenset) and isinstance(portfolio, frozenset)
    # Held: the same set again, also for another period start (not part of the selection).
    assert selected_projects(engine=demo_engine, filters=filters) is selected
    later_start = Filters(
        as_of=filters.as_of,
        period_start=filters.as_of,
        departments=filters.departments,
        statuses=filters.statuses,
        projects=filters.projects,
    )
    assert portfolio_projects(engine=demo_engine, filters=later_start) is portfolio
    if filters == FILTER_SETS[0]:
        assert len(portfolio) > 10


def test_selections_and_history_start_follow_every_write(empty_engine: Engine) -> None:
    from sqlalchemy import event

    from data_access.engine import data_version_known, local_writes
    from data_access.history import load_history_start
    from data_access.projects.common import portfolio_projects, selected_projects

    engine = empty_engine
    clear_memo()
    _import(engine, "departments", "code,name_nl,name_en\nMKT,M,M\nIT,I,I\n")
    _import(
        engine, "projects", "code,name,status,planned_start,planned_end\nA,A,active,2026-01-01,2026-12-31\n"
    )
    active = Filters.year_to_date(D(2026, 3, 1), statuses=("active",))
    assert selected_projects(engine=engine, filters=active) == {"A"}
    assert portfolio_projects(engine=engine, filters=active) == {"A"}
    assert portfolio_projects(engine=engine, filters=Filters.year_to_date(D(2025, 12, 1))) == set()
    queries: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    version = read_data_version(engine)
    with data_version_known(engine, version, writes=local_writes()):
        first = load_history_start(engine=engine)
        asked = len(queries)
        assert load_history_start(engine=engine) == first and len(queries) == asked  # held
    assert first is not None
    _import(
        engine, "projects", "code,name,status,planned_start,planned_end\nA,A,done,2026-01-01,2026-12-31\n"
    )
    assert selected_projects(engine=engine, filters=active) == set()
    assert portfolio_projects(engine=engine, filters=active) == set()
    # The write moved the data version: the start is read again, once.
    with data_version_known(engine, read_data_version(engine), writes=local_writes()):
        asked = len(queries)
        assert load_history_start(engine=engine) == first and len(queries) > asked
        asked = len(queries)
        assert load_history_start(engine=engine) == first and len(queries) == asked
