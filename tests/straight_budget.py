"""The budget and collaboration KPI functions as they were before the one-pass rewrite
(issue #23, main at 3943b28), copied unchanged from kpis/budget.py and kpis/projects.py: the
oracle tests/kpis/test_budget_one_pass.py compares the rewritten functions against (and the
chart builders of charts/, whose Vega-Lite specs must stay the same). Do not
optimise these; they are meant to stay the plain version.

Only what the rewrite changed is copied: the functions whose code differs from 3943b28, and
the unchanged ones that call a rewritten helper (`forecast_year_end`, `funding_drift`,
`_joint_agreed`, `portfolio_funding_drift`, `team_mix`), so that they call the old helper
here. Everything else the old functions use is still the same code in production and is
imported from there. One deliberate change from 3943b28: `project_table` has the fix of
`mixed is False` (a numpy False is not `False`), as production has."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping

import altair as alt
import pandas as pd

from charts.budget import (
    DRIFT_ROW_STEP,
    FORECAST_COLOR,
    LEGEND_DEPARTMENTS,
    SERIES_COLORS,
    _series_color,
    _series_frame,
)
from charts.projects import (
    FIT_WIDTH,
    GOAL_STATUS_COLORS,
    ISSUE_STROKE,
    MISSING_COLOR,
    ROW_STEP,
    SEVERAL_COLOR,
    _department_scale,
    agreed_boundaries,
)
from charts.theme import MONEY_LABEL_EXPR, MONTH_AXIS_FORMAT, RAG_COLORS, TEXT, department_colors
from domain.months import as_date as _as_date
from domain.statuses import CLOSED_STATUSES
from kpis.budget import Forecast, _in_fiscal_year, run_rate_forecast, up_to, year_summary
from kpis.common import KpiValue, not_available
from kpis.funding import _drift_rows, funding_balance_numbers
from kpis.funding import count_drifting as count_drifting  # unchanged: re-exported for the tests
from kpis.funding import funding_balance as funding_balance  # unchanged: re-exported for the tests
from kpis.goals import late_goals, next_goals
from kpis.ownership import ownership_issues, project_ownership
from kpis.projects import _present
from kpis.teams import TEAM_MIX_COLUMNS

# ---- kpis/budget.py at 3943b28 (the functions the rewrite changed, and those calling them) ----


def cumulative_series(frame: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """Monthly and cumulative planned and actual, long format for a chart.

    frame (month, ..., planned, actual) -> rows (month, series, amount, cumulative), with
    series "planned" for every month of the frame and "actual" only for months up to and
    including `as_of` (later months have no closed books, so they are left out rather than
    drawn as zero). cumulative = running Σ from the frame's first month.
    """
    if frame.empty:
        return pd.DataFrame(columns=["month", "series", "amount", "cumulative"])
    monthly = frame.groupby("month", as_index=False)[["planned", "actual"]].sum().sort_values("month")
    planned = monthly.assign(series="planned", amount=monthly["planned"])
    actual = monthly.assign(series="actual", amount=monthly["actual"])
    planned = planned.assign(cumulative=planned["amount"].cumsum())
    actual = actual.assign(cumulative=actual["amount"].cumsum()).pipe(up_to, as_of)
    return pd.concat([planned, actual], ignore_index=True)[["month", "series", "amount", "cumulative"]]


def eac_year_forecast(
    year_frame: pd.DataFrame, ev_table: pd.DataFrame, *, as_of: dt.date, fiscal_year_start_month: int = 1
) -> float:
    """EAC-based forecast to year end = Σ over projects of (actual YTD + remaining plan / CPI).

    For each project, the plan of the months after `as_of` up to December is expected to
    cost plan / CPI, the project's cost efficiency so far carried into the rest of the
    year (BAC / CPI scaled to the year's remaining plan). Projects without a CPI (no
    progress data, no actuals yet) keep their remaining plan as it is (CPI taken as 1).
    Done and cancelled projects (CLOSED_STATUSES) spend nothing more. `year_frame` has
    `project` and the months of the as-of year; `ev_table` is `earned_value_table`'s
    result. The year is the fiscal year starting in `fiscal_year_start_month` (its end is
    then the month before that start, e.g. March for April).
    """
    if year_frame.empty:
        return 0.0
    in_year = _in_fiscal_year(year_frame, as_of=as_of, fiscal_year_start_month=fiscal_year_start_month)
    actual_ytd = up_to(in_year, as_of).groupby("project")["actual"].sum()
    remaining = in_year[in_year["month"] > as_of].groupby("project")["planned"].sum()
    info = ev_table.set_index("project") if not ev_table.empty else pd.DataFrame(columns=["status", "cpi"])
    total = float(actual_ytd.sum())
    for code, plan_left in remaining.items():
        status = info["status"].get(code) if code in info.index else None
        if status in CLOSED_STATUSES:
            continue
        cpi = info["cpi"].get(code) if code in info.index else None
        factor = cpi.value if cpi is not None and cpi.available and cpi.value > 0 else 1.0
        total += float(plan_left) / factor
    return total


def forecast_year_end(
    year_frame: pd.DataFrame, ev_table: pd.DataFrame, *, as_of: dt.date, fiscal_year_start_month: int = 1
) -> Forecast:
    """Both year-end forecasts against the full-year plan of the as-of (fiscal) year, to the
    end of the fiscal year starting in `fiscal_year_start_month` (1: December).

    run_rate = `run_rate_forecast` on the year's actuals; eac_based = `eac_year_forecast`;
    the variances are forecast − full-year plan (positive means a forecast overspend).
    """
    summary = year_summary(year_frame, as_of=as_of, fiscal_year_start_month=fiscal_year_start_month)
    run_rate = run_rate_forecast(
        actual_ytd=summary.actual_ytd,
        months_elapsed=summary.months_elapsed,
        months_remaining=summary.months_remaining,
    )
    eac = eac_year_forecast(
        year_frame, ev_table, as_of=as_of, fiscal_year_start_month=fiscal_year_start_month
    )
    return Forecast(
        planned_full_year=summary.planned_full_year,
        actual_ytd=summary.actual_ytd,
        run_rate=run_rate,
        eac_based=eac,
        run_rate_variance=KpiValue(run_rate.value - summary.planned_full_year)
        if run_rate.available
        else run_rate,
        eac_variance=eac - summary.planned_full_year,
    )


def agreed_shares(funding: pd.DataFrame) -> pd.DataFrame:
    """Each funder's agreed share of its project, with unrecorded shares resolved.

    `funding` has project, department, committed, agreed_share (0..1 or None). A recorded
    share stands; the funders without a recorded share split what is left equally:
    (1 − Σ recorded shares of the project) / number of funders without one, never below 0.
    So with no share recorded at all every funder gets 1 / n. Adds column `share`.
    """
    if funding.empty:
        return funding.assign(share=pd.Series(dtype=float))
    ordered = funding.sort_values("project", kind="stable").reset_index(drop=True)
    recorded = pd.Series(
        [None if s is None or pd.isna(s) else float(s) for s in ordered["agreed_share"]], dtype="float64"
    )
    open_count = recorded.isna().groupby(ordered["project"]).transform("sum")
    recorded_sum = recorded.groupby(ordered["project"]).transform("sum")
    rest = (1.0 - recorded_sum).clip(lower=0.0) / open_count.where(open_count > 0)
    return ordered.assign(share=recorded.fillna(rest).fillna(0.0).astype("float64"))


def joint_projects(funding: pd.DataFrame) -> list[str]:
    """Codes of the projects two or more departments fund, in code order."""
    if funding.empty:
        return []
    counts = funding.groupby("project")["department"].nunique()
    return sorted(counts[counts >= 2].index)


def funding_drift(spend: pd.DataFrame, funding: pd.DataFrame, *, tolerance: float) -> pd.DataFrame:
    """Funding drift per jointly funded project and funding department.

    `spend` is a budget frame with project and department (actual to date; months and
    other columns are summed); `funding` as for `agreed_shares`. For every joint project
    (two or more funders) and every department that funds it or booked on it:
    actual_share = department's Σ actual / project's Σ actual (to date);
    drift_pp = (actual_share − agreed_share) × 100 in percentage points, positive when the
    department pays more than agreed; flagged when |drift_pp| > `tolerance`. A department
    that books without a funding row has agreed share 0. When the project's Σ actual is
    not positive (no actuals yet) shares and drift are n/a (`budget.na.no_actuals`).
    Columns: project, department, actual, actual_share, agreed_share, drift_pp, flagged.
    """
    columns = ["project", "department", "actual", "actual_share", "agreed_share", "drift_pp", "flagged"]
    rows = funding_drift_numbers(spend, funding, tolerance=tolerance)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    missing = not_available("budget.na.no_actuals")
    return rows.assign(
        actual_share=[missing if math.isnan(v) else KpiValue(float(v)) for v in rows["actual_share"]],
        drift_pp=[missing if math.isnan(v) else KpiValue(float(v)) for v in rows["drift_pp"]],
    )[columns]


def funding_drift_numbers(spend: pd.DataFrame, funding: pd.DataFrame, *, tolerance: float) -> pd.DataFrame:
    """`funding_drift` with plain floats: actual_share and drift_pp are NaN where that table
    has n/a. The same arithmetic; for trends, where building KpiValues per row is the cost."""
    columns = ["project", "department", "actual", "actual_share", "agreed_share", "drift_pp", "flagged"]
    joint = joint_projects(funding)
    if not joint:
        return pd.DataFrame(columns=columns)
    # One grouped pass over all joint projects (a loop per project is far too slow at
    # thousands of projects); the same figures as `_drift_rows` per project.
    agreed = _joint_agreed(funding, joint)
    actual = (
        spend[spend["project"].isin(joint)].groupby(["project", "department"])["actual"].sum()
        if not spend.empty
        else pd.Series(dtype=float, index=pd.MultiIndex.from_tuples([], names=["project", "department"]))
    )
    index = agreed.index.union(actual.index).sort_values()
    rows = pd.DataFrame(
        {
            "actual": actual.reindex(index, fill_value=0.0).astype("float64"),
            "agreed_share": agreed.reindex(index, fill_value=0.0).astype("float64"),
        }
    ).reset_index()
    share, drift = _share_and_drift(rows["actual"], rows["agreed_share"], rows["project"])
    return rows.assign(actual_share=share, drift_pp=drift, flagged=drift.notna() & (drift.abs() > tolerance))[
        columns
    ]


def _joint_agreed(funding: pd.DataFrame, joint: list[str]) -> pd.Series:
    """Agreed share per (project, department) of the joint projects (see `agreed_shares`)."""
    shares = agreed_shares(funding[funding["project"].isin(joint)])
    return shares.groupby(["project", "department"])["share"].sum()


def _share_and_drift(actual: pd.Series, agreed: pd.Series, project: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each department's actual share of its project's Σ actual and its drift in points,
    (share − agreed) × 100: `ratio()` vectorised, NaN where the project's Σ actual is not
    positive."""
    totals = actual.groupby(project).transform("sum")
    share = actual / totals.where(totals > 0)
    return share, (share - agreed) * 100.0


