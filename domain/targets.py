"""KPI targets (RAG thresholds) with their defaults, the RAG rule itself, and which target
was in force at a month's close (targets are effective-dated)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

Rag = Literal["green", "amber", "red"]


@dataclass(frozen=True)
class Target:
    """Green when the value is at or beyond `green`, amber at or beyond `amber`, else red.

    `direction` "higher" means bigger is better (CPI), "lower" means smaller is better
    (funding drift in percentage points).

    A two-sided target (a band) also has a floor: with `low_green` and `low_amber` set on a
    "lower" target, a value below `low_green` is at most amber and below `low_amber` red, so
    both an overrun and a large underspend are bad (budget realisation: green 95-105 %,
    amber 90-115 %, red outside).
    """

    green: float
    amber: float
    direction: Literal["higher", "lower"] = "higher"
    low_green: float | None = None
    low_amber: float | None = None

    def __post_init__(self) -> None:
        ordered = self.green >= self.amber if self.direction == "higher" else self.green <= self.amber
        if not ordered:
            raise ValueError("The green threshold must be at least as strict as the amber one")
        if (self.low_green is None) != (self.low_amber is None):
            raise ValueError("A band needs both floors (low_green and low_amber) or neither")
        if self.low_green is not None and self.low_amber is not None:
            if self.direction != "lower":
                raise ValueError("Only a 'lower is better' target can have a floor (a band)")
            if not self.low_amber <= self.low_green <= self.green:
                raise ValueError("A band needs low_amber <= low_green <= green")

    @property
    def two_sided(self) -> bool:
        """True for a band: both too high and too low are bad."""
        return self.low_green is not None


DEFAULT_TARGETS: dict[str, Target] = {
    # Budget realisation = actual / planned: green within 95-105 %, amber within 90-115 %;
    # a large underspend is as red as an overrun.
    "budget_realisation": Target(green=1.05, amber=1.15, direction="lower", low_green=0.95, low_amber=0.90),
    # Year-end forecast / year budget: at or under the budget is green, up to 5 % over amber.
    "forecast_ratio": Target(green=1.0, amber=1.05, direction="lower"),
    "cpi": Target(green=0.95, amber=0.85),
    "spi": Target(green=0.95, amber=0.85),
    # Funding drift: largest deviation of a department's share from its agreed share, in points.
    "funding_drift_pp": Target(green=10.0, amber=15.0, direction="lower"),
    "funding_balance": Target(green=0.8, amber=0.6),
    "joint_share": Target(green=0.7, amber=0.5),
    "mixed_teams": Target(green=0.9, amber=0.7),
    "ownership_clarity": Target(green=1.0, amber=0.8),
    "trust_index": Target(green=65.0, amber=55.0),
    "perception_gap": Target(green=5.0, amber=10.0, direction="lower"),
    "goals_on_time": Target(green=0.8, amber=0.6),
    "follow_through": Target(green=0.8, amber=0.6),
}


def rag(value: float | None, target: Target) -> Rag | None:
    """The RAG colour of `value` against `target`; None when there is no value.

    One-sided: green at or beyond `green`, amber at or beyond `amber`, else red. A band
    (two-sided) is also judged on its floor: below `low_amber` red, below `low_green` at most
    amber; the worse of the two sides wins.
    """
    if value is None:
        return None
    if target.direction == "higher":
        return "green" if value >= target.green else "amber" if value >= target.amber else "red"
    upper: Rag = "green" if value <= target.green else "amber" if value <= target.amber else "red"
    if target.low_green is None or target.low_amber is None:
        return upper
    lower: Rag = "green" if value >= target.low_green else "amber" if value >= target.low_amber else "red"
    order = ("green", "amber", "red")
    return upper if order.index(upper) >= order.index(lower) else lower


def with_default_band(kpi: str, target: Target, defaults: Mapping[str, Target] = DEFAULT_TARGETS) -> Target:
    """`target` with the default floors of a two-sided KPI when it has none (a target stored
    before bands existed), lowered where needed so the band stays ordered."""
    default = defaults.get(kpi)
    if (
        target.two_sided
        or default is None
        or default.low_green is None
        or default.low_amber is None
        or target.direction != "lower"
    ):
        return target
    low_green = min(default.low_green, target.green)
    return replace(target, low_green=low_green, low_amber=min(default.low_amber, low_green))


@dataclass(frozen=True)
class TargetVersion:
    """A stored target that takes effect from the first of `effective_from` (a month) until a
    later version of the same KPI takes over; `recorded_at` orders versions of one month."""

    kpi: str
    effective_from: dt.date
    target: Target
    recorded_at: dt.datetime


def targets_in_force(
    versions: Iterable[TargetVersion],
    *,
    as_of: dt.date | None,
    defaults: Mapping[str, Target] = DEFAULT_TARGETS,
) -> dict[str, Target]:
    """Every KPI's target in force at the close of the month of `as_of` (None: the latest).

    Per KPI the version with the latest `effective_from` on or before that month wins (of
    two versions for one month, the later recorded); KPIs without such a version keep their
    default. Versions of unknown KPIs are ignored.
    """
    month = dt.date(as_of.year, as_of.month, 1) if as_of is not None else None
    chosen: dict[str, TargetVersion] = {}
    for version in versions:
        if version.kpi not in defaults or (month is not None and version.effective_from > month):
            continue
        best = chosen.get(version.kpi)
        if best is None or (version.effective_from, version.recorded_at) > (
            best.effective_from,
            best.recorded_at,
        ):
            chosen[version.kpi] = version
    return dict(defaults) | {
        kpi: with_default_band(kpi, version.target, defaults) for kpi, version in chosen.items()
    }
