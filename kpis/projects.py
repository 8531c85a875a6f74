"""Collaboration and customer-insight KPIs per project: funding split, team mix, ownership,
insight goals. Pure functions on the small frames of data_access.projects.

Definitions (also the UI help texts):
- joint: a project funded by two or more departments.
- agreed split: funding.agreed_share per department; a NULL share gets an equal part of
  what the recorded shares leave (1 − Σ recorded) / number of NULL shares.
- mixed team: a joint project whose team (members active in the as-of month) includes at
  least one member from EVERY funding department.
- mixed-teams share = mixed joint projects / joint projects with a team in the as-of month.
- FTE balance of a joint project = min over its funding departments d of
  (FTE share of d in the team) / (agreed share of d): 1 means staffed at least in line with
  the agreed split for every funder, 0 means a funder has nobody in the team. Portfolio: median.
- ownership clarity = projects whose every responsibility area has exactly one accountable
  department that is the one the house rule expects / projects with ownership rows.
- goals: a goal counts as reached only when its achieved date is on or before the as-of end.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.months import add_months, as_date
from kpis.common import KpiValue, not_available, ratio
from kpis.funding import resolve_agreed_shares

OWNERSHIP_STATUSES = ("ok", "missing", "double", "breach")
GOAL_STATUSES = ("reached_on_time", "reached_late", "overdue", "open")
PROGRESS_DISPLAY_CAP = 1.5  # per-goal value progress beyond 150% is shown as 150%


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value != ""


def split_text(funding: pd.DataFrame) -> dict[str, str]:
    """Per project the committed split as text, e.g. {"P-1": "IT 50% · MKT 50%"} (codes, whole %)."""
    if funding.empty:
        return {}
    codes = pd.factorize(funding["project"])[0]
    if (codes < 0).any():
        return _split_text_grouped(funding)
    # committed_share of `resolve_agreed_shares` (the same grouped sum), without the rest.
    total = (
        pd.DataFrame({"committed": funding["committed"], "code": codes})
        .groupby("code")["committed"]
        .transform("sum")
    )
    shares = (funding["committed"] / total.where(total != 0)).tolist()
    parts = [
        f"{dept} {round(share * 100)}%" if share == share else f"{dept} –"
        for dept, share in zip(funding["department"].tolist(), shares, strict=True)
    ]
    joined = _joined_by_project(funding, parts)
    return _split_text_grouped(funding) if joined is None else joined


def _split_text_grouped(funding: pd.DataFrame) -> dict[str, str]:
    """`split_text` with pandas grouping (for frames with a missing project or department)."""
    shares = resolve_agreed_shares(funding).sort_values(["project", "department"])
    parts = [
        f"{dept} {round(share * 100)}%" if pd.notna(share) else f"{dept} –"
        for dept, share in zip(shares["department"], shares["committed_share"], strict=True)
    ]
    joined = pd.Series(parts, index=shares.index).groupby(shares["project"], sort=True).agg(" · ".join)
    return {str(project): text for project, text in joined.items()}


def _joined_by_project(frame: pd.DataFrame, parts: list[str]) -> dict[str, str] | None:
    """The `parts` (one per row of `frame`) joined with " · " per project, rows in
    (project, department) order, projects in order: what sorting by both and a grouped
    join give. None when a project or department is not a string (NaN): then the caller
    sorts and groups with pandas."""
    projects = frame["project"].tolist()
    departments = frame["department"].tolist()
    if not all(isinstance(value, str) for value in (*projects, *departments)):
        return None
    texts: dict[str, list[str]] = {}
    for row in sorted(range(len(parts)), key=lambda row: (projects[row], departments[row])):
        texts.setdefault(projects[row], []).append(parts[row])
    return {project: " · ".join(items) for project, items in texts.items()}


TEAM_MIX_COLUMNS = (
    "project",
    "joint",
    "members",
    "fte",
    "has_team",
    "missing_departments",
    "mixed",
    "fte_balance",
)


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
    in one pass: the teams are stacked with a month key and every sum is one grouped sum
    over (month, project) or (month, project, department), so six months cost about what
    one does. Each group holds the same rows in the same order as a single month's would,
    so every sum and minimum is the one `team_mix` gives; the rest is array arithmetic."""
    keys = list(teams)
    if funding.empty:
        return {key: pd.DataFrame(columns=list(TEAM_MIX_COLUMNS)) for key in keys}
    shares = resolve_agreed_shares(funding)
    joint = shares.groupby("project", sort=True)["joint"].first()
    project_index = joint.index
    n_months, n_projects = len(keys), len(project_index)
    # Funder rows (those with a project; a row without one is no group of the mix).
    funder_project = project_index.get_indexer(shares["project"])
    kept = funder_project >= 0
    funder_project = funder_project[kept]
    funder_department = shares["department"].to_numpy(dtype=object)[kept]
    agreed = shares["agreed"].to_numpy(dtype="float64")[kept]
    departments = {name: number for number, name in enumerate(dict.fromkeys(funder_department))}
    # The teams stacked, with integer keys for month, project and department.
    frames = [teams[key] for key in keys]
    lengths = [len(frame) for frame in frames]
    month = np.repeat(np.arange(n_months), lengths)
    team_project = np.concatenate(
        [project_index.get_indexer(frame["project"]) for frame in frames] or [np.empty(0, dtype="intp")]
    )
    team_department = np.concatenate(
        [frame["department"].to_numpy(dtype=object) for frame in frames] or [np.empty(0, dtype=object)]
    )
    values = pd.DataFrame(
        {
            "members": np.concatenate([frame["members"].to_numpy() for frame in frames] or [np.empty(0)]),
            "fte": np.concatenate(
                [frame["fte"].to_numpy(dtype="float64") for frame in frames] or [np.empty(0)]
            ),
        }
    )
    on_funded = team_project >= 0  # a team of an unfunded project is no row of the mix
    group = month * n_projects + team_project
    totals = values.assign(group=group)[on_funded].groupby("group").sum()
    members = np.zeros(n_months * n_projects, dtype="int64")
    fte = np.zeros(n_months * n_projects, dtype="float64")
    members[totals.index.to_numpy()] = totals["members"].to_numpy()
    fte[totals.index.to_numpy()] = totals["fte"].to_numpy(dtype="float64")
    # Members and FTE per (month, project, funding department); other departments only
    # count in the totals above.
    team_dept = np.array([departments.get(name, -1) for name in team_department], dtype="intp")
    on_funder = on_funded & (team_dept >= 0)
    n_departments = max(len(departments), 1)
    cell = group * n_departments + team_dept
    per_dept = values.assign(cell=cell)[on_funder].groupby("cell").sum()
    dept_members = np.zeros(n_months * n_projects * n_departments, dtype="float64")
    dept_fte = np.zeros(n_months * n_projects * n_departments, dtype="float64")
    dept_members[per_dept.index.to_numpy()] = per_dept["members"].to_numpy(dtype="float64")
    dept_fte[per_dept.index.to_numpy()] = per_dept["fte"].to_numpy(dtype="float64")
    funder_dept = np.array([departments[name] for name in funder_department], dtype="intp")
    has_team = members > 0
    joint_flags = np.tile(joint.to_numpy(dtype=bool), n_months)
    with_team = joint_flags & has_team
    eligible = with_team & (fte > 0)
    cells = [
        (number * n_projects + funder_project) * n_departments + funder_dept for number in range(n_months)
    ]
    absences = [dept_members[funder_cells] <= 0 for funder_cells in cells]
    # The texts' dtype as the grouped join gave it: the departments' string dtype, else
    # inferred from the texts, or object when no month misses anyone.
    department_dtype = funding["department"].dtype
    if isinstance(department_dtype, pd.StringDtype):
        text_dtype = department_dtype
    else:
        text_dtype = None if any(absent.any() for absent in absences) else object
    result: dict[object, pd.DataFrame] = {}
    for number, key in enumerate(keys):
        rows = number * n_projects + funder_project
        funder_cells = cells[number]
        absent = absences[number]
        missing: dict[int, list[str]] = {}
        for row, name in zip(rows[absent].tolist(), funder_department[absent].tolist(), strict=True):
            missing.setdefault(row, []).append(name)
        span = slice(number * n_projects, (number + 1) * n_projects)
        texts = [",".join(sorted(missing.get(row, ()))) for row in range(span.start, span.stop)]
        total_fte = fte[rows]
        with np.errstate(divide="ignore", invalid="ignore"):
            share_ratio = (dept_fte[funder_cells] / np.where(total_fte > 0, total_fte, np.nan)) / np.where(
                agreed > 0, agreed, np.nan
            )
        balance = np.full(n_projects, np.nan)
        np.fmin.at(balance, funder_project, share_ratio)
        staffed = with_team[span].tolist()
        result[key] = pd.DataFrame(
            {
                "project": pd.Series(project_index.array, copy=True),
                "joint": joint_flags[span],
                "members": members[span],
                "fte": fte[span],
                "has_team": has_team[span],
                "missing_departments": pd.Series(texts, dtype=text_dtype),
                "mixed": [(not text) if ok else None for ok, text in zip(staffed, texts, strict=True)],
                "fte_balance": [
                    float(value) if ok and not np.isnan(value) else None
                    for value, ok in zip(balance.tolist(), eligible[span].tolist(), strict=True)
                ],
            }
        )
    return result


