"""The project table, its exceptions and detail, and which projects a chart shows: built from
the collaboration (kpis.teams), ownership (kpis.ownership) and goal (kpis.goals) KPIs.
Pure functions on the small frames of data_access.projects.

The definitions (also the UI help texts) are in the docstrings of those modules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

# Compatibility re-exports; import from kpis.funding, kpis.teams, kpis.ownership and kpis.goals.
from kpis.goals import (
    next_goals,
)
from kpis.ownership import (
    project_ownership,
)
from kpis.teams import (
    split_text,
    team_text,
)


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value)) and value != ""


# The portfolio table's columns, in the order the Projects page shows them (has_issue, the
# last, drives the "issues only" filter and is not shown).
PORTFOLIO_COLUMNS = [
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


def project_table(
    projects: pd.DataFrame,
    *,
    funding: pd.DataFrame,
    team: pd.DataFrame,
    mix: pd.DataFrame,
    ownership: pd.DataFrame,
    timeline: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    department_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The portfolio table: one row per project of `projects` (load_projects).

    Columns: code, name, status, rag, rag_reason, split (committed split text), joint,
    team (members per department), mixed, fte_balance, ownership (worst status),
    next_goal, next_goal_date, late_goals, has_issue (ownership not ok, unmixed team or a
    late goal). Codes in status, rag and ownership are replaced
    by `labels[code]` where given (translated by the caller); split and team name the
    departments by `department_names` where given.
    """
    labels = labels or {}
    splits = split_text(funding, department_names)
    teams = team_text(team, department_names)
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
    return pd.DataFrame(rows, columns=PORTFOLIO_COLUMNS)


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


def project_label(code: str, names: Mapping[str, str]) -> str:
    """How a person reads a project: "P-011 · name", or the code alone when it has no name."""
    name = names.get(code)
    return f"{code} · {name}" if name else code


def labels_of_projects(names: Mapping[str, str], codes: Iterable[str] | None = None) -> dict[str, str]:
    """`project_label` of each of `codes` (by default every project in `names`), by code."""
    return {code: project_label(code, names) for code in (names if codes is None else codes)}


def label_code_list(text: str, labels: Mapping[str, str]) -> str:
    """A comma-separated list of codes ("IT,MKT") as their labels joined by ", " ("IT,
    Marketing"); unknown codes kept, empty ones left out."""
    return ", ".join(labels.get(code.strip(), code.strip()) for code in text.split(",") if code.strip())


def label_code_lists(frame: pd.DataFrame, labels: Mapping[str, str], columns: Iterable[str]) -> pd.DataFrame:
    """`label_codes` for columns that hold comma-separated lists of codes (`label_code_list`)."""
    return frame.assign(
        **{c: [label_code_list(v, labels) if isinstance(v, str) else v for v in frame[c]] for c in columns}
    )


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
