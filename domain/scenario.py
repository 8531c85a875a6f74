"""What-if levers: what a scenario changes (scale, funding split, delay, trust targets), within which limits, in words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

ALL_JOINT = "ALL_JOINT"
SCALE_DIMENSIONS = ("department", "category")
MAX_DELAY_MONTHS = 36
SCALE_LIMITS = (-100.0, 200.0)
SHARE_TOLERANCE = 0.001


class ScenarioError(ValueError):
    """A scenario that cannot be read (bad URL parameter or stored JSON)."""


@dataclass(frozen=True)
class ScaleLever:
    """Scale the remaining plan of one department or cost category by `pct` percent."""

    dimension: str
    code: str
    pct: float


@dataclass(frozen=True)
class Scenario:
    """The levers of a what-if scenario (all empty: the baseline itself).

    - split_targets: project code (or ALL_JOINT for every joint project) -> {department:
      share 0..1}, shares summing to 1; a project's own entry wins over ALL_JOINT;
    - scale: ScaleLevers, applied one after the other;
    - delays: project code -> months (1..36);
    - trust_targets: survey dimension -> target index (0..100).
    """

    split_targets: dict[str, dict[str, float]] = field(default_factory=dict)
    scale: tuple[ScaleLever, ...] = ()
    delays: dict[str, int] = field(default_factory=dict)
    trust_targets: dict[str, float] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.split_targets or self.scale or self.delays or self.trust_targets)


def needs_categories(scenario: Scenario) -> bool:
    """Whether applying `scenario` needs the remaining plan by cost category (a category lever)."""
    return any(lever.dimension == "category" for lever in scenario.scale)


@dataclass(frozen=True)
class Change:
    """One change of a scenario in words: an i18n key and its parameters (codes, numbers)."""

    key: str
    params: dict[str, object]


def describe_changes(scenario: Scenario) -> list[Change]:
    """The scenario's levers as sentences to translate, in the order they apply."""
    changes = [
        Change(f"whatif.change.scale_{lever.dimension}", {"code": lever.code, "pct": lever.pct})
        for lever in scenario.scale
    ]
    for project, shares in scenario.split_targets.items():
        key = "whatif.change.split_all" if project == ALL_JOINT else "whatif.change.split"
        changes.append(Change(key, {"project": project, "shares": dict(shares)}))
    changes += [
        Change("whatif.change.delay", {"project": code, "months": months})
        for code, months in sorted(scenario.delays.items())
    ]
    changes += [
        Change("whatif.change.trust", {"dimension": dimension, "target": target})
        for dimension, target in sorted(scenario.trust_targets.items())
    ]
    return changes


def lever_groups(scenario: Scenario) -> list[Scenario]:
    """The scenario split into its levers as the page offers them, each a Scenario of its own:
    every scale lever, the funding split (all its projects), the delay (all its projects).
    Trust targets change no frame and form no group. In the order the levers apply."""
    groups = [Scenario(scale=(lever,)) for lever in scenario.scale]
    if scenario.split_targets:
        groups.append(Scenario(split_targets=dict(scenario.split_targets)))
    if scenario.delays:
        groups.append(Scenario(delays=dict(scenario.delays)))
    return groups


def restrict(
    scenario: Scenario,
    *,
    projects: set[str],
    departments: set[str],
    categories: set[str],
    dimensions: set[str],
) -> tuple[Scenario, bool]:
    """The scenario without levers on unknown codes, and whether anything was dropped."""
    split = {
        p: s
        for p, s in scenario.split_targets.items()
        if (p == ALL_JOINT or p in projects) and set(s) <= departments
    }
    known = {"department": departments, "category": categories}
    scale = tuple(lever for lever in scenario.scale if lever.code in known[lever.dimension])
    delays = {p: m for p, m in scenario.delays.items() if p in projects}
    trust = {d: v for d, v in scenario.trust_targets.items() if d in dimensions}
    kept = Scenario(split_targets=split, scale=scale, delays=delays, trust_targets=trust)
    return kept, kept != scenario


@dataclass(frozen=True)
class BaselineFrames:
    """The small aggregated frames a scenario transforms.

    - budget: month, project, department, planned, actual (every plan month; the lines of
      every department of the projects the selected departments fund; actual 0 after as-of);
    - remaining_by_category: month, project, department, category, planned (months after
      as-of only: what a category lever needs);
    - funding: project, department, committed, agreed_share (kpis.budget.agreed_shares);
    - projects: project, name, status, pct_complete (latest on or before as-of);
    - goals: project, code, target_date, achieved_date, ...;
    - trust: dimension, department, respondents, score_sum, answers (latest wave);
    - line_departments: the selected departments (empty: all), for the figures that count
      only the selected departments' own lines.
    """

    as_of: dt.date
    budget: pd.DataFrame
    remaining_by_category: pd.DataFrame
    funding: pd.DataFrame
    projects: pd.DataFrame
    goals: pd.DataFrame
    trust: pd.DataFrame
    line_departments: tuple[str, ...] = ()
    fiscal_year_start_month: int = 1
    """The organisation's fiscal year (1: the calendar year) that "year" figures cover."""