def team_text(team: pd.DataFrame) -> dict[str, str]:
    """Per project the members per home department, e.g. {"P-1": "IT 4 · MKT 3"}."""
    if team.empty:
        return {}
    parts = [f"{dept} {int(n)}" for dept, n in zip(team["department"], team["members"], strict=True)]
    joined = _joined_by_project(team, parts)
    if joined is not None:
        return joined
    ordered = team.sort_values(["project", "department"])
    parts = [f"{dept} {int(n)}" for dept, n in zip(ordered["department"], ordered["members"], strict=True)]
    joined = pd.Series(parts, index=ordered.index).groupby(ordered["project"], sort=True).agg(" · ".join)
    return {str(project): text for project, text in joined.items()}


def mixed_teams_share(mix: pd.DataFrame) -> KpiValue:
    """Mixed teams = joint projects staffed from every funding department / joint projects
    with a team in the as-of month (`mix` from `team_mix`)."""
    staffed = mix[mix["joint"] & mix["has_team"]] if not mix.empty else mix
    mixed = int(staffed["mixed"].astype(bool).sum()) if not staffed.empty else 0
    return ratio(float(mixed), float(len(staffed)), reason_if_zero="projects.na.no_joint_teams")


def fte_balance_median(mix: pd.DataFrame) -> KpiValue:
    """FTE balance of the portfolio = median of the joint projects' FTE balance (see `team_mix`)."""
    values = mix["fte_balance"].dropna() if not mix.empty else pd.Series(dtype="float64")
    if values.empty:
        return not_available("projects.na.no_joint_teams")
    return KpiValue(float(values.astype("float64").median()))