def funding_balance_trend(
    spend: pd.DataFrame, funding: pd.DataFrame, *, months: list[dt.date], tolerance: float
) -> list[KpiValue]:
    """`funding_balance(funding_drift(spend[spend.month <= m], funding, ...))` for each month
    close m in `months`, from one pivot of the monthly actuals (cumulated over the months)
    instead of one drift table per month. `spend` needs month, project, department, actual.
    """
    joint = joint_projects(funding)
    if not joint or spend.empty:
        return [
            funding_balance_numbers(funding_drift_numbers(spend, funding, tolerance=tolerance))
            for _ in months
        ]
    agreed = _joint_agreed(funding, joint)
    monthly = (
        spend[spend["project"].isin(joint)]
        .groupby(["project", "department", "month"])["actual"]
        .sum()
        .unstack("month", fill_value=0.0)
    )
    cumulative = monthly.T.sort_index().cumsum().T
    index = agreed.index.union(monthly.index).sort_values()
    agreed_share = agreed.reindex(index, fill_value=0.0).astype("float64")
    projects = pd.Series(index.get_level_values("project"), index=index)
    values = []
    for month in months:
        closed = [column for column in cumulative.columns if column <= month]
        actual = (
            cumulative[closed[-1]].reindex(index, fill_value=0.0).astype("float64")
            if closed
            else pd.Series(0.0, index=index)
        )
        _, drift = _share_and_drift(actual, agreed_share, projects)
        rows = pd.DataFrame(
            {
                "project": projects.to_numpy(),
                "drift_pp": drift.to_numpy(),
                "flagged": (drift.notna() & (drift.abs() > tolerance)).to_numpy(),
            }
        )
        values.append(funding_balance_numbers(rows))
    return values


