"""KPI targets (RAG thresholds) with their defaults, and the RAG rule itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Rag = Literal["green", "amber", "red"]


@dataclass(frozen=True)
class Target:
    """Green when the value is at or beyond `green`, amber at or beyond `amber`, else red.

    `direction` "higher" means bigger is better (CPI), "lower" means smaller is better
    (funding drift in percentage points).
    """

    green: float
    amber: float
    direction: Literal["higher", "lower"] = "higher"

    def __post_init__(self) -> None:
        ordered = self.green >= self.amber if self.direction == "higher" else self.green <= self.amber
        if not ordered:
            raise ValueError("The green threshold must be at least as strict as the amber one")


DEFAULT_TARGETS: dict[str, Target] = {
    # Budget realisation = actual / planned: green within 95-105%, judged on the overrun.
    "budget_realisation": Target(green=1.05, amber=1.15, direction="lower"),
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
    "forecast_ratio": Target(green=1.0, amber=1.05, direction="lower"),
}


def rag(value: float | None, target: Target) -> Rag | None:
    """The RAG colour of `value` against `target`; None when there is no value."""
    if value is None:
        return None
    if target.direction == "higher":
        return "green" if value >= target.green else "amber" if value >= target.amber else "red"
    return "green" if value <= target.green else "amber" if value <= target.amber else "red"
