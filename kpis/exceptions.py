"""The exceptions list of the steering meeting: what needs a decision, from the data.

Rules (each a documented threshold, never a judgement call):
- forecast_overrun: the portfolio's year-end forecast (EAC-based, as on the Budget page)
  divided by the year budget is beyond the `forecast_ratio` target's amber threshold (red).
- over_budget: an active project whose cost exceeds the value of the work done: CPI (earned
  value / actual cost) below the CPI target's amber threshold (red); or whose spend to date
  exceeds its plan to date (AC / PV) beyond the realisation target's amber threshold (red).
  `values["rule"]` says which ("cpi" first when both), so the words say what was measured.
- behind_schedule: an active project whose SPI is below the SPI target's amber threshold (red).
- funding_drift: a joint project where a department's share of actual spend differs from its
  agreed share by more than the drift tolerance (target `funding_drift_pp`, green threshold).
- house_rule_breach / missing_owner / double_owner: ownership that breaks the house rule or has
  no or two accountable departments for an area.
- unmixed_team: a joint project whose team misses a funding department in the as-of month.
- late_goal: an insight goal past its target date and not reached by then, or reached late.
- trust_drop: a trust score (overall, per dimension or in the mirror) that fell significantly
  (Welch's t, p < 0.05) since the previous wave.
- overdue_action: a steering action still open after its due date at the as-of month end.
Active projects only for the budget rules: on-hold and cancelled projects spend by design
less than planned, and their state is a decision already taken. Cancelled projects raise no
ownership, team or insight-goal exceptions either (`without_cancelled`, applied by the single
view): their goal was dropped with the project, so it is never "late". On-hold projects keep
those (they may resume). Funding drift counts every project with spend: who paid the money
already spent stays part of the agreement. kpis/catalogue.py documents this per KPI.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import pandas as pd

from domain.targets import Target, rag
from kpis.common import KpiValue
from kpis.steering import overdue_actions

PAGES = {
    "forecast_overrun": "views/budget.py",
    "over_budget": "views/budget.py",
    "behind_schedule": "views/budget.py",
    "funding_drift": "views/budget.py",
    "house_rule_breach": "views/projects.py",
    "missing_owner": "views/projects.py",
    "double_owner": "views/projects.py",
    "unmixed_team": "views/projects.py",
    "late_goal": "views/projects.py",
    "trust_drop": "views/trust.py",
    "overdue_action": "views/steering.py",
}
ORDER = list(PAGES)
OWNERSHIP_KINDS = ("house_rule_breach", "missing_owner", "double_owner")


@dataclass(frozen=True)
class ExceptionItem:
    """One line of the exceptions list: `kind` (a key of PAGES), the project it concerns (if
    any), a `subject` (area, goal, department, dimension or action title) and the figures
    the message needs in `values`. `page` is where the detail is."""

    kind: str
    project: str | None
    subject: str
    values: dict[str, object] = field(default_factory=dict)

    @property
    def page(self) -> str:
        return PAGES[self.kind]


def _budget_items(ev_table: pd.DataFrame, targets: dict[str, Target]) -> list[ExceptionItem]:
    items: list[ExceptionItem] = []
    if ev_table.empty:
        return items
    active = ev_table[ev_table["status"] == "active"]
    for row in active.itertuples():
        spent = row.ac / row.pv if row.pv else None
        cpi_red = row.cpi.available and row.cpi.value < targets["cpi"].amber
        overrun_red = spent is not None and spent > targets["budget_realisation"].amber
        if cpi_red or overrun_red:
            values = {
                "cpi": row.cpi.value if row.cpi.available else None,
                "realisation": spent,
                "rule": "cpi" if cpi_red else "spend",
            }
            items.append(ExceptionItem("over_budget", row.project, row.project, values))
        if row.spi.available and row.spi.value < targets["spi"].amber:
            items.append(ExceptionItem("behind_schedule", row.project, row.project, {"spi": row.spi.value}))
    return items


def forecast_items(
    *,
    forecast_ratio: KpiValue,
    forecast: float,
    year_budget: float,
    year: int,
    target: Target,
    fiscal_year_start_month: int = 1,
) -> list[ExceptionItem]:
    """The forecast-overrun exception: one item when the year-end forecast / year budget is
    red against `target` (beyond its amber threshold), else none. `year` is the calendar
    year the (fiscal) year starts in, the year starting in `fiscal_year_start_month`."""
    if not forecast_ratio.available or rag(forecast_ratio.value, target) != "red":
        return []
    values = {
        "forecast": forecast,
        "year_budget": year_budget,
        "ratio": forecast_ratio.value,
        "year": year,
        "fiscal_year_start_month": fiscal_year_start_month,
    }
    return [ExceptionItem("forecast_overrun", None, str(year), values)]


def without_cancelled(frame: pd.DataFrame, statuses: dict[str, str]) -> pd.DataFrame:
    """`frame` without the rows of cancelled projects (`statuses`: project code → status).

    Used for insight goals, ownership and the collaboration exceptions: a cancelled
    project's goal, team and owners are no longer anyone's task.
    """
    if frame.empty or "project" not in frame.columns:
        return frame
    cancelled = {code for code, status in statuses.items() if status == "cancelled"}
    return frame[~frame["project"].isin(cancelled)].reset_index(drop=True)


def with_names(
    items: list[ExceptionItem],
    *,
    project_names: dict[str, str],
    area_names: dict[str, dict[str, str]],
    dimension_names: dict[str, dict[str, str]] | None = None,
    goal_names: dict[tuple[str, str], str] | None = None,
) -> list[ExceptionItem]:
    """`items` with the project's name (`values["project_name"]`) and, for ownership
    exceptions, the area's name per language (`values["area_names"]`), so every line can say
    "P-007 Name" and a responsibility area in words rather than its code; for a trust drop,
    the survey dimension's name per language (`values["dimension_names"]`); for a late goal,
    the goal's text (`values["goal"]`, from `goal_names` by project and goal code)."""
    named = []
    for item in items:
        values = dict(item.values)
        if item.project is not None and item.project in project_names:
            values["project_name"] = project_names[item.project]
        if item.kind in OWNERSHIP_KINDS and item.subject in area_names:
            values["area_names"] = area_names[item.subject]
        if item.kind == "trust_drop" and dimension_names and values.get("dimension") in dimension_names:
            values["dimension_names"] = dimension_names[str(values["dimension"])]
        if item.kind == "late_goal" and goal_names and goal_names.get((item.project or "", item.subject)):
            values["goal"] = goal_names[(item.project or "", item.subject)]
        named.append(replace(item, values=values))
    return named


