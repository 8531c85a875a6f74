"""The projects KPI functions and project chart builders as they were at 3943b28, before the one-pass
rewrite of issue #23, kept as oracles (see tests/straight_budget.py for the budget ones and
the rules of these copies)."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from domain.months import as_date as _as_date
from kpis.funding import count_drifting as count_drifting  # unchanged: re-exported for the tests
from kpis.funding import funding_balance as funding_balance  # unchanged: re-exported for the tests
from kpis.goals import late_goals, next_goals
from kpis.ownership import ownership_issues, project_ownership
from kpis.projects import PORTFOLIO_COLUMNS, _present
from kpis.teams import TEAM_MIX_COLUMNS

# ---- kpis/projects.py at 3943b28 (the functions the rewrite changed, and those calling them) ----


def resolve_agreed_shares(funding: pd.DataFrame) -> pd.DataFrame:
    """Funding rows with the agreed split made explicit and the committed split beside it.

    In: project, department, committed, agreed_share (NaN = not recorded).
    Out: the same plus `agreed` (agreed_share, or an equal part of 1 − Σ recorded shares of
    the project for each unrecorded one, never below 0), `committed_share` (committed /
    the project's total committed; NaN when the project has nothing committed),
    `n_funders` and `joint` (n_funders ≥ 2).
    Example: MKT 0.6, IT NaN → IT agreed 0.4; MKT NaN, IT NaN → 0.5 each.
    """
    if funding.empty:
        return funding.assign(agreed=[], committed_share=[], n_funders=[], joint=[])
    by_project = funding["project"]
    recorded = funding["agreed_share"].fillna(0.0).groupby(by_project).transform("sum")
    unrecorded = funding["agreed_share"].isna().groupby(by_project).transform("sum")
    equal_part = ((1.0 - recorded).clip(lower=0.0) / unrecorded.where(unrecorded > 0)).fillna(0.0)
    total = funding["committed"].groupby(by_project).transform("sum")
    n_funders = funding["department"].groupby(by_project).transform("count").astype("int64")
    return funding.assign(
        agreed=funding["agreed_share"].where(funding["agreed_share"].notna(), equal_part),
        committed_share=funding["committed"] / total.where(total != 0),
        n_funders=n_funders,
        joint=n_funders >= 2,
    )


def split_text(funding: pd.DataFrame) -> dict[str, str]:
    """Per project the committed split as text, e.g. {"P-1": "IT 50% · MKT 50%"} (codes, whole %)."""
    if funding.empty:
        return {}
    shares = resolve_agreed_shares(funding).sort_values(["project", "department"])
    parts = [
        f"{dept} {round(share * 100)}%" if pd.notna(share) else f"{dept} –"
        for dept, share in zip(shares["department"], shares["committed_share"], strict=True)
    ]
    joined = pd.Series(parts, index=shares.index).groupby(shares["project"], sort=True).agg(" · ".join)
    return {str(project): text for project, text in joined.items()}


def team_mix(team: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """Per funded project: is the team mixed, and how balanced is its FTE against the split.

    In: `team` (project, department, members, fte: members active in the as-of month) and
    `funding` (project, department, committed, agreed_share).
    Out, one row per project in `funding`: project, joint, members, fte, has_team,
    missing_departments (funding departments without a team member, comma-separated),
    mixed (True/False for joint projects with a team, None otherwise), fte_balance
    (min over funding departments with an agreed share > 0 of FTE share / agreed share;
    None unless joint with a team of FTE > 0).
    """
    return team_mix_by_month({None: team}, funding)[None]


def team_mix_by_month(
    teams: Mapping[object, pd.DataFrame], funding: pd.DataFrame
) -> dict[object, pd.DataFrame]:
    """`team_mix` of each team in `teams` (e.g. one per trend month) against one `funding`,
    in one pass: the teams are stacked with a month key and grouped by (month, project), so
    six months cost about what one does. Each group holds the same rows in the same order as
    a single month's would, so every sum and minimum is the one `team_mix` gives."""
    keys = list(teams)
    if funding.empty:
        return {key: pd.DataFrame(columns=list(TEAM_MIX_COLUMNS)) for key in keys}
    shares = resolve_agreed_shares(funding)
    stacked = pd.concat(
        [
            teams[key][["project", "department", "members", "fte"]].assign(month=number)
            for number, key in enumerate(keys)
        ],
        ignore_index=True,
    )
    per_dept = stacked.groupby(["month", "project", "department"], as_index=False)[["members", "fte"]].sum()
    months = pd.DataFrame({"month": range(len(keys))})
    funders = (
        shares[["project", "department", "agreed"]]
        .merge(months, how="cross")
        .merge(per_dept, on=["month", "project", "department"], how="left")
        .fillna({"members": 0, "fte": 0.0})
    )
    totals = stacked.groupby(["month", "project"])[["members", "fte"]].sum()
    joint = shares.groupby("project", sort=True)["joint"].first()
    grid = pd.MultiIndex.from_product([range(len(keys)), joint.index], names=["month", "project"])
    projects = pd.DataFrame({"joint": joint.reindex(grid, level="project")}, index=grid)
    projects = projects.join(totals, how="left").fillna({"members": 0, "fte": 0.0})
    projects["members"] = projects["members"].astype("int64")
    projects["fte"] = projects["fte"].astype("float64")
    projects["has_team"] = projects["members"] > 0
    absent = funders[funders["members"] <= 0].sort_values("department")
    missing = absent.groupby(["month", "project"])["department"].agg(",".join)
    projects["missing_departments"] = missing.reindex(projects.index).fillna("")
    with_team = projects["joint"] & projects["has_team"]
    mixed = [
        (not missing_text) if staffed else None
        for staffed, missing_text in zip(with_team, projects["missing_departments"], strict=True)
    ]
    group = [funders["month"], funders["project"]]
    total_fte = pd.Series(
        projects["fte"].reindex(pd.MultiIndex.from_arrays(group)).to_numpy(), index=funders.index
    )
    share_ratio = (funders["fte"] / total_fte.where(total_fte > 0)) / funders["agreed"].where(
        funders["agreed"] > 0
    )
    balance = share_ratio.groupby(group).min()
    eligible = with_team & (projects["fte"] > 0)
    aligned = balance.reindex(projects.index).to_numpy(dtype="float64")
    fte_balance = [
        float(value) if ok and pd.notna(value) else None
        for value, ok in zip(aligned, eligible.to_numpy(dtype=bool), strict=True)
    ]
    result = projects.reset_index()
    bounds = result["month"].searchsorted(range(len(keys) + 1))
    # Each month's columns of True/False/None and numbers/None are made from that month's
    # values alone, so their dtypes are those a single month gives.
    return {
        key: result.iloc[bounds[number] : bounds[number + 1]]
        .reset_index(drop=True)
        .assign(
            mixed=mixed[bounds[number] : bounds[number + 1]],
            fte_balance=fte_balance[bounds[number] : bounds[number + 1]],
        )[list(TEAM_MIX_COLUMNS)]
        for number, key in enumerate(keys)
    }


def team_text(team: pd.DataFrame) -> dict[str, str]:
    """Per project the members per home department, e.g. {"P-1": "IT 4 · MKT 3"}."""
    if team.empty:
        return {}
    ordered = team.sort_values(["project", "department"])
    parts = [f"{dept} {int(n)}" for dept, n in zip(ordered["department"], ordered["members"], strict=True)]
    joined = pd.Series(parts, index=ordered.index).groupby(ordered["project"], sort=True).agg(" · ".join)
    return {str(project): text for project, text in joined.items()}


def first_insight_days(timeline: pd.DataFrame) -> pd.DataFrame:
    """Per project with a reached goal: project, first_achieved, days (first achieved −
    the project's planned_start). `timeline` from `goal_timeline` (needs planned_start)."""
    reached = timeline[timeline["achieved_date"].notna()]
    if reached.empty:
        return pd.DataFrame(columns=["project", "first_achieved", "days"])
    first = reached.groupby("project").agg(
        first_achieved=("achieved_date", "min"), planned_start=("planned_start", "first")
    )
    days = [
        (got - _as_date(start)).days
        for got, start in zip(first["first_achieved"], first["planned_start"], strict=True)
    ]
    return first.reset_index().assign(days=days)[["project", "first_achieved", "days"]]


def project_table(
    projects: pd.DataFrame,
    *,
    funding: pd.DataFrame,
    team: pd.DataFrame,
    mix: pd.DataFrame,
    ownership: pd.DataFrame,
    timeline: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The portfolio table: one row per project of `projects` (load_projects).

    Columns: code, name, status, rag, rag_reason, split (committed split text), joint,
    team (members per department), mixed, fte_balance, ownership (worst status),
    next_goal, next_goal_date, late_goals, has_issue (ownership not ok, unmixed team or a
    late goal). Codes in status, rag and ownership are replaced
    by `labels[code]` where given (translated by the caller).
    """
    labels = labels or {}
    splits = split_text(funding)
    teams = team_text(team)
    mix_by = mix.set_index("project") if not mix.empty else pd.DataFrame()
    owners = project_ownership(ownership) if not ownership.empty else {}
    upcoming = next_goals(timeline).set_index("project")
    late = timeline.groupby("project")["late"].sum() if not timeline.empty else pd.Series(dtype="int64")
    rows = []
    for row in projects.itertuples():
        code = row.code
        mixed = mix_by["mixed"].get(code) if not mix_by.empty else None
        mixed = mixed if _present(mixed) else None
        balance = mix_by["fte_balance"].get(code) if not mix_by.empty else None
        rows.append(
            {
                "code": code,
                "name": row.name,
                "status": labels.get(row.status, row.status),
                "rag": labels.get(row.rag, row.rag) if _present(row.rag) else labels.get("none", ""),
                "rag_reason": row.rag_reason if _present(row.rag_reason) else "",
                "split": splits.get(code, ""),
                "joint": bool(mix_by["joint"].get(code, False)) if not mix_by.empty else False,
                "team": teams.get(code, ""),
                "mixed": labels.get(f"mixed.{bool(mixed)}", str(bool(mixed))) if mixed is not None else "",
                "fte_balance": float(balance) if balance is not None and pd.notna(balance) else None,
                "ownership": labels.get(owners[code], owners[code]) if code in owners else "",
                "next_goal": upcoming["goal"].get(code, "") if code in upcoming.index else "",
                "next_goal_date": upcoming["target_date"].get(code),
                "late_goals": int(late.get(code, 0)),
                "has_issue": bool(
                    owners.get(code, "ok") != "ok"
                    or (mixed is not None and not mixed)
                    or int(late.get(code, 0)) > 0
                ),
            }
        )
    return pd.DataFrame(rows, columns=PORTFOLIO_COLUMNS)


def collaboration_exceptions(
    mix: pd.DataFrame, ownership: pd.DataFrame, timeline: pd.DataFrame
) -> pd.DataFrame:
    """Everything the steering meeting should see, one row each: project, kind, subject.

    kind is one of house_rule_breach, missing_owner, double_owner (subject: the area code),
    unmixed_team (subject: the funding departments missing from the team) and late_goal
    (subject: the goal code; reached late or overdue at the as-of end).
    """
    rows: list[dict[str, str]] = []
    kinds = {"breach": "house_rule_breach", "missing": "missing_owner", "double": "double_owner"}
    for issue in ownership_issues(ownership).itertuples():
        rows.append({"project": issue.project, "kind": kinds[issue.status], "subject": issue.area})
    if not mix.empty:
        for team in mix[mix["mixed"].eq(False)].itertuples():
            rows.append(
                {"project": team.project, "kind": "unmixed_team", "subject": team.missing_departments}
            )
    if not timeline.empty:
        for goal in late_goals(timeline).itertuples():
            rows.append({"project": goal.project, "kind": "late_goal", "subject": goal.code})
    frame = pd.DataFrame(rows, columns=["project", "kind", "subject"])
    return frame.sort_values(["project", "kind", "subject"]).reset_index(drop=True)
