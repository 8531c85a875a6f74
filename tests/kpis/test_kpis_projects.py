"""Projects KPIs on tiny hand-made frames, each pinned to a hand-computed answer."""

import datetime as dt

import pandas as pd
import pytest

from kpis.funding import resolve_agreed_shares
from kpis.goals import (
    count_reached,
    first_insight_days,
    goal_timeline,
    goals_per_million,
    late_goal_texts,
    late_goals,
    median_days_to_first_insight,
    next_goals,
    shift_date,
    shift_goals,
    value_progress,
)
from kpis.ownership import ownership_clarity, ownership_issues, ownership_status, project_ownership
from kpis.portfolio import goals_on_time
from kpis.projects import (
    collaboration_exceptions,
    filter_project_table,
    label_code_list,
    label_codes,
    labels_of_projects,
    project_detail,
    project_label,
    project_table,
    total_spend,
)
from kpis.teams import count_mixed, fte_balance_median, mixed_teams_share, split_text, team_mix, team_text

D = dt.date
NAN = float("nan")


def funding_frame(rows):
    return pd.DataFrame(rows, columns=["project", "department", "committed", "agreed_share"]).astype(
        {"committed": "float64", "agreed_share": "float64"}
    )


def team_frame(rows):
    return pd.DataFrame(rows, columns=["project", "department", "members", "fte"])


# J: joint MKT+IT, equal split; team MKT 1.0 FTE (2 people) + IT 0.5 FTE (1 person).
# U: joint MKT+IT; team only MKT. S: funded by IT only. E: joint, nobody in the team.
# R: recorded split MKT 0.6 / IT unrecorded (→ 0.4), team MKT 0.6 + IT 0.4 FTE.
FUNDING = funding_frame(
    [
        ("E", "IT", 100, NAN),
        ("E", "MKT", 100, NAN),
        ("J", "IT", 300, NAN),
        ("J", "MKT", 300, NAN),
        ("R", "IT", 400, NAN),
        ("R", "MKT", 600, 0.6),
        ("S", "IT", 200, NAN),
        ("U", "IT", 100, NAN),
        ("U", "MKT", 300, NAN),
    ]
)
TEAM = team_frame(
    [
        ("J", "IT", 1, 0.5),
        ("J", "MKT", 2, 1.0),
        ("R", "IT", 1, 0.4),
        ("R", "MKT", 1, 0.6),
        ("S", "IT", 2, 1.0),
        ("U", "MKT", 3, 2.0),
    ]
)


def test_agreed_shares_fill_the_unrecorded_remainder_equally() -> None:
    shares = resolve_agreed_shares(FUNDING).set_index(["project", "department"])
    assert shares.loc[("J", "IT"), "agreed"] == pytest.approx(0.5)
    assert shares.loc[("R", "MKT"), "agreed"] == pytest.approx(0.6)
    assert shares.loc[("R", "IT"), "agreed"] == pytest.approx(0.4)  # 1 − 0.6
    assert shares.loc[("S", "IT"), "agreed"] == pytest.approx(1.0)
    assert shares.loc[("U", "IT"), "committed_share"] == pytest.approx(0.25)  # 100 / 400
    assert bool(shares.loc[("J", "IT"), "joint"]) and not bool(shares.loc[("S", "IT"), "joint"])
    three = funding_frame([("T", "FIN", 20, 0.2), ("T", "IT", 40, NAN), ("T", "MKT", 40, NAN)])
    assert list(resolve_agreed_shares(three)["agreed"]) == pytest.approx([0.2, 0.4, 0.4])
    over = funding_frame([("O", "IT", 1, 0.7), ("O", "MKT", 1, 0.5), ("O", "FIN", 1, NAN)])
    assert resolve_agreed_shares(over).set_index("department").loc["FIN", "agreed"] == 0.0


def test_split_and_team_texts() -> None:
    assert split_text(FUNDING)["U"] == "IT 25% · MKT 75%"
    assert split_text(FUNDING)["S"] == "IT 100%"
    assert team_text(TEAM) == {"J": "IT 1 · MKT 2", "R": "IT 1 · MKT 1", "S": "IT 2", "U": "MKT 3"}
    # With names, the departments are named (still in code order; an unknown code stays).
    names = {"MKT": "Marketing", "IT": "Informatievoorziening"}
    assert split_text(FUNDING, names)["U"] == "Informatievoorziening 25% · Marketing 75%"
    assert team_text(TEAM, {"MKT": "Marketing"})["J"] == "IT 1 · Marketing 2"


