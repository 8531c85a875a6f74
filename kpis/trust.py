"""Trust index from survey scores, with the confidentiality rule applied first."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpis.common import KpiValue, not_available

DEFAULT_MIN_GROUP = 5
ABSOLUTE_MIN_GROUP = 3


def validate_min_group(value: int) -> int:
    """The confidentiality threshold; refuses anything below 3 respondents."""
    if int(value) < ABSOLUTE_MIN_GROUP:
        raise ValueError(f"The minimum group size may not be below {ABSOLUTE_MIN_GROUP} (got {value})")
    return int(value)


def index_from_mean(mean_score: float) -> float:
    """Trust index = (mean − 1) / 4 × 100: a mean of 1 on the 1–5 scale is 0, 5 is 100."""
    return (mean_score - 1.0) / 4.0 * 100.0


@dataclass(frozen=True)
class TrustResult:
    index: KpiValue
    respondents: int
    hidden_groups: int


def pooled_index(groups: pd.DataFrame, *, min_group: int = DEFAULT_MIN_GROUP) -> TrustResult:
    """Trust index over the groups that may be shown.

    `groups` has one row per rating department: `respondents`, `score_sum` (scores with
    reverse-coded items flipped, 6 − score) and `answers`. Groups with fewer than
    `min_group` respondents are left out entirely, so no total can reveal them by
    subtraction; index = (Σ score_sum / Σ answers − 1) / 4 × 100 over the rest.
    """
    min_group = validate_min_group(min_group)
    if groups.empty:
        return TrustResult(not_available("kpi.na.no_survey"), 0, 0)
    shown = groups[groups["respondents"] >= min_group]
    hidden = len(groups) - len(shown)
    answers = float(shown["answers"].sum())
    if shown.empty or answers == 0:
        return TrustResult(not_available("kpi.na.group_too_small"), 0, hidden)
    mean = float(shown["score_sum"].sum()) / answers
    return TrustResult(KpiValue(index_from_mean(mean)), int(shown["respondents"].sum()), hidden)


@dataclass(frozen=True)
class WaveTrust:
    """Trust index of the latest wave and its change against the previous wave (points)."""

    wave_code: str | None
    current: TrustResult
    previous_index: KpiValue

    @property
    def change(self) -> KpiValue:
        if self.current.index.value is None:
            return not_available(self.current.index.reason or "kpi.na.no_survey")
        if self.previous_index.value is None:
            return not_available("kpi.na.no_previous_wave")
        return KpiValue(self.current.index.value - self.previous_index.value)


def latest_wave_trust(
    waves: pd.DataFrame, groups: pd.DataFrame, *, min_group: int = DEFAULT_MIN_GROUP
) -> WaveTrust:
    """Trust index of the newest wave in `waves` (oldest first) and of the wave before it.

    `groups` holds per wave_id and rating department the sums `pooled_index` expects.
    """
    if waves.empty:
        return WaveTrust(
            None, TrustResult(not_available("kpi.na.no_survey"), 0, 0), not_available("kpi.na.no_survey")
        )
    latest = waves.iloc[-1]
    current = pooled_index(groups[groups["wave_id"] == latest["id"]], min_group=min_group)
    if len(waves) < 2:
        return WaveTrust(str(latest["code"]), current, not_available("kpi.na.no_previous_wave"))
    previous = pooled_index(groups[groups["wave_id"] == waves.iloc[-2]["id"]], min_group=min_group)
    return WaveTrust(str(latest["code"]), current, previous.index)