def ownership_status(ownership: pd.DataFrame) -> pd.DataFrame:
    """Each (project, area) cell with its status, worst first: missing (no accountable
    department), double (two or more), breach (one owner, not the house rule's department),
    ok. In: project, area, owners, owner_codes, expected, off_rule; out: the same + status."""
    if ownership.empty:
        return ownership.assign(status=pd.Series(dtype="str"))
    status = [
        "missing" if owners == 0 else "double" if owners >= 2 else "breach" if off_rule > 0 else "ok"
        for owners, off_rule in zip(ownership["owners"], ownership["off_rule"], strict=True)
    ]
    return ownership.assign(status=status)


def project_ownership(status: pd.DataFrame) -> dict[str, str]:
    """Per project its worst ownership status (missing > double > breach > ok)."""
    order = ("missing", "double", "breach", "ok")
    worst = status["status"].map(order.index).groupby(status["project"], sort=True).min()
    return {str(project): order[rank] for project, rank in worst.items()}


def ownership_clarity(status: pd.DataFrame) -> KpiValue:
    """Ownership clarity = projects whose every area is "ok" (exactly one accountable
    department, the one the house rule expects) / projects with ownership rows."""
    if status.empty:
        return not_available("projects.na.no_ownership")
    clear = status["status"].eq("ok").groupby(status["project"]).all()
    return ratio(float(clear.sum()), float(len(clear)), reason_if_zero="projects.na.no_ownership")