def portfolio_funding_drift(spend: pd.DataFrame, funding: pd.DataFrame, *, tolerance: float) -> pd.DataFrame:
    """Funding drift over all joint projects together, per department.

    actual_share = department's Σ actual over joint projects / Σ actual of joint projects;
    agreed_share = committed-weighted agreed share: Σ_p committed_p × share_p,d / Σ_p
    committed_p, with committed_p the project's total commitment (so a big project's
    agreement weighs more, as its money does; projects without any commitment weigh 0);
    drift_pp = (actual_share − agreed_share) × 100; flagged when |drift_pp| > tolerance.
    Columns: department, actual, actual_share, agreed_share, drift_pp, flagged.
    """
    columns = ["department", "actual", "actual_share", "agreed_share", "drift_pp", "flagged"]
    joint = joint_projects(funding)
    if not joint:
        return pd.DataFrame(columns=columns)
    shares = agreed_shares(funding[funding["project"].isin(joint)])
    committed = shares.groupby("project")["committed"].sum()
    weight_total = float(committed.sum())
    weighted = shares.assign(weight=shares["project"].map(committed) * shares["share"])
    agreed = (
        weighted.groupby("department")["weight"].sum() / weight_total
        if weight_total > 0
        else weighted.groupby("department")["weight"].sum() * 0.0
    )
    actual = (
        spend[spend["project"].isin(joint)].groupby("department")["actual"].sum()
        if not spend.empty
        else pd.Series(dtype=float)
    )
    return _drift_rows(actual, agreed, tolerance, "budget.na.no_actuals")[columns]


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
    columns = [
        "code",
        "name",
        "status",
        "rag",
        "rag_reason",
        "split",
        "joint",
        "team",
        "mixed",
        "fte_balance",
        "ownership",
        "next_goal",
        "next_goal_date",
        "late_goals",
        "has_issue",
    ]
    return pd.DataFrame(rows, columns=columns)


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


