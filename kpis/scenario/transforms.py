"""What-if transforms: the levers applied to the small baseline frames, never the stored data.

A `Scenario` holds levers; `apply_scenario(baseline, scenario)` returns new frames and the
SAME KPI functions (kpis.budget, kpis.portfolio, kpis.trust) run on baseline and scenario.
Every lever acts on the REMAINING plan only (months after the as-of month): what is booked
stays booked. Levers combine, in this order:

1. scale (cut or raise): the remaining planned amounts of a department or a cost category
   × (1 + pct / 100); past months untouched;
2. funding split: per project, each remaining month's planned total is re-divided between
   departments by the target shares (the month's total is unchanged). The AGREED split is
   never rewritten: drift is still measured against what the departments agreed, so a
   scenario that has one department pay more than agreed shows more drift, not less;
3. delay by N months: the project's remaining plan moves N months later (actuals and the
   measured % complete stay, they are facts), and its insight goals not yet due at the
   as-of month's end (target date after it, not reached) get their target date N months
   later; a goal already late stays late.
Nothing up to and including the as-of month changes, so every "to date" figure of the
scenario equals the baseline's. `lever_effects` gives each lever's effect on its own next
to the combined one.
Trust targets change no frame: they set a target index per survey dimension so the page
can show the gap to it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import replace

import numpy as np
import pandas as pd

from domain.months import add_months, as_date, fiscal_year_end, fiscal_year_start, month_end
from domain.scenario import ALL_JOINT, SCALE_DIMENSIONS, BaselineFrames, ScaleLever, Scenario, ScenarioError
from kpis.funding import joint_projects


def _future(frame: pd.DataFrame, as_of: dt.date) -> pd.Series:
    # One NumPy comparison over the month objects: the same `m > as_of` per row as a list
    # comprehension, about seven times faster on 100,000 rows.
    return pd.Series(_months(frame) > as_of, index=frame.index, dtype=bool)


def _months(frame: pd.DataFrame) -> np.ndarray:
    """The `month` column as an array of the month objects themselves (dates)."""
    return frame["month"].to_numpy(dtype=object)


def _regroup(frame: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    if frame.empty:
        return frame.reset_index(drop=True)
    return frame.groupby(keys, as_index=False, sort=True)[values].sum()


def scale_remaining(frames: BaselineFrames, lever: ScaleLever) -> BaselineFrames:
    """Remaining planned amounts of `lever.code` (a department or a category) × (1 + pct/100).

    Months up to and including the as-of month are untouched. For a category the extra
    amount per month, project and department is taken from `remaining_by_category`.
    """
    factor = 1.0 + lever.pct / 100.0
    budget, by_category = frames.budget.copy(), frames.remaining_by_category.copy()
    if lever.dimension == "department":
        rows = _future(budget, frames.as_of) & (budget["department"] == lever.code)
        budget.loc[rows, "planned"] = budget.loc[rows, "planned"] * factor
        if not by_category.empty:
            chosen = by_category["department"] == lever.code
            by_category.loc[chosen, "planned"] = by_category.loc[chosen, "planned"] * factor
    elif lever.dimension == "category":
        if by_category.empty:
            return frames
        chosen = by_category["category"] == lever.code
        extra = (
            by_category[chosen]
            .groupby(["month", "project", "department"], as_index=False)["planned"]
            .sum()
            .assign(extra=lambda f: f["planned"] * (factor - 1.0))
            .drop(columns="planned")
        )
        budget = budget.merge(extra, on=["month", "project", "department"], how="left")
        budget = budget.assign(planned=budget["planned"] + budget["extra"].fillna(0.0)).drop(columns="extra")
        by_category.loc[chosen, "planned"] = by_category.loc[chosen, "planned"] * factor
    else:
        raise ScenarioError(f"Scale only by {SCALE_DIMENSIONS}, not {lever.dimension!r}")
    return replace(frames, budget=budget, remaining_by_category=by_category)


def _redivide(frame: pd.DataFrame, targets: dict[str, dict[str, float]], keys: list[str]) -> pd.DataFrame:
    """Rows of the projects in `targets`: each (keys) total re-divided by the target shares."""
    chosen = frame["project"].isin(list(targets))
    if not chosen.any():
        return frame
    totals = frame[chosen].groupby(keys, as_index=False)["planned"].sum()
    shares = pd.DataFrame(
        [
            (project, department, share)
            for project, split in targets.items()
            for department, share in split.items()
        ],
        columns=["project", "department", "share"],
    )
    new = totals.merge(shares, on="project").assign(planned=lambda f: f["planned"] * f["share"])
    if "actual" in frame.columns:
        new = new.assign(actual=0.0)
    return pd.concat([frame[~chosen], new[frame.columns]], ignore_index=True)


def resolve_split_targets(scenario: Scenario, funding: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per project code, the target shares: ALL_JOINT expanded to every joint project in
    `funding`, a project's own entry taking precedence."""
    resolved: dict[str, dict[str, float]] = {}
    if ALL_JOINT in scenario.split_targets:
        for code in joint_projects(funding):
            resolved[code] = dict(scenario.split_targets[ALL_JOINT])
    for code, shares in scenario.split_targets.items():
        if code != ALL_JOINT:
            resolved[code] = dict(shares)
    return resolved


