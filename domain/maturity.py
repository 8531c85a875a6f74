"""The rules of the alignment maturity profile (kpis.maturity scores with them): the six
Luftman criteria, each measure's four ascending thresholds and direction, the documented
defaults, and the dated versions saved in the KPI catalogue (data_access.maturity_rules).

A measure's level is 1 + the thresholds a higher-is-better value reaches (value >= threshold),
or 1 + the thresholds a lower-is-better value stays within (value <= threshold).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

HIGHER = "higher"
LOWER = "lower"
LEVELS = (1, 2, 3, 4, 5)
CRITERIA = (
    "communications",
    "value_measurement",
    "governance",
    "partnership",
    "scope_architecture",
    "skills",
)


@dataclass(frozen=True)
class MeasureRule:
    """How one measure maps to a level: four ascending thresholds and a direction.

    `unit` says how the value and thresholds are expressed: "ratio" (0..1, shown as %),
    "index" (0–100 trust index), "points" (index points), "count" (a number per meeting)."""

    code: str
    criterion: str
    direction: str
    thresholds: tuple[float, float, float, float]
    unit: str

    def level(self, value: float) -> int:
        """The level 1–5 of `value` under this rule."""
        if self.direction == HIGHER:
            return 1 + sum(value >= threshold for threshold in self.thresholds)
        return 1 + sum(value <= threshold for threshold in self.thresholds)


# The documented default rules (README "Alignment health"). Ratios as fractions, the trust
# index and the perception gap in index points.
DEFAULT_RULES: tuple[MeasureRule, ...] = (
    # Communications: the survey's communication dimension, the perception gap between the
    # departments (lower is better), decisions and actions recorded per steering meeting.
    MeasureRule("trust_communication", "communications", HIGHER, (40.0, 50.0, 60.0, 70.0), "index"),
    MeasureRule("perception_gap", "communications", LOWER, (3.0, 6.0, 10.0, 15.0), "points"),
    MeasureRule("meeting_outcomes", "communications", HIGHER, (1.0, 2.0, 3.0, 4.0), "count"),
    # Value measurement: insight goals on time, projects with earned value (progress
    # recorded), and how closely spending follows the plan (|realisation − 100 %|).
    MeasureRule("goals_on_time", "value_measurement", HIGHER, (0.4, 0.6, 0.75, 0.9), "ratio"),
    MeasureRule("ev_coverage", "value_measurement", HIGHER, (0.25, 0.5, 0.75, 0.9), "ratio"),
    MeasureRule("forecast_accuracy", "value_measurement", LOWER, (0.02, 0.05, 0.1, 0.2), "ratio"),
    # Governance: ownership clarity, projects with a house-rule breach, follow-through.
    MeasureRule("ownership_clarity", "governance", HIGHER, (0.5, 0.7, 0.85, 0.95), "ratio"),
    MeasureRule("house_rule_breaches", "governance", LOWER, (0.0, 0.05, 0.1, 0.2), "ratio"),
    MeasureRule("follow_through", "governance", HIGHER, (0.5, 0.65, 0.8, 0.9), "ratio"),
    # Partnership: joint funding share, joint projects within their agreed split, and the
    # benevolence and integrity dimensions of trust.
    MeasureRule("joint_share", "partnership", HIGHER, (0.25, 0.5, 0.65, 0.8), "ratio"),
    MeasureRule("funding_balance", "partnership", HIGHER, (0.5, 0.65, 0.8, 0.9), "ratio"),
    MeasureRule("trust_benevolence", "partnership", HIGHER, (40.0, 50.0, 60.0, 70.0), "index"),
    MeasureRule("trust_integrity", "partnership", HIGHER, (40.0, 50.0, 60.0, 70.0), "index"),
    # Scope and architecture: data processing (and its policy) owned by IT and customer
    # databases by marketing, as the house rule says.
    MeasureRule("processing_by_rule", "scope_architecture", HIGHER, (0.5, 0.7, 0.85, 0.95), "ratio"),
    MeasureRule("customer_data_by_rule", "scope_architecture", HIGHER, (0.5, 0.7, 0.85, 0.95), "ratio"),
    # Skills: mixed teams, FTE balance (median of the joint projects' FTE share against the
    # agreed share), people returning to their department after a project.
    MeasureRule("mixed_teams", "skills", HIGHER, (0.5, 0.65, 0.8, 0.9), "ratio"),
    MeasureRule("fte_balance", "skills", HIGHER, (0.4, 0.6, 0.75, 0.9), "ratio"),
    MeasureRule("returners", "skills", HIGHER, (0.25, 0.5, 0.75, 0.9), "ratio"),
)


@dataclass(frozen=True)
class MaturityRules:
    """The rules in force: one `MeasureRule` per measure (default: `DEFAULT_RULES`)."""

    rules: tuple[MeasureRule, ...] = DEFAULT_RULES

    def rule(self, code: str) -> MeasureRule:
        return next(rule for rule in self.rules if rule.code == code)

    def for_criterion(self, criterion: str) -> tuple[MeasureRule, ...]:
        return tuple(rule for rule in self.rules if rule.criterion == criterion)

    def with_thresholds(self, thresholds: Mapping[str, Iterable[float]]) -> MaturityRules:
        """These rules with the thresholds of the measures in `thresholds` replaced (codes
        this version does not know are ignored, so an old stored version stays readable)."""
        return MaturityRules(
            tuple(
                replace(rule, thresholds=tuple(float(v) for v in thresholds[rule.code]))  # type: ignore[arg-type]
                if rule.code in thresholds
                else rule
                for rule in self.rules
            )
        )

    def thresholds(self) -> dict[str, list[float]]:
        return {rule.code: list(rule.thresholds) for rule in self.rules}


MEASURES = tuple(rule.code for rule in DEFAULT_RULES)


def threshold_problems(values: Iterable[object]) -> list[str]:
    """Why `values` are not four ascending finite thresholds (i18n keys); empty when they are."""
    values = list(values)
    if len(values) != 4:
        return ["maturity.error.four"]
    try:
        numbers = [float(value) for value in values]  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ["maturity.error.number"]
    if not all(math.isfinite(number) for number in numbers):
        return ["maturity.error.number"]
    if any(later < earlier for earlier, later in zip(numbers, numbers[1:], strict=False)):
        return ["maturity.error.ascending"]
    return []


@dataclass(frozen=True)
class RuleVersion:
    """The thresholds set in the catalogue from `effective_from` (a month), by whom and when."""

    effective_from: dt.date
    thresholds: dict[str, tuple[float, ...]] = field(default_factory=dict)
    updated_by: str | None = None
    updated_at: dt.datetime | None = None


def rules_in_force(versions: Iterable[RuleVersion], *, as_of: dt.date) -> MaturityRules:
    """The rules a month is scored by: the defaults with each version in force at `as_of`
    applied in order (the latest version effective on or before it wins)."""
    rules = MaturityRules()
    for version in sorted(versions, key=lambda version: version.effective_from):
        if version.effective_from <= as_of:
            rules = rules.with_thresholds(version.thresholds)
    return rules