def ownership_issues(status: pd.DataFrame) -> pd.DataFrame:
    """The cells that are not ok: project, area, status, owner_codes, expected (ordered)."""
    columns = ["project", "area", "status", "owner_codes", "expected"]
    if status.empty:
        return pd.DataFrame(columns=columns)
    return status.loc[status["status"] != "ok", columns].reset_index(drop=True)


def goal_timeline(goals: pd.DataFrame, *, as_of_end: dt.date) -> pd.DataFrame:
    """Goals as they stood at `as_of_end`, with status, slippage and value progress.

    In: load_insight_goals (project, code, target_date, achieved_date, target_value,
    achieved_value, ...). An achievement after `as_of_end` is not yet known: its date and
    value are blanked. Adds:
    - status: reached_on_time (achieved ≤ target), reached_late, overdue (not reached,
      target date on or before as_of_end), open (not reached, target still ahead).
    - slippage_days: achieved − target for reached goals (negative = early), as_of_end −
      target for overdue ones, None for open ones.
    - progress: achieved_value / target_value for reached goals, 0 for unreached, None
      when the target is 0 (no meaningful ratio); progress_display is it capped at 150%.
    - late: reached_late or overdue.
    """
    frame = goals.copy()
    target = [as_date(v) for v in frame["target_date"]]
    achieved = [as_date(v) for v in frame["achieved_date"]]
    known = [a if a is not None and a <= as_of_end else None for a in achieved]
    statuses, slippage, progress = [], [], []
    values = frame["achieved_value"].tolist()
    for tgt, got, value, target_value in zip(target, known, values, frame["target_value"], strict=True):
        if got is not None:
            statuses.append("reached_on_time" if got <= tgt else "reached_late")
            slippage.append((got - tgt).days)
        elif tgt <= as_of_end:
            statuses.append("overdue")
            slippage.append((as_of_end - tgt).days)
        else:
            statuses.append("open")
            slippage.append(None)
        if not target_value:
            progress.append(None)
        elif got is None or value is None or pd.isna(value):
            progress.append(0.0)
        else:
            progress.append(float(value) / float(target_value))
    progress_series = pd.Series(progress, index=frame.index, dtype="float64")
    return frame.assign(
        target_date=target,
        achieved_date=known,
        achieved_value=[v if k is not None else None for v, k in zip(values, known, strict=True)],
        status=statuses,
        slippage_days=pd.array(slippage, dtype="Int64"),
        progress=progress_series,
        progress_display=progress_series.clip(upper=PROGRESS_DISPLAY_CAP),
        late=[s in ("reached_late", "overdue") for s in statuses],
    )


def late_goals(timeline: pd.DataFrame) -> pd.DataFrame:
    """Goals reached late or overdue: project, code, goal, status, target_date, slippage_days."""
    columns = ["project", "code", "goal", "status", "target_date", "slippage_days"]
    return timeline.loc[timeline["late"], columns].reset_index(drop=True)


def value_progress(timeline: pd.DataFrame, *, as_of_end: dt.date) -> KpiValue:
    """Value delivered = mean over goals due by `as_of_end` (target date on or before it,
    target value ≠ 0) of min(achieved / target, 1); an unreached due goal counts 0.
    `timeline` from `goal_timeline`."""
    due = timeline[[d <= as_of_end for d in timeline["target_date"]]] if not timeline.empty else timeline
    due = due[due["progress"].notna()] if not due.empty else due
    if due.empty:
        return not_available("kpi.na.no_goals_due")
    return KpiValue(float(due["progress"].clip(upper=1.0).mean()))