def split_remaining(frames: BaselineFrames, targets: dict[str, dict[str, float]]) -> BaselineFrames:
    """Re-divide each remaining month's planned total of the projects in `targets` between
    departments by the target shares; the agreed split (`funding`) stays as agreed.

    Per project and month after as-of: planned(d) = Σ planned of the month × share(d); the
    month's total is unchanged. Departments outside the target plan 0 from then on. Months
    up to as-of and the funding rows (committed amounts, agreed shares) are untouched, so
    drift compares the scenario's spend with the agreement.
    """
    targets = {code: shares for code, shares in targets.items() if shares}
    if not targets:
        return frames
    budget = frames.budget
    future = _future(budget, frames.as_of)
    budget = pd.concat(
        [budget[~future], _redivide(budget[future], targets, ["month", "project"])], ignore_index=True
    )
    by_category = frames.remaining_by_category
    if not by_category.empty:
        by_category = _redivide(by_category, targets, ["month", "project", "category"])
    return replace(
        frames,
        budget=_regroup(budget, ["month", "project", "department"], ["planned", "actual"]),
        remaining_by_category=_regroup(
            by_category, ["month", "project", "department", "category"], ["planned"]
        ),
    )


def _shift_date(day: object, months: int) -> object:
    if day is None or (not isinstance(day, dt.date) and pd.isna(day)):
        return day
    if isinstance(day, pd.Timestamp):
        day = day.date()
    shifted = add_months(day, months)  # type: ignore[arg-type]
    return min(shifted.replace(day=min(day.day, month_end(shifted).day)), month_end(shifted))  # type: ignore[union-attr]


def delay_projects(frames: BaselineFrames, delays: dict[str, int]) -> BaselineFrames:
    """Move each delayed project's remaining plan N months later and its goals not yet due.

    Budget rows of the project after the as-of month get month + N (the plan ends N months
    later; nothing is planned in the first N remaining months). Goals whose target date is
    after the as-of month's end and whose achieved date is empty or after it get target
    date + N months (the day kept, clipped to the month's end); a goal due by the as-of
    month's end keeps its date (its being late is a fact). Actuals and the measured %
    complete do not change.
    """
    delays = {code: int(months) for code, months in delays.items() if int(months) != 0}
    if not delays:
        return frames

    def shift(frame: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
        if frame.empty:
            return frame
        moving = _future(frame, frames.as_of) & frame["project"].isin(list(delays))
        months = [
            add_months(m, delays[p]) if move else m
            for m, p, move in zip(frame["month"], frame["project"], moving, strict=True)
        ]
        return _regroup(frame.assign(month=months), keys, values)

    as_of_end = month_end(frames.as_of)
    goals = frames.goals.copy()
    if not goals.empty:
        open_goal = [
            p in delays
            and not _missing(target)
            and as_date(target) > as_of_end
            and (_missing(a) or as_date(a) > as_of_end)
            for p, target, a in zip(
                goals["project"], goals["target_date"], goals["achieved_date"], strict=True
            )
        ]
        goals["target_date"] = [
            _shift_date(target, delays[p]) if move else target
            for target, p, move in zip(goals["target_date"], goals["project"], open_goal, strict=True)
        ]
    return replace(
        frames,
        budget=shift(frames.budget, ["month", "project", "department"], ["planned", "actual"]),
        remaining_by_category=shift(
            frames.remaining_by_category, ["month", "project", "department", "category"], ["planned"]
        ),
        goals=goals,
    )


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, dt.date) and bool(pd.isna(value)))


def apply_scenario(baseline: BaselineFrames, scenario: Scenario) -> BaselineFrames:
    """The scenario's frames: scale levers, then the funding split, then delays (see module)."""
    frames = baseline
    for lever in scenario.scale:
        frames = scale_remaining(frames, lever)
    frames = split_remaining(frames, resolve_split_targets(scenario, frames.funding))
    return delay_projects(frames, scenario.delays)


def line_frame(frames: BaselineFrames) -> pd.DataFrame:
    """The budget rows the selected departments booked themselves (all rows without a filter)."""
    if not frames.line_departments:
        return frames.budget
    return frames.budget[frames.budget["department"].isin(list(frames.line_departments))]


def year_frame(frames: BaselineFrames) -> pd.DataFrame:
    """line_frame's rows of the as-of (fiscal) year."""
    return _of_year(line_frame(frames), frames)


def _of_year(lines: pd.DataFrame, frames: BaselineFrames) -> pd.DataFrame:
    """The rows of `lines` in the as-of (fiscal) year of `frames`."""
    if lines.empty:
        return lines
    start = fiscal_year_start(frames.as_of, frames.fiscal_year_start_month)
    end = fiscal_year_end(frames.as_of, frames.fiscal_year_start_month)
    months = _months(lines)
    return lines[(months >= start) & (months <= end)]


def projected_spend(frames: BaselineFrames) -> pd.DataFrame:
    """Spend at completion: actual up to the as-of month, plan after it (as column `actual`)."""
    budget = frames.budget
    if budget.empty:
        return budget
    future = _future(budget, frames.as_of)
    return budget.assign(actual=budget["actual"].where(~future, budget["planned"]))


def default_split(funding: pd.DataFrame) -> dict[str, float]:
    """A starting point for the split lever: an equal split between the departments that
    fund at least half of the joint projects (the usual partners: Marketing and IT give
    50/50); {} without joint projects."""
    joint = joint_projects(funding)
    if not joint:
        return {}
    # Distinct joint projects per department (what groupby("department").nunique() counts,
    # missing codes left out), in plain Python: a few thousand funding rows.
    chosen = set(joint)
    pairs = {
        (project, department)
        for project, department in zip(
            funding["project"].tolist(), funding["department"].tolist(), strict=True
        )
        if project in chosen and not _missing(department) and not _missing(project)
    }
    counts = Counter(department for _, department in pairs)
    partners = sorted(department for department, count in counts.items() if count * 2 >= len(joint))
    return {d: 1.0 / len(partners) for d in partners}