def test_team_mix_mixed_and_fte_balance() -> None:
    mix = team_mix(TEAM, FUNDING).set_index("project")
    assert bool(mix.loc["J", "mixed"]) is True
    # J: IT 0.5/1.5 = 1/3 of FTE against 1/2 agreed → 0.667; MKT 2/3 / 1/2 = 1.333; min = 0.667.
    assert mix.loc["J", "fte_balance"] == pytest.approx(2 / 3)
    assert mix.loc["R", "fte_balance"] == pytest.approx(1.0)  # 0.4/0.4 and 0.6/0.6
    assert bool(mix.loc["U", "mixed"]) is False
    assert mix.loc["U", "missing_departments"] == "IT"
    assert mix.loc["U", "fte_balance"] == 0.0
    assert mix.loc["S", "mixed"] is None and not bool(mix.loc["S", "joint"])
    assert mix.loc["E", "mixed"] is None and not bool(mix.loc["E", "has_team"])
    assert mix.loc["E", "missing_departments"] == "IT,MKT"
    mix = team_mix(TEAM, FUNDING)
    # Joint with a team: J, R, U; mixed: J, R → 2/3. FTE balance median of (0.667, 1.0, 0) = 0.667.
    assert count_mixed(mix) == (2, 3)
    assert mixed_teams_share(mix).value == pytest.approx(2 / 3)
    assert fte_balance_median(mix).value == pytest.approx(2 / 3)


def test_mixed_teams_not_available_without_joint_teams() -> None:
    mix = team_mix(team_frame([]), funding_frame([("S", "IT", 200, NAN)]))
    assert mixed_teams_share(mix).reason == "projects.na.no_joint_teams"
    assert fte_balance_median(mix).reason == "projects.na.no_joint_teams"
    assert count_mixed(mix) == (0, 0)


OWNERSHIP = pd.DataFrame(
    [
        # project, area, owners, owner_codes, expected, off_rule
        ("A", "processing", 1, "IT", "IT", 0),
        ("A", "database", 1, "MKT", "MKT", 0),
        ("B", "processing", 1, "MKT", "IT", 1),  # breach
        ("B", "database", 0, "", "MKT", 0),  # missing
        ("C", "processing", 2, "IT,MKT", "IT", 1),  # double (also off the rule)
        ("C", "database", 1, "MKT", "MKT", 0),
        ("D", "processing", 1, "FIN", None, 0),  # no rule for the area: fine
        ("D", "database", 1, "MKT", "MKT", 0),
    ],
    columns=["project", "area", "owners", "owner_codes", "expected", "off_rule"],
)


def test_ownership_status_clarity_and_issues() -> None:
    status = ownership_status(OWNERSHIP)
    assert list(status["status"]) == ["ok", "ok", "breach", "missing", "double", "ok", "ok", "ok"]
    assert project_ownership(status) == {"A": "ok", "B": "missing", "C": "double", "D": "ok"}
    assert ownership_clarity(status).value == pytest.approx(2 / 4)
    issues = ownership_issues(status)
    assert list(zip(issues["project"], issues["area"], issues["status"], strict=True)) == [
        ("B", "processing", "breach"),
        ("B", "database", "missing"),
        ("C", "processing", "double"),
    ]
    assert ownership_clarity(ownership_status(OWNERSHIP.iloc[0:0])).reason == "projects.na.no_ownership"