# ---- charts/projects.py at 3943b28 (the builders whose construction changed) ----


def ownership_matrix_chart(
    status: pd.DataFrame,
    *,
    area_names: Mapping[str, str],
    status_names: Mapping[str, str],
    title: str,
    project_title: str,
    area_title: str,
    owner_title: str,
    expected_title: str,
    status_title: str,
    none_label: str,
    several_label: str,
) -> alt.Chart:
    """Projects × responsibility areas, each cell coloured by its accountable department
    (grey when several, light grey when none); cells that are not ok get a red border and
    a "!" after the owner codes. In: ownership_status output."""
    codes = sorted({c for owners in status["owner_codes"] for c in str(owners).split(",") if c})
    data = status.assign(
        area_name=[area_names.get(a, a) for a in status["area"]],
        status_name=[status_names.get(s, s) for s in status["status"]],
        owner=[
            none_label if n == 0 else several_label if n > 1 else codes_text
            for n, codes_text in zip(status["owners"], status["owner_codes"], strict=True)
        ],
        label=[
            (str(owners) or "–") + (" !" if s != "ok" else "")
            for owners, s in zip(status["owner_codes"], status["status"], strict=True)
        ],
        issue=[s != "ok" for s in status["status"]],
    )
    colors = department_colors(codes)
    scale = alt.Scale(
        domain=[*codes, several_label, none_label],
        range=[*(colors[c] for c in codes), SEVERAL_COLOR, MISSING_COLOR],
    )
    area_order = list(dict.fromkeys(data["area_name"]))
    base = alt.Chart().encode(
        x=alt.X(
            "area_name:N",
            title=area_title,
            sort=area_order,
            axis=alt.Axis(labelAngle=0, orient="top", labelLimit=125),
        ),
        y=alt.Y("project:N", title=project_title, sort="ascending", axis=alt.Axis(labelOverlap=False)),
        tooltip=[
            alt.Tooltip("project:N", title=project_title),
            alt.Tooltip("area_name:N", title=area_title),
            alt.Tooltip("owner_codes:N", title=owner_title),
            alt.Tooltip("expected:N", title=expected_title),
            alt.Tooltip("status_name:N", title=status_title),
        ],
    )
    cells = base.mark_rect(cornerRadius=2).encode(
        color=alt.Color("owner:N", title=owner_title, scale=scale),
        stroke=alt.condition("datum.issue", alt.value(ISSUE_STROKE), alt.value("white")),
        strokeWidth=alt.condition("datum.issue", alt.value(3), alt.value(1)),
    )
    labels = base.mark_text(fontWeight="bold", color="white").encode(text=alt.Text("label:N"))
    return alt.layer(cells, labels, data=data).properties(
        title=title,
        height=22 * status["project"].nunique(),
        autosize=FIT_WIDTH,
    )