def first_insight_days(timeline: pd.DataFrame) -> pd.DataFrame:
    """Per project with a reached goal: project, first_achieved, days (first achieved −
    the project's planned_start). `timeline` from `goal_timeline` (needs planned_start)."""
    reached = timeline[timeline["achieved_date"].notna()]
    if reached.empty:
        return pd.DataFrame(columns=["project", "first_achieved", "days"])
    projects = reached["project"].tolist()
    if not all(isinstance(project, str) for project in projects):
        return _first_insight_days_grouped(reached)
    # One pass in plain Python: the earliest reached date and the first known planned start
    # per project (what a grouped min and first give), projects in order.
    first: dict[str, list] = {}
    for project, got, start in zip(
        projects, reached["achieved_date"].tolist(), reached["planned_start"].tolist(), strict=True
    ):
        known = first.get(project)
        if known is None:
            first[project] = [got, start if _present_date(start) else None]
        else:
            known[0] = min(known[0], got)
            if known[1] is None and _present_date(start):
                known[1] = start
    codes = sorted(first)
    project_dtype = timeline["project"].dtype
    return pd.DataFrame(
        {
            "project": pd.Series(
                codes, dtype=project_dtype if isinstance(project_dtype, pd.StringDtype) else None
            ),
            "first_achieved": pd.Series([first[code][0] for code in codes], dtype=object),
            "days": [(first[code][0] - as_date(first[code][1])).days for code in codes],
        }
    )


def _present_date(value: object) -> bool:
    return value is not None and value is not pd.NaT and not (isinstance(value, float) and pd.isna(value))


def _first_insight_days_grouped(reached: pd.DataFrame) -> pd.DataFrame:
    """`first_insight_days` with a pandas grouping (for a timeline with a missing project)."""
    first = reached.groupby("project").agg(
        first_achieved=("achieved_date", "min"), planned_start=("planned_start", "first")
    )
    days = [
        (got - as_date(start)).days
        for got, start in zip(first["first_achieved"], first["planned_start"], strict=True)
    ]
    return first.reset_index().assign(days=days)[["project", "first_achieved", "days"]]


def median_days_to_first_insight(timeline: pd.DataFrame) -> KpiValue:
    """Time to first insight = median over projects of (first reached goal − planned start), in days."""
    days = first_insight_days(timeline)
    if days.empty:
        return not_available("projects.na.no_insight_yet")
    return KpiValue(float(pd.Series(days["days"], dtype="float64").median()))


def goals_per_million(timeline: pd.DataFrame, spend: pd.DataFrame) -> KpiValue:
    """Insight per euro = goals reached by the as-of end / (actual spend up to the as-of
    month / 1,000,000 in the organisation's currency). `spend` has project, actual; n/a when
    there are no goals at all, or when nothing (or less) was spent."""
    if timeline.empty:
        return not_available("projects.na.no_goals")
    reached = int(timeline["achieved_date"].notna().sum())
    spent = float(spend["actual"].sum()) if not spend.empty else 0.0
    if spent <= 0:
        return not_available("projects.na.no_spend")
    return ratio(float(reached), spent / 1_000_000, reason_if_zero="projects.na.no_spend")


def next_goals(timeline: pd.DataFrame) -> pd.DataFrame:
    """Per project its next unreached goal (earliest target date): project, code, goal, target_date, status."""
    columns = ["project", "code", "goal", "target_date", "status"]
    open_goals = timeline[timeline["achieved_date"].isna()]
    if open_goals.empty:
        return pd.DataFrame(columns=columns)
    return (
        open_goals.sort_values(["project", "target_date", "code"])
        .groupby("project", sort=True)
        .head(1)[columns]
        .reset_index(drop=True)
    )