AS_OF_END = D(2026, 3, 31)
GOALS = pd.DataFrame(
    [
        # project, code, target_date, achieved_date, target_value, achieved_value, planned_start
        ("A", "G1", D(2026, 1, 31), D(2026, 1, 10), 10.0, 12.0, D(2025, 1, 1)),  # on time, 120%
        ("A", "G2", D(2026, 2, 28), D(2026, 3, 10), 4.0, 3.0, D(2025, 1, 1)),  # late by 10 days, 75%
        ("A", "G3", D(2026, 3, 15), D(2026, 5, 1), 5.0, 5.0, D(2025, 1, 1)),  # reached after as-of: overdue
        ("B", "G1", D(2026, 2, 1), None, 8.0, None, D(2025, 7, 1)),  # overdue 58 days
        ("B", "G2", D(2026, 6, 30), None, 0.0, None, D(2025, 7, 1)),  # open, target 0
        ("C", "G1", D(2025, 12, 31), D(2025, 10, 1), 2.0, 2.0, D(2025, 6, 1)),  # on time, 100%
    ],
    columns=[
        "project",
        "code",
        "target_date",
        "achieved_date",
        "target_value",
        "achieved_value",
        "planned_start",
    ],
).assign(goal=lambda f: f["project"] + f["code"], measure="m")


def test_goal_timeline_statuses_slippage_and_progress() -> None:
    timeline = goal_timeline(GOALS, as_of_end=AS_OF_END)
    assert list(timeline["status"]) == [
        "reached_on_time",
        "reached_late",
        "overdue",
        "overdue",
        "open",
        "reached_on_time",
    ]
    assert list(
        timeline["slippage_days"].astype("object").where(timeline["slippage_days"].notna(), None)
    ) == [
        -21,
        10,
        16,  # 31 Mar − 15 Mar
        58,  # 31 Mar − 1 Feb
        None,
        -91,
    ]
    assert timeline.loc[2, "achieved_date"] is None  # the May achievement is not known yet
    progress = list(timeline["progress"])
    assert progress[:4] == pytest.approx([1.2, 0.75, 0.0, 0.0])
    assert pd.isna(progress[4]) and progress[5] == pytest.approx(1.0)
    assert list(timeline["late"]) == [False, True, True, True, False, False]
    assert list(late_goals(timeline)["code"]) == ["G2", "G3", "G1"]
    assert count_reached(timeline) == 3
    # goals_on_time from kpis.portfolio agrees: due by 31 Mar: A-G1..G3, B-G1, C-G1 → on time 2 of 5.
    assert goals_on_time(timeline, as_of_end=AS_OF_END).value == pytest.approx(2 / 5)


def test_value_progress_first_insight_and_goals_per_million() -> None:
    timeline = goal_timeline(GOALS, as_of_end=AS_OF_END)
    # Due with target ≠ 0: min(1.2,1)=1, 0.75, 0, 0, 1 → 2.75 / 5 = 0.55.
    assert value_progress(timeline, as_of_end=AS_OF_END).value == pytest.approx(0.55)
    # First reached: A 2026-01-10 − 2025-01-01 = 374 days; C 2025-10-01 − 2025-06-01 = 122 days.
    days = first_insight_days(timeline)
    assert dict(zip(days["project"], days["days"], strict=True)) == {"A": 374, "C": 122}
    assert median_days_to_first_insight(timeline).value == pytest.approx(248.0)
    spend = pd.DataFrame({"project": ["A", "B"], "actual": [1_000_000.0, 500_000.0]})
    assert total_spend(spend) == 1_500_000.0
    assert goals_per_million(timeline, spend).value == pytest.approx(3 / 1.5)
    assert goals_per_million(timeline, spend.iloc[0:0]).reason == "projects.na.no_spend"
    assert goals_per_million(timeline, spend.assign(actual=0.0)).reason == "projects.na.no_spend"
    nothing = goal_timeline(GOALS.assign(achieved_date=None, achieved_value=None), as_of_end=AS_OF_END)
    assert median_days_to_first_insight(nothing).reason == "projects.na.no_insight_yet"
    early = goal_timeline(GOALS, as_of_end=D(2025, 6, 30))
    assert value_progress(early, as_of_end=D(2025, 6, 30)).reason == "kpi.na.no_goals_due"


def test_next_goals_take_the_earliest_unreached_target() -> None:
    upcoming = next_goals(goal_timeline(GOALS, as_of_end=AS_OF_END))
    assert list(zip(upcoming["project"], upcoming["code"], strict=True)) == [("A", "G3"), ("B", "G1")]