def _drift_items(drift: pd.DataFrame) -> list[ExceptionItem]:
    if drift.empty:
        return []
    flagged = drift[drift["flagged"].astype(bool)]
    measured = flagged[
        pd.Series([value.available for value in flagged["drift_pp"]], index=flagged.index, dtype=bool)
    ]
    # One line per project, projects in order: the department that pays least against its
    # agreement (the first such row on a tie: a stable sort keeps the rows' order).
    lowest = (
        measured.assign(_drift=[value.value for value in measured["drift_pp"]])
        .sort_values("_drift", kind="stable")
        .sort_values("project", kind="stable")
        .drop_duplicates("project")
    )
    return [
        ExceptionItem("funding_drift", str(project), department, {"drift_pp": float(value)})
        for project, department, value in zip(
            lowest["project"], lowest["department"], lowest["_drift"], strict=True
        )
    ]


def _collaboration_items(collaboration: pd.DataFrame | None) -> list[ExceptionItem]:
    if collaboration is None or collaboration.empty:
        return []
    return [ExceptionItem(row.kind, row.project, str(row.subject)) for row in collaboration.itertuples()]


def _goal_items(goals: pd.DataFrame | None, as_of_end: dt.date) -> list[ExceptionItem]:
    """Goals due by `as_of_end` and not reached on time (only when no collaboration frame lists them)."""
    if goals is None or goals.empty:
        return []
    target = pd.to_datetime(goals["target_date"])
    achieved = pd.to_datetime(goals["achieved_date"])
    cutoff = pd.Timestamp(as_of_end)
    late = (target <= cutoff) & ~(achieved.notna() & (achieved <= target) & (achieved <= cutoff))
    return [ExceptionItem("late_goal", row.project, row.code) for row in goals[late].itertuples()]


def _trust_items(drops: pd.DataFrame | None) -> list[ExceptionItem]:
    if drops is None or drops.empty:
        return []
    items = []
    for row in drops.itertuples():
        subject = str(row.dimension)
        values = {"change": float(row.change), "p": float(row.p_value), "dimension": subject}
        if row.scope == "mirror":
            values |= {"rater": row.rater, "rated": row.rated}
        items.append(ExceptionItem("trust_drop", None, subject, values))
    return items


def _action_items(actions: pd.DataFrame | None, as_of_end: dt.date) -> list[ExceptionItem]:
    if actions is None or actions.empty:
        return []
    overdue = overdue_actions(actions, as_of_end=as_of_end)
    return [
        ExceptionItem(
            "overdue_action",
            None,
            str(row.title),
            {"days": int(row.days_overdue), "owner": row.owner_person, "due": row.due_date}
            # the action's id, where known: the exception's link opens on that action
            | ({"action": int(row.id)} if "id" in overdue.columns else {}),
        )
        for row in overdue.itertuples()
    ]


def collect_exceptions(
    *,
    as_of_end: dt.date,
    targets: dict[str, Target],
    ev_table: pd.DataFrame,
    drift: pd.DataFrame,
    collaboration: pd.DataFrame | None = None,
    goals: pd.DataFrame | None = None,
    actions: pd.DataFrame | None = None,
    trust_drops: pd.DataFrame | None = None,
    forecast: list[ExceptionItem] | None = None,
) -> list[ExceptionItem]:
    """Every exception at `as_of_end`, ordered by kind (money first) then project and subject.

    `collaboration` is kpis.projects.collaboration_exceptions (ownership, teams, late goals);
    without it, late goals come from `goals`. `forecast` is `forecast_items`'s result.
    """
    items = [
        *(forecast or []),
        *_budget_items(ev_table, targets),
        *_drift_items(drift),
        *_collaboration_items(collaboration),
        *(_goal_items(goals, as_of_end) if collaboration is None else []),
        *_trust_items(trust_drops),
        *_action_items(actions, as_of_end),
    ]
    return sorted(items, key=lambda item: (ORDER.index(item.kind), item.project or "", item.subject))


def count_by_kind(items: list[ExceptionItem]) -> dict[str, int]:
    """How many exceptions of each kind, in the list's order of kinds."""
    counts: dict[str, int] = {}
    for item in items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return counts
