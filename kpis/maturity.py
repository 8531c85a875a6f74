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

The rules (domain/maturity.py) are editable in the KPI catalogue as dated versions (`RuleVersion`): a month is
scored by the version in force at its close.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from domain.maturity import (  # noqa: F401 - the rules are part of this module's interface
    CRITERIA,
    DEFAULT_RULES,
    HIGHER,
    LEVELS,
    LOWER,
    MEASURES,
    MaturityRules,
    MeasureRule,
    RuleVersion,
    rules_in_force,
    threshold_problems,
)
from kpis.common import KpiValue

CONFIDENCES = ("none", "low", "medium", "high")


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


# The reason (an i18n key) of a measure that has no data at the month scored.
NO_DATA = "maturity.na.no_data"


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


def profile_table(current: Profile, earlier: Profile) -> pd.DataFrame:
    """criterion, level, confidence, earlier_level, earlier_confidence: the radar's data (the page, the pack and the what-if read it)."""
    return pd.DataFrame(
        {
            "criterion": list(CRITERIA),
            "level": [current.criterion(code).level for code in CRITERIA],
            "confidence": [current.criterion(code).confidence for code in CRITERIA],
            "earlier_level": [earlier.criterion(code).level for code in CRITERIA],
            "earlier_confidence": [earlier.criterion(code).confidence for code in CRITERIA],
        }
    )
