"""Collaboration per project: the funding split and the team mix against it (pure, on the
small frames of data_access.projects).

Definitions (also the UI help texts):
- joint: a project funded by two or more departments.
- agreed split: kpis.funding.agreed_split.
- mixed team: a joint project whose team (members active in the as-of month) includes at
  least one member from EVERY funding department.
- mixed-teams share = mixed joint projects / joint projects with a team in the as-of month.
- FTE balance of a joint project = min over its funding departments d of
  (FTE share of d in the team) / (agreed share of d): 1 means staffed at least in line with
  the agreed split for every funder, 0 means a funder has nobody in the team. Portfolio: median.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from kpis.common import KpiValue, not_available, ratio
from kpis.funding import resolve_agreed_shares


def split_text(funding: pd.DataFrame, names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Per project the committed split as text, e.g. {"P-1": "IT 50% · MKT 50%"} (whole %):
    departments by their `names` (by code without them), in code order."""
    if funding.empty:
        return {}
    names = names or {}
    codes = pd.factorize(funding["project"])[0]
    if (codes < 0).any():
        return _split_text_grouped(funding, names)
    # committed_share of `resolve_agreed_shares` (the same grouped sum), without the rest.
    total = (
        pd.DataFrame({"committed": funding["committed"], "code": codes})
        .groupby("code")["committed"]
        .transform("sum")
    )
    shares = (funding["committed"] / total.where(total != 0)).tolist()
    parts = [
        f"{names.get(dept, dept)} {round(share * 100)}%" if share == share else f"{names.get(dept, dept)} –"
        for dept, share in zip(funding["department"].tolist(), shares, strict=True)
    ]
    joined = _joined_by_project(funding, parts)
    return _split_text_grouped(funding, names) if joined is None else joined


def _split_text_grouped(funding: pd.DataFrame, names: Mapping[str, str]) -> dict[str, str]:
    """`split_text` with pandas grouping (for frames with a missing project or department)."""
    shares = resolve_agreed_shares(funding).sort_values(["project", "department"])
    parts = [
        f"{names.get(dept, dept)} {round(share * 100)}%" if pd.notna(share) else f"{names.get(dept, dept)} –"
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


def team_text(team: pd.DataFrame, names: Mapping[str, str] | None = None) -> dict[str, str]:
    """Per project the members per home department, e.g. {"P-1": "IT 4 · MKT 3"}:
    departments by their `names` (by code without them), in code order."""
    if team.empty:
        return {}
    names = names or {}
    parts = [
        f"{names.get(dept, dept)} {int(n)}"
        for dept, n in zip(team["department"], team["members"], strict=True)
    ]
    joined = _joined_by_project(team, parts)
    if joined is not None:
        return joined
    ordered = team.sort_values(["project", "department"])
    parts = [
        f"{names.get(dept, dept)} {int(n)}"
        for dept, n in zip(ordered["department"], ordered["members"], strict=True)
    ]
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


def count_mixed(mix: pd.DataFrame) -> tuple[int, int]:
    """(mixed joint teams, joint projects with a team): the parts of `mixed_teams_share`."""
    if mix.empty:
        return 0, 0
    staffed = mix[mix["joint"] & mix["has_team"]]
    return int(staffed["mixed"].astype(bool).sum()), len(staffed)
