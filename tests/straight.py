"""Straightforward computations, one month and one project set at a time: the oracles for the
one-pass (month-vectorised) KPI paths of issue #23.

These are the implementations the app used before its trends were computed in one pass.
They stay here, in the tests, so the tests can show that the one-pass path gives exactly the
same figures, and so production code cannot come to depend on them.
"""

from __future__ import annotations

import pandas as pd

from kpis.funding import resolve_agreed_shares


def straight_team_mix(team: pd.DataFrame, funding: pd.DataFrame) -> pd.DataFrame:
    """`kpis.projects.team_mix` as it was computed before #23: one month at a time."""
    columns = [
        "project",
        "joint",
        "members",
        "fte",
        "has_team",
        "missing_departments",
        "mixed",
        "fte_balance",
    ]
    if funding.empty:
        return pd.DataFrame(columns=columns)
    shares = resolve_agreed_shares(funding)
    per_dept = team.groupby(["project", "department"], as_index=False)[["members", "fte"]].sum()
    funders = shares.merge(per_dept, on=["project", "department"], how="left").fillna(
        {"members": 0, "fte": 0.0}
    )
    totals = team.groupby("project")[["members", "fte"]].sum()
    projects = shares.groupby("project", sort=True)["joint"].first().to_frame()
    projects = projects.join(totals, how="left").fillna({"members": 0, "fte": 0.0})
    projects["members"] = projects["members"].astype("int64")
    projects["fte"] = projects["fte"].astype("float64")
    projects["has_team"] = projects["members"] > 0
    absent = funders[funders["members"] <= 0].sort_values("department")
    missing = absent.groupby("project")["department"].agg(",".join)
    projects["missing_departments"] = missing.reindex(projects.index).fillna("")
    with_team = projects["joint"] & projects["has_team"]
    projects["mixed"] = [
        (not missing_text) if staffed else None
        for staffed, missing_text in zip(with_team, projects["missing_departments"], strict=True)
    ]
    total_fte = funders["project"].map(projects["fte"])
    share_ratio = (funders["fte"] / total_fte.where(total_fte > 0)) / funders["agreed"].where(
        funders["agreed"] > 0
    )
    balance = share_ratio.groupby(funders["project"]).min()
    eligible = with_team & (projects["fte"] > 0)
    aligned = balance.reindex(projects.index).to_numpy(dtype="float64")
    projects["fte_balance"] = [
        float(value) if ok and pd.notna(value) else None
        for value, ok in zip(aligned, eligible.to_numpy(dtype=bool), strict=True)
    ]
    return projects.reset_index()[columns]


# The trend KPIs of the single view, month by month (kpis.trends computes them in one pass).


def straight_joint_share(engine, filters, months) -> list:
    """`joint_share` of `load_funding_by_project` with the filters replayed at each month."""
    from data_access.projects import load_funding_by_project
    from kpis.portfolio import joint_share
    from services.single_view_model import period_for

    return [
        joint_share(load_funding_by_project(engine=engine, filters=period_for(filters, m), as_of=m))
        for m in months
    ]


def straight_ownership_clarity(engine, filters, months, statuses: dict[str, str]) -> list:
    """Ownership clarity of each month's ownership (filters replayed), cancelled projects left out."""
    from data_access.projects import load_ownership
    from kpis.exceptions import without_cancelled
    from kpis.ownership import ownership_clarity, ownership_status
    from services.single_view_model import period_for

    return [
        ownership_clarity(
            ownership_status(
                without_cancelled(
                    load_ownership(engine=engine, filters=period_for(filters, m), as_of=m), statuses
                )
            )
        )
        for m in months
    ]


def straight_goals_on_time(goals: pd.DataFrame, months) -> list:
    from domain.months import month_end
    from kpis.portfolio import goals_on_time

    return [goals_on_time(goals, as_of_end=month_end(m)) for m in months]


def straight_progress_at(projects: pd.DataFrame, history: pd.DataFrame, month) -> pd.DataFrame:
    """`projects` with pct_complete as it stood at `month` (latest progress row on or before it)."""
    known = history[history["month"] <= month]
    latest = known.sort_values("month", kind="stable").groupby("project")["pct_complete"].last()
    return projects.assign(pct_complete=projects["project"].map(latest))


def straight_cpi(lines: pd.DataFrame, projects: pd.DataFrame, history: pd.DataFrame, months) -> list:
    """Portfolio CPI with each project's progress as it stood at each month."""
    from kpis.budget import portfolio_cpi

    values = []
    for month in months:
        at = straight_progress_at(projects, history, month)
        pct = pd.Series(at["pct_complete"].to_numpy(dtype="float64"), index=at["project"])
        values.append(portfolio_cpi(lines, pct, as_of=month))
    return values