def goal_timeline_chart(
    timeline: pd.DataFrame,
    *,
    as_of_end: dt.date,
    status_names: Mapping[str, str],
    title: str,
    goal_title: str,
    date_title: str,
    target_title: str,
    achieved_title: str,
    status_title: str,
    slippage_title: str,
    as_of_title: str,
) -> alt.Chart:
    """Gantt-like goal timeline: per goal (project · code) a bar from the project's planned
    start to the target date (light), a diamond at the target, a dot at the achieved date,
    and a coloured slippage bar from target to achieved date (or to the as-of date when the
    goal is overdue); a dashed rule marks the as-of date. In: goal_timeline output."""
    end = [
        got if got is not None and pd.notna(got) else (as_of_end if s == "overdue" else tgt)
        for got, tgt, s in zip(
            timeline["achieved_date"], timeline["target_date"], timeline["status"], strict=True
        )
    ]
    data = timeline.assign(
        label=timeline["project"].astype(str) + " · " + timeline["code"].astype(str),
        start=pd.to_datetime(timeline["planned_start"]),
        target=pd.to_datetime(timeline["target_date"]),
        achieved=pd.to_datetime(timeline["achieved_date"]),
        slip_end=pd.to_datetime(pd.Series(end, index=timeline.index)),
        status_name=[status_names.get(s, s) for s in timeline["status"]],
        slippage=timeline["slippage_days"].astype("float64"),
    )[
        [
            "label",
            "project",
            "code",
            "goal",
            "start",
            "target",
            "achieved",
            "slip_end",
            "status",
            "status_name",
            "slippage",
        ]
    ]
    domain = [status_names.get(s, s) for s in GOAL_STATUS_COLORS]
    scale = alt.Scale(domain=domain, range=list(GOAL_STATUS_COLORS.values()))
    tooltip = [
        alt.Tooltip("label:N", title=goal_title),
        alt.Tooltip("goal:N", title=goal_title),
        alt.Tooltip("target:T", title=target_title, format="%d-%m-%Y"),
        alt.Tooltip("achieved:T", title=achieved_title, format="%d-%m-%Y"),
        alt.Tooltip("status_name:N", title=status_title),
        alt.Tooltip("slippage:Q", title=slippage_title),
    ]
    # "ascending" sorts the labels like sorted() did, without a list of every label in the spec.
    y = alt.Y("label:N", title=goal_title, sort="ascending", axis=alt.Axis(labelOverlap=False))
    # The layers share one top-level data set (alt.layer(..., data=)): layering charts that
    # each carry the frame makes Altair hash and copy it once per layer.
    base = alt.Chart().encode(y=y, tooltip=tooltip)
    plan = base.mark_bar(color=MISSING_COLOR, height=6).encode(
        x=alt.X("start:T", title=date_title, axis=alt.Axis(format="%b %Y")), x2="target:T"
    )
    slip = base.mark_bar(height=10).encode(
        x="target:T", x2="slip_end:T", color=alt.Color("status_name:N", title=status_title, scale=scale)
    )
    target = base.mark_point(shape="diamond", filled=True, size=70, color=TEXT).encode(x="target:T")
    achieved = base.mark_circle(size=70, color=RAG_COLORS["green"], stroke="white").encode(x="achieved:T")
    as_of = (
        alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(as_of_end)], "name": [as_of_title]}))
        .mark_rule(strokeDash=[4, 3], color=ISSUE_STROKE)
        .encode(x="as_of:T", tooltip=[alt.Tooltip("as_of:T", title=as_of_title, format="%d-%m-%Y")])
    )
    return (alt.layer(plan, slip, target, achieved, data=data) + as_of).properties(
        title=title, height=18 * data["label"].nunique(), autosize=FIT_WIDTH
    )