def test_shift_dates_and_goals_for_what_if() -> None:
    assert shift_date(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert shift_date(D(2026, 2, 28), 1) == D(2026, 3, 31)  # a month end stays a month end
    assert shift_date(D(2026, 1, 15), -2) == D(2025, 11, 15)
    shifted = shift_goals(GOALS, months=3, projects=["B"])
    assert list(shifted["target_date"]) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 3, 15),
        D(2026, 5, 1),
        D(2026, 9, 30),
        D(2025, 12, 31),
    ]
    settled = shift_goals(GOALS, months=1, as_of_end=AS_OF_END)
    # Reached by 31 Mar (A-G1, A-G2, C-G1) keep their dates; the rest move one month.
    assert list(settled["target_date"]) == [
        D(2026, 1, 31),
        D(2026, 2, 28),
        D(2026, 4, 15),
        D(2026, 3, 1),
        D(2026, 7, 31),
        D(2025, 12, 31),
    ]
    assert list(GOALS["target_date"])[3] == D(2026, 2, 1)  # the input is not changed
    # Delaying B's open goal by 3 months makes it no longer overdue at the as-of end.
    assert goal_timeline(shifted, as_of_end=AS_OF_END)["status"].tolist()[3] == "open"


def test_exceptions_list_everything_for_the_steering_meeting() -> None:
    mix = team_mix(TEAM, FUNDING)
    exceptions = collaboration_exceptions(
        mix, ownership_status(OWNERSHIP), goal_timeline(GOALS, as_of_end=AS_OF_END)
    )
    assert list(exceptions.itertuples(index=False, name=None)) == [
        ("A", "late_goal", "G2"),
        ("A", "late_goal", "G3"),
        ("B", "house_rule_breach", "processing"),
        ("B", "late_goal", "G1"),
        ("B", "missing_owner", "database"),
        ("C", "double_owner", "processing"),
        ("U", "unmixed_team", "IT"),
    ]


def test_project_table_filter_and_detail() -> None:
    projects = pd.DataFrame(
        {
            "code": ["J", "S", "U"],
            "name": ["Joint one", "Solo", "Unmixed"],
            "goal": ["g", None, "g"],
            "status": ["active", "done", "active"],
            "rag": ["red", None, "green"],
            "rag_reason": ["over budget", None, "fine"],
            "planned_start": [D(2025, 1, 1)] * 3,
            "planned_end": [D(2026, 12, 31)] * 3,
            "actual_end": [None] * 3,
        }
    )
    goals = GOALS.assign(project=GOALS["project"].map({"A": "J", "B": "U", "C": "S"}))
    timeline = goal_timeline(goals, as_of_end=AS_OF_END)
    own = ownership_status(
        OWNERSHIP.assign(project=OWNERSHIP["project"].map({"A": "J", "B": "U", "C": "S", "D": "X"}))
    )
    mix = team_mix(TEAM, FUNDING)
    table = project_table(
        projects,
        funding=FUNDING,
        team=TEAM,
        mix=mix,
        ownership=own,
        timeline=timeline,
        labels={"active": "Actief", "red": "Rood", "none": "Geen", "mixed.True": "Ja", "mixed.False": "Nee"},
    ).set_index("code")
    assert table.loc["J", "status"] == "Actief" and table.loc["J", "rag"] == "Rood"
    assert table.loc["S", "rag"] == "Geen" and table.loc["S", "rag_reason"] == ""
    assert table.loc["J", "split"] == "IT 50% · MKT 50%" and table.loc["J", "team"] == "IT 1 · MKT 2"
    assert (
        table.loc["J", "mixed"] == "Ja" and table.loc["U", "mixed"] == "Nee" and table.loc["S", "mixed"] == ""
    )
    assert table.loc["J", "fte_balance"] == pytest.approx(2 / 3)
    assert table.loc["J", "next_goal"] == "AG3" and table.loc["J", "next_goal_date"] == D(2026, 3, 15)
    assert table.loc["J", "late_goals"] == 2 and table.loc["U", "ownership"] == "missing"
    assert list(table["has_issue"]) == [True, True, True]  # late goals, a double owner, missing+unmixed
    table = table.reset_index()
    assert list(filter_project_table(table, search="solo")["code"]) == ["S"]
    assert list(filter_project_table(table, joint_only=True)["code"]) == ["J", "U"]
    assert list(
        filter_project_table(table.assign(has_issue=[False, True, False]), issues_only=True)["code"]
    ) == ["S"]
    detail = project_detail(
        "J", split=resolve_agreed_shares(FUNDING), team=TEAM, ownership=own, timeline=timeline
    )
    assert list(detail.funding["department"]) == ["IT", "MKT"]
    assert list(detail.team["fte"]) == [0.5, 1.0]
    assert list(detail.ownership["status"]) == ["ok", "ok"]
    assert list(detail.goals["code"]) == ["G1", "G2", "G3"]
    assert list(label_codes(detail.ownership, {"ok": "In orde"}, ["status"])["status"]) == [
        "In orde",
        "In orde",
    ]


