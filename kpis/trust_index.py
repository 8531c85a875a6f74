"""The trust index: a mean score on the 1–5 scale as 0–100, pooled over the rating groups
that may be shown, and per wave.

index = (mean − 1) / 4 × 100. Scores have reverse-coded items flipped (6 − score) in SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from domain.confidentiality import (
    DEFAULT_MIN_GROUP,
    validate_min_group,
)
from kpis.common import KpiValue, not_available


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
    columns = [groups[name] for name in ("respondents", "score_sum", "answers")]
    if not all(_plain_numbers(column) for column in columns):
        return _pooled_index_pandas(groups, min_group=min_group)
    respondents, score_sum, answers = (column.to_numpy() for column in columns)
    return _pooled(respondents, score_sum, answers, min_group)


def _plain_numbers(column: pd.Series) -> bool:
    """A column held as a plain NumPy integer or float array (no pandas NA mask)."""
    return isinstance(column.dtype, np.dtype) and column.dtype.kind in "iuf"


def _series_sum(values: np.ndarray) -> np.number:
    """What pandas' Series.sum gives for a plain NumPy array: NaN counts as 0, NumPy's order."""
    if values.dtype.kind == "f":
        values = np.where(np.isnan(values), 0.0, values)
    return values.sum()


def _pooled(
    respondents: np.ndarray, score_sum: np.ndarray, answers: np.ndarray, min_group: int
) -> TrustResult:
    """`pooled_index` on the columns of a non-empty groups frame as NumPy arrays."""
    shown = respondents >= min_group
    hidden = len(respondents) - int(shown.sum())
    total_answers = float(_series_sum(answers[shown]))
    if not shown.any() or total_answers == 0:
        return TrustResult(not_available("kpi.na.group_too_small"), 0, hidden)
    mean = float(_series_sum(score_sum[shown])) / total_answers
    return TrustResult(KpiValue(index_from_mean(mean)), int(_series_sum(respondents[shown])), hidden)


def _pooled_index_pandas(groups: pd.DataFrame, *, min_group: int) -> TrustResult:
    """`pooled_index` for columns with pandas' own dtypes (nullable integers and the like)."""
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
    min_group = validate_min_group(min_group)
    ids = waves["id"].to_numpy()
    code = str(waves["code"].iat[-1])
    at = _wave_pooler(groups, min_group)
    current = at(ids[-1])
    if len(waves) < 2:
        return WaveTrust(code, current, not_available("kpi.na.no_previous_wave"))
    return WaveTrust(code, current, at(ids[-2]).index)


def _wave_pooler(groups: pd.DataFrame, min_group: int) -> Callable[[object], TrustResult]:
    """wave id -> `pooled_index` of that wave's rating groups, on NumPy arrays when it can."""
    wave_of_group = groups["wave_id"].to_numpy()
    columns = [groups[name] for name in ("respondents", "score_sum", "answers")]
    if not all(_plain_numbers(column) for column in columns):
        return lambda wave: pooled_index(groups[wave_of_group == wave], min_group=min_group)
    arrays = [column.to_numpy() for column in columns]

    def at(wave: object) -> TrustResult:
        rows = wave_of_group == wave
        if not rows.any():
            return TrustResult(not_available("kpi.na.no_survey"), 0, 0)
        return _pooled(*(values[rows] for values in arrays), min_group)

    return at