def funding_split_chart(
    split: pd.DataFrame,
    *,
    title: str,
    share_title: str,
    project_title: str,
    department_title: str,
    agreed_title: str,
) -> alt.Chart:
    """Stacked bars of each department's share of the committed funding per project, with
    a black tick where the agreed split puts the boundary. In: resolve_agreed_shares output."""
    data = split.assign(order=split["department"].rank(method="dense"))
    codes = sorted(split["department"].unique().tolist())
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("project:N", title=project_title, sort="ascending", axis=alt.Axis(labelOverlap=False)),
            x=alt.X(
                "committed_share:Q",
                title=share_title,
                stack="zero",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color("department:N", title=department_title, scale=_department_scale(codes)),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("project:N", title=project_title),
                alt.Tooltip("department:N", title=department_title),
                alt.Tooltip("committed_share:Q", title=share_title, format=".0%"),
                alt.Tooltip("agreed:Q", title=agreed_title, format=".0%"),
            ],
        )
    )
    ticks = (
        alt.Chart(agreed_boundaries(split))
        .mark_tick(color=TEXT, thickness=3, size=18)
        .encode(
            y=alt.Y("project:N", sort="ascending"),
            x=alt.X("boundary:Q"),
            tooltip=[
                alt.Tooltip("project:N", title=project_title),
                alt.Tooltip("between:N", title=department_title),
                alt.Tooltip("boundary:Q", title=agreed_title, format=".0%"),
            ],
        )
    )
    return (bars + ticks).properties(
        title=title, height=ROW_STEP * split["project"].nunique(), autosize=FIT_WIDTH
    )


def fte_chart(
    fte: pd.DataFrame, *, title: str, month_title: str, fte_title: str, department_title: str
) -> alt.Chart:
    """FTE per home department per month, stacked areas. In: month, department, fte."""
    codes = sorted(fte["department"].unique().tolist())
    return (
        alt.Chart(fte.assign(month=pd.to_datetime(fte["month"])))
        .mark_area(opacity=0.85, interpolate="step-after")
        .encode(
            x=alt.X("month:T", title=month_title, axis=alt.Axis(format="%b %Y", tickCount="month")),
            y=alt.Y("fte:Q", title=fte_title, stack="zero"),
            color=alt.Color("department:N", title=department_title, scale=_department_scale(codes)),
            tooltip=[
                alt.Tooltip("month:T", title=month_title, format="%b %Y"),
                alt.Tooltip("department:N", title=department_title),
                alt.Tooltip("fte:Q", title=fte_title, format=".1f"),
                alt.Tooltip("members:Q"),
            ],
        )
        .properties(title=title, height=260)
    )


# ---- charts/budget.py at 3943b28 (the builders whose construction changed) ----


def monthly_chart(
    series: pd.DataFrame, *, labels: dict[str, str], title: str, x_title: str, y_title: str, legend_title: str
) -> alt.Chart:
    """Grouped bars per month: planned and actual (from kpis.budget.cumulative_series)."""
    data = _series_frame(series, labels)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X(
                "yearmonth(month):O", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, labelAngle=-45)
            ),
            xOffset=alt.XOffset("label:N", sort=[labels["planned"], labels["actual"]]),
            y=alt.Y("amount:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR)),
            color=_series_color(labels, legend_title),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title=x_title, format="%B %Y"),
                alt.Tooltip("label:N", title=legend_title),
                alt.Tooltip("amount:Q", title=y_title, format="$,.0f"),
            ],
        )
        .properties(height=280)
    )


def cumulative_chart(
    series: pd.DataFrame, *, labels: dict[str, str], title: str, x_title: str, y_title: str, legend_title: str
) -> alt.LayerChart:
    """Cumulative actual as an area, with the cumulative plan as a dashed reference line."""
    data = _series_frame(series, labels)
    # One top-level data set for both layers (see charts.projects.goal_timeline_chart).
    base = alt.Chart(title=title).encode(
        x=alt.X("month:T", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, tickCount="month")),
        y=alt.Y("cumulative:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR)),
        color=_series_color(labels, legend_title),
        tooltip=[
            alt.Tooltip("month:T", title=x_title, format="%B %Y"),
            alt.Tooltip("label:N", title=legend_title),
            alt.Tooltip("cumulative:Q", title=y_title, format="$,.0f"),
        ],
    )
    actual = base.transform_filter(alt.datum.series == "actual").mark_area(opacity=0.35, line=True)
    planned = base.transform_filter(alt.datum.series == "planned").mark_line(strokeDash=[6, 4], strokeWidth=2)
    return alt.layer(actual, planned, data=data).properties(height=280)