@pytest.mark.parametrize("with_teamless_project", [False, True], ids=["all-teams", "one-without-team"])
def test_an_unmixed_team_alone_is_an_issue(with_teamless_project: bool) -> None:
    """A joint project whose team misses a funding department is an issue, whether or not
    another project has no team at all (which made the mix column object or bool)."""
    codes = ["M", "U", "T"] if with_teamless_project else ["M", "U"]
    projects = pd.DataFrame(
        {
            "code": codes,
            "name": codes,
            "goal": ["g"] * len(codes),
            "status": ["active"] * len(codes),
            "rag": ["green"] * len(codes),
            "rag_reason": [""] * len(codes),
        }
    )
    funding = pd.DataFrame(
        {
            "project": [c for c in codes for _ in (0, 1)],
            "department": ["IT", "MKT"] * len(codes),
            "committed": [100.0] * 2 * len(codes),
            "agreed_share": [0.5] * 2 * len(codes),
        }
    )
    team = pd.DataFrame(
        {
            "project": ["M", "M", "U"],
            "department": ["IT", "MKT", "IT"],
            "members": [1, 1, 2],
            "fte": [0.5, 0.5, 1.0],
        }
    )
    mix = team_mix(team, funding)
    if with_teamless_project:
        mix = pd.concat(
            [mix, pd.DataFrame({"project": ["T"], "joint": [True], "mixed": [None], "fte_balance": [None]})],
            ignore_index=True,
        )
    empty_timeline = goal_timeline(GOALS.iloc[:0], as_of_end=AS_OF_END)
    table = project_table(
        projects,
        funding=funding,
        team=team,
        mix=mix,
        ownership=pd.DataFrame(),
        timeline=empty_timeline,
    ).set_index("code")
    assert not table.loc["M", "has_issue"]
    assert table.loc["U", "has_issue"]


def test_late_goal_texts_name_only_late_goals_with_a_text() -> None:
    timeline = pd.DataFrame(
        {
            "project": ["P-1", "P-1", "P-2", "P-3"],
            "code": ["G1", "G2", "G1", "G1"],
            "goal": ["One customer view", "On time goal", None, "  "],
            "late": [True, False, True, True],
        }
    )
    assert late_goal_texts(timeline) == {("P-1", "G1"): "One customer view"}
    assert late_goal_texts(timeline.iloc[0:0]) == {} and late_goal_texts(None) == {}


def test_a_list_of_codes_is_labelled_code_by_code() -> None:
    names = {"MKT": "Marketing", "FIN": "Financiën"}
    assert label_code_list("IT,MKT", names) == "IT, Marketing"  # an unknown code is kept
    assert label_code_list(" FIN , MKT,", names) == "Financiën, Marketing"  # spaces and empties
    assert label_code_list("", names) == ""


def test_a_project_reads_as_code_and_name() -> None:
    names = {"P-1": "Web shop", "P-2": ""}
    assert project_label("P-1", names) == "P-1 · Web shop"
    assert project_label("P-2", names) == "P-2"  # no name: the code, without a dangling dot
    assert project_label("P-9", names) == "P-9"
    assert labels_of_projects(names) == {"P-1": "P-1 · Web shop", "P-2": "P-2"}
    assert labels_of_projects(names, ["P-9", "P-1"]) == {"P-9": "P-9", "P-1": "P-1 · Web shop"}