def shift_date(day: dt.date, months: int) -> dt.date:
    """`day` moved `months` months; a month end stays a month end, other days clamp to the month."""
    moved = add_months(day, months)
    last = calendar.monthrange(moved.year, moved.month)[1]
    is_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return moved.replace(day=last if is_month_end else min(day.day, last))


def shift_goals(
    goals: pd.DataFrame,
    *,
    months: int,
    projects: Iterable[str] | None = None,
    as_of_end: dt.date | None = None,
) -> pd.DataFrame:
    """What-if: goals with the target dates of `projects` (all when None) moved `months`
    months (negative = earlier). With `as_of_end`, goals already reached by then keep their
    dates (the past does not move). Achieved dates are never changed. Returns a new frame."""
    chosen = None if projects is None else set(projects)
    shifted = []
    for project, target, achieved in zip(
        goals["project"], goals["target_date"], goals["achieved_date"], strict=True
    ):
        target_day = as_date(target)
        reached = as_date(achieved)
        settled = as_of_end is not None and reached is not None and reached <= as_of_end
        if target_day is None or settled or (chosen is not None and project not in chosen):
            shifted.append(target_day)
        else:
            shifted.append(shift_date(target_day, months))
    return goals.assign(target_date=shifted)


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
    # Plain dicts per column instead of a Series lookup per project and column (the same
    # values: a project appears once in the mix and in the next goals).
    if mix.empty:
        mixed_by: dict = {}
        balance_by: dict = {}
        joint_by: dict = {}
    else:
        # Values as Series.get gave them (numpy scalars from a bool or float column).
        mixed_by = dict(zip(mix["project"], mix["mixed"].to_numpy(), strict=True))
        balance_by = dict(zip(mix["project"], mix["fte_balance"].to_numpy(), strict=True))
        joint_by = dict(zip(mix["project"], mix["joint"].to_numpy(), strict=True))
    owners = project_ownership(ownership) if not ownership.empty else {}
    upcoming = next_goals(timeline)
    goal_by = dict(zip(upcoming["project"], upcoming["goal"], strict=True))
    goal_date_by = dict(zip(upcoming["project"], upcoming["target_date"], strict=True))
    late = timeline.groupby("project")["late"].sum() if not timeline.empty else pd.Series(dtype="int64")
    late_by = dict(zip(late.index, late.tolist(), strict=True))
    rows = []
    for row in projects.itertuples():
        code = row.code
        mixed = mixed_by.get(code)
        mixed = mixed if _present(mixed) else None
        balance = balance_by.get(code)
        rows.append(
            {
                "code": code,
                "name": row.name,
                "status": labels.get(row.status, row.status),
                "rag": labels.get(row.rag, row.rag) if _present(row.rag) else labels.get("none", ""),
                "rag_reason": row.rag_reason if _present(row.rag_reason) else "",
                "split": splits.get(code, ""),
                "joint": bool(joint_by.get(code, False)),
                "team": teams.get(code, ""),
                "mixed": labels.get(f"mixed.{bool(mixed)}", str(bool(mixed))) if mixed is not None else "",
                "fte_balance": float(balance) if balance is not None and pd.notna(balance) else None,
                "ownership": labels.get(owners[code], owners[code]) if code in owners else "",
                "next_goal": goal_by.get(code, ""),
                "next_goal_date": goal_date_by.get(code),
                "late_goals": int(late_by.get(code, 0)),
                "has_issue": bool(
                    owners.get(code, "ok") != "ok"
                    or (mixed is not None and not mixed)
                    or int(late_by.get(code, 0)) > 0
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


def filter_project_table(
    table: pd.DataFrame, *, search: str = "", joint_only: bool = False, issues_only: bool = False
) -> pd.DataFrame:
    """Rows of `project_table` whose code or name contains `search` (case-insensitive),
    optionally only joint projects and/or only those with an issue (ownership not ok, team
    not mixed, or a late goal)."""
    keep = pd.Series(True, index=table.index)
    text = search.strip().lower()
    if text:
        keep &= table["code"].str.lower().str.contains(text, regex=False) | table[
            "name"
        ].str.lower().str.contains(text, regex=False)
    if joint_only:
        keep &= table["joint"]
    if issues_only:
        keep &= table["has_issue"]
    return table[keep].reset_index(drop=True)


def collaboration_exceptions(
    mix: pd.DataFrame, ownership: pd.DataFrame, timeline: pd.DataFrame
) -> pd.DataFrame:
    """Everything the steering meeting should see, one row each: project, kind, subject.

    kind is one of house_rule_breach, missing_owner, double_owner (subject: the area code),
    unmixed_team (subject: the funding departments missing from the team) and late_goal
    (subject: the goal code; reached late or overdue at the as-of end).
    """
    kinds = {"breach": "house_rule_breach", "missing": "missing_owner", "double": "double_owner"}
    # Rows as tuples from column lists (not itertuples and a dict per row); sorted in
    # Python when every field is a string, which is the order sort_values gives.
    rows: list[tuple] = []
    if not ownership.empty:
        rows += [
            (project, kinds[status], area)
            for project, status, area in zip(
                ownership["project"].tolist(),
                ownership["status"].tolist(),
                ownership["area"].tolist(),
                strict=True,
            )
            if status != "ok"
        ]
    if not mix.empty:
        rows += [
            (project, "unmixed_team", missing)
            for project, mixed, missing in zip(
                mix["project"].tolist(),
                mix["mixed"].tolist(),
                mix["missing_departments"].tolist(),
                strict=True,
            )
            if mixed == False  # noqa: E712 (as Series.eq(False): None is not False)
        ]
    if not timeline.empty:
        rows += [
            (project, "late_goal", code)
            for project, code, late in zip(
                timeline["project"].tolist(),
                timeline["code"].tolist(),
                timeline["late"].tolist(),
                strict=True,
            )
            if late
        ]
    columns = ["project", "kind", "subject"]
    if all(isinstance(value, str) for row in rows for value in row):
        return pd.DataFrame(sorted(rows), columns=columns)
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(columns).reset_index(drop=True)


def label_codes(frame: pd.DataFrame, labels: Mapping[str, str], columns: Iterable[str]) -> pd.DataFrame:
    """A copy of `frame` with the codes in `columns` replaced by `labels[code]` (unknown kept)."""
    return frame.assign(
        **{c: [labels.get(v, v) if isinstance(v, str) else v for v in frame[c]] for c in columns}
    )


def count_mixed(mix: pd.DataFrame) -> tuple[int, int]:
    """(mixed joint teams, joint projects with a team): the parts of `mixed_teams_share`."""
    if mix.empty:
        return 0, 0
    staffed = mix[mix["joint"] & mix["has_team"]]
    return int(staffed["mixed"].astype(bool).sum()), len(staffed)


def count_reached(timeline: pd.DataFrame) -> int:
    """Goals reached by the as-of end (`timeline` from `goal_timeline`)."""
    return int(timeline["achieved_date"].notna().sum()) if not timeline.empty else 0


def total_spend(spend: pd.DataFrame) -> float:
    """Σ actual spend of `load_actual_spend_by_project`."""
    return float(spend["actual"].sum()) if not spend.empty else 0.0


@dataclass(frozen=True)
class ProjectDetail:
    """One project's slices of the page's frames, for its detail view."""

    funding: pd.DataFrame  # department, committed, committed_share, agreed
    team: pd.DataFrame  # department, members, fte
    ownership: pd.DataFrame  # area, owner_codes, expected, status
    goals: pd.DataFrame  # code, goal, measure, target_value, target_date, achieved_value, achieved_date, progress_display, status, slippage_days


def project_detail(
    code: str, *, split: pd.DataFrame, team: pd.DataFrame, ownership: pd.DataFrame, timeline: pd.DataFrame
) -> ProjectDetail:
    """The rows of project `code` in each frame (split from resolve_agreed_shares,
    team from load_team_by_department, ownership from ownership_status, timeline from goal_timeline)."""

    def rows(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        if frame.empty:
            return pd.DataFrame(columns=columns)
        return frame.loc[frame["project"] == code, columns].reset_index(drop=True)

    return ProjectDetail(
        funding=rows(split, ["department", "committed", "committed_share", "agreed"]),
        team=rows(team, ["department", "members", "fte"]),
        ownership=rows(ownership, ["area", "owner_codes", "expected", "status"]),
        goals=rows(
            timeline,
            [
                "code",
                "goal",
                "measure",
                "target_value",
                "target_date",
                "achieved_value",
                "achieved_date",
                "progress_display",
                "status",
                "slippage_days",
            ],
        ),
    )


CHART_PROJECTS = 40  # rows a per-project chart shows at most; the tables beside it hold all
CHART_GOALS = 90  # goal rows the goal timeline shows at most (18 px each: well under 2,000 px)


@dataclass(frozen=True)
class ChartSelection:
    """The projects a per-project chart shows (`shown`, in priority order) out of `total`.

    A chart with a bar per project is unreadable (and slow) for thousands of projects, so
    it shows the `CHART_PROJECTS` that need attention first; the tables keep every row.
    """

    shown: list[str]
    total: int

    @property
    def limited(self) -> bool:
        return len(self.shown) < self.total


def _select(
    priority: pd.DataFrame, limit: int | None, *, rows: pd.Series | None = None, max_rows: int = 0
) -> ChartSelection:
    """`priority` has project and score (higher first; ties by project code). With `rows`
    (chart rows per project) whole projects are taken while their rows fit in `max_rows`."""
    limit = CHART_PROJECTS if limit is None else limit
    ranked = priority.sort_values(["score", "project"], ascending=[False, True], kind="stable")
    codes = list(dict.fromkeys(ranked["project"].tolist()))
    shown = codes[:limit]
    if rows is not None and max_rows:
        kept: list[str] = []
        used = 0
        for code in shown:
            count = int(rows.get(code, 1))
            if kept and used + count > max_rows:
                break
            kept.append(code)
            used += count
        shown = kept
    return ChartSelection(shown, len(codes))


def funding_chart_projects(split: pd.DataFrame, *, limit: int | None = None) -> ChartSelection:
    """The projects whose committed split strays furthest from the agreed split first:
    score = max over its departments of |committed_share − agreed| (NaN counts as 0).
    In: resolve_agreed_shares output."""
    if split.empty:
        return ChartSelection([], 0)
    gap = (split["committed_share"].astype("float64") - split["agreed"].astype("float64")).abs().fillna(0.0)
    score = gap.groupby(split["project"]).max()
    return _select(pd.DataFrame({"project": score.index, "score": score.to_numpy()}), limit)


def ownership_chart_projects(status: pd.DataFrame, *, limit: int | None = None) -> ChartSelection:
    """The projects with ownership problems first: score = number of cells that are not ok
    (missing, double or breach). In: ownership_status output."""
    if status.empty:
        return ChartSelection([], 0)
    score = status["status"].ne("ok").groupby(status["project"]).sum()
    return _select(pd.DataFrame({"project": score.index, "score": score.to_numpy(dtype="float64")}), limit)


def goal_chart_projects(timeline: pd.DataFrame, *, limit: int | None = None) -> ChartSelection:
    """The projects with the most slipped goals first: score = the largest slippage in days
    of an overdue or late goal (0 for projects without one), as many whole projects as
    have `CHART_GOALS` goal rows between them. In: goal_timeline output."""
    if timeline.empty:
        return ChartSelection([], 0)
    slip = timeline["slippage_days"].astype("float64").where(timeline["late"].astype(bool), 0.0).fillna(0.0)
    score = slip.clip(lower=0.0).groupby(timeline["project"]).max()
    goals = timeline.groupby("project").size()
    return _select(
        pd.DataFrame({"project": score.index, "score": score.to_numpy()}),
        limit,
        rows=goals,
        max_rows=CHART_GOALS,
    )