def drift_chart(
    drift: pd.DataFrame,
    *,
    tolerance: float,
    department_names: dict[str, str],
    title: str,
    x_title: str,
    y_title: str,
    legend_title: str,
) -> alt.LayerChart:
    """Drift in percentage points per project and department (from kpis.budget.funding_drift),
    one bar per project and department named "project · department", with the tolerance band
    drawn as red rules at ± tolerance. Rows without a drift are left out; pass
    `largest_drifts(...)[0]` to keep the chart within a screen at any size."""
    rows = drift[[value.available for value in drift["drift_pp"]]] if not drift.empty else drift
    names = [department_names.get(d, d) for d in rows["department"]] if not rows.empty else []
    projects = list(rows["project"]) if not rows.empty else []
    data = pd.DataFrame(
        {
            "project": projects,
            "department": names,
            "row": [f"{project} · {name}" for project, name in zip(projects, names, strict=True)],
            "drift_pp": [value.value for value in rows["drift_pp"]] if not rows.empty else [],
        }
    )
    codes = sorted(set(department_names) | set(rows["department"]))
    colors = department_colors(codes)
    shown_departments = set(data["department"])
    bars = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y(
                "row:N",
                title=y_title,
                sort=list(data["row"]),
                axis=alt.Axis(labelLimit=320, labelOverlap=False),
            ),
            x=alt.X("drift_pp:Q", title=x_title),
            color=alt.Color(
                "department:N",
                title=legend_title,
                scale=alt.Scale(
                    domain=[department_names.get(c, c) for c in codes], range=[colors[c] for c in codes]
                ),
                legend=alt.Legend(orient="top") if len(shown_departments) <= LEGEND_DEPARTMENTS else None,
            ),
            tooltip=[
                alt.Tooltip("project:N", title=y_title),
                alt.Tooltip("department:N", title=legend_title),
                alt.Tooltip("drift_pp:Q", title=x_title, format="+.1f"),
            ],
        )
    )
    limits = pd.DataFrame({"limit": [-tolerance, tolerance]})
    rules = alt.Chart(limits).mark_rule(color=RAG_COLORS["red"], strokeDash=[4, 4]).encode(x=alt.X("limit:Q"))
    return (bars + rules).properties(height=alt.Step(DRIFT_ROW_STEP))


def forecast_chart(
    series: pd.DataFrame,
    *,
    forecast_end: float,
    year_end: pd.Timestamp,
    labels: dict[str, str],
    title: str,
    x_title: str,
    y_title: str,
    legend_title: str,
) -> alt.LayerChart:
    """Cumulative plan (dashed) and actual (area) of the year, as `cumulative_chart`, with the
    forecast to year end as a dotted line from the last actual month's cumulative amount to
    `forecast_end` at `year_end` (from kpis.budget.forecast_year_end). `labels` names the
    series "planned", "actual" and "forecast"."""
    actual = series[series["series"] == "actual"].sort_values("month")
    if actual.empty:
        return cumulative_chart(
            series, labels=labels, title=title, x_title=x_title, y_title=y_title, legend_title=legend_title
        )
    last = actual.iloc[-1]
    forecast = pd.DataFrame(
        {
            "month": [pd.Timestamp(last["month"]), pd.Timestamp(year_end)],
            "cumulative": [float(last["cumulative"]), float(forecast_end)],
            "label": labels["forecast"],
        }
    )
    data = _series_frame(series, labels)
    names = [labels["planned"], labels["actual"], labels["forecast"]]
    color = alt.Color(
        "label:N",
        title=legend_title,
        scale=alt.Scale(
            domain=names, range=[SERIES_COLORS["planned"], SERIES_COLORS["actual"], FORECAST_COLOR]
        ),
        legend=alt.Legend(orient="top"),
    )
    x = alt.X("month:T", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, tickCount="month"))
    y = alt.Y("cumulative:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR))
    base = alt.Chart(data).encode(x=x, y=y, color=color)
    actual_area = base.transform_filter(alt.datum.series == "actual").mark_area(opacity=0.35, line=True)
    planned = base.transform_filter(alt.datum.series == "planned").mark_line(strokeDash=[6, 4], strokeWidth=2)
    ahead = (
        alt.Chart(forecast)
        .mark_line(strokeDash=[2, 3], strokeWidth=3, point=True)
        .encode(x=x, y=y, color=color)
    )
    return alt.layer(actual_area, planned, ahead, title=title).properties(height=280)
