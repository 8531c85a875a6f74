"""Alignment maturity after Luftman's six criteria, scored from the KPIs instead of a questionnaire.

Each criterion has a few measures (existing KPIs, see `DEFAULT_RULES`). A measure's value is
mapped to a level 1–5 by four ascending thresholds: for a higher-is-better measure the level
is 1 + the number of thresholds the value reaches (value >= threshold); for a lower-is-better
one it is 1 + the number of thresholds the value stays within (value <= threshold).

A criterion's level is the floor of the mean of its measured measures' levels. A measure
without data is left out of that mean: it lowers the criterion's confidence (the share of its
measures with data: all = high, at least half = medium, fewer = low, none = none), never its
level. The overall level is the weakest criterion's (Luftman: maturity is as strong as its
weakest criterion); its confidence is the lowest of the criteria's.

The rules are editable in the KPI catalogue as dated versions (`RuleVersion`): a month is
scored by the version in force at its close.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from kpis.common import KpiValue

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
CONFIDENCES = ("none", "low", "medium", "high")


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


@dataclass(frozen=True)
class MeasureScore:
    """One measure's value (n/a with its reason when there is no data) and level."""

    rule: MeasureRule
    value: KpiValue

    @property
    def level(self) -> int | None:
        return self.rule.level(self.value.value) if self.value.value is not None else None


@dataclass(frozen=True)
class CriterionScore:
    """A criterion's level (None when none of its measures has data) and confidence."""

    criterion: str
    level: int | None
    confidence: str
    measures: tuple[MeasureScore, ...]

    @property
    def measured(self) -> int:
        return sum(score.level is not None for score in self.measures)


@dataclass(frozen=True)
class Profile:
    """The six criteria, the overall level (the weakest criterion's) and its confidence."""

    criteria: tuple[CriterionScore, ...]
    level: int | None
    confidence: str
    weakest: tuple[str, ...]

    def criterion(self, code: str) -> CriterionScore:
        return next(score for score in self.criteria if score.criterion == code)


def confidence_of(measured: int, total: int) -> str:
    """high when every measure has data, medium for at least half, low for fewer, none for none."""
    if total == 0 or measured == 0:
        return "none"
    if measured == total:
        return "high"
    return "medium" if measured * 2 >= total else "low"


def score_criterion(criterion: str, values: Mapping[str, KpiValue], rules: MaturityRules) -> CriterionScore:
    """A criterion's level = floor(mean of the levels of its measures that have data).

    A measure missing from `values` or n/a counts as "no data": it lowers the confidence only.
    """
    scores = tuple(
        MeasureScore(rule, values.get(rule.code, KpiValue(None, "maturity.na.no_data")))
        for rule in rules.for_criterion(criterion)
    )
    levels = [score.level for score in scores if score.level is not None]
    level = math.floor(sum(levels) / len(levels)) if levels else None
    return CriterionScore(criterion, level, confidence_of(len(levels), len(scores)), scores)


def score_profile(values: Mapping[str, KpiValue], rules: MaturityRules | None = None) -> Profile:
    """The maturity profile of one month from its measure values (code → KpiValue)."""
    rules = rules or MaturityRules()
    criteria = tuple(score_criterion(criterion, values, rules) for criterion in CRITERIA)
    levels = [score.level for score in criteria if score.level is not None]
    level = min(levels) if levels else None
    weakest = tuple(score.criterion for score in criteria if level is not None and score.level == level)
    confidence = min((score.confidence for score in criteria), key=CONFIDENCES.index)
    return Profile(criteria, level, confidence, weakest)
