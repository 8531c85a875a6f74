"""Trust set beside delivery: per survey wave, the trust index next to how the projects
delivered at that wave's month, and whether the two move together.

The correlation (Pearson's r between the overall trust index and one delivery measure over
the waves) is given only from `MIN_WAVES` waves with both values, with a 95 % interval by
Fisher's z transformation (scipy.special only: scipy.stats stays out of the server's
memory, tests/app/test_lazy_imports.py). It describes co-movement, not causation: the reading says so.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from kpis.survey_stats import OVERALL

MIN_WAVES = 5
CONFIDENCE = 0.95
DELIVERY = ("cpi", "spi", "goals_on_time", "follow_through")
TABLE_COLUMNS = ["wave_id", "wave_code", "month", "trust", *DELIVERY]
DIRECTION_COLUMNS = ["wave_id", "wave_code", "month", "rater", "rated", "index"]


def wave_month(fielded_on: object) -> dt.date:
    """The month (its first day) a wave was fielded in."""
    day = pd.Timestamp(fielded_on).date()
    return dt.date(day.year, day.month, 1)


def trust_by_wave(waves: pd.DataFrame, trend: pd.DataFrame) -> pd.DataFrame:
    """wave_id, wave_code, month, trust: the overall index of every wave (NaN when hidden).

    `waves`: id, code, fielded_on; `trend`: kpis.trust.trend_frame (past the confidentiality
    gate: hidden groups never entered it)."""
    overall = trend[(trend["dimension"] == OVERALL) & trend["shown"].astype(bool)]
    index = dict(zip(overall["wave_id"].astype(int), overall["index"].astype(float), strict=True))
    return pd.DataFrame(
        {
            "wave_id": waves["id"].astype(int).to_numpy(),
            "wave_code": waves["code"].astype(str).to_numpy(),
            "month": [wave_month(day) for day in waves["fielded_on"]],
            "trust": [index.get(int(wave), math.nan) for wave in waves["id"]],
        }
    )


def trust_by_direction(waves: pd.DataFrame, mirror: pd.DataFrame) -> pd.DataFrame:
    """How each department rates another (rater ≠ rated), overall, per wave: DIRECTION_COLUMNS.

    `mirror`: kpis.trust.mirror_frame; hidden cells are left out."""
    cells = mirror[
        (mirror["dimension"] == OVERALL)
        & mirror["shown"].astype(bool)
        & (mirror["rater"] != mirror["rated"])
        & mirror["index"].notna()
    ]
    months = {int(wave): wave_month(day) for wave, day in zip(waves["id"], waves["fielded_on"], strict=True)}
    codes = dict(zip(waves["id"].astype(int), waves["code"].astype(str), strict=True))
    return pd.DataFrame(
        {
            "wave_id": cells["wave_id"].astype(int).to_numpy(),
            "wave_code": [codes[int(wave)] for wave in cells["wave_id"]],
            "month": [months[int(wave)] for wave in cells["wave_id"]],
            "rater": cells["rater"].astype(str).to_numpy(),
            "rated": cells["rated"].astype(str).to_numpy(),
            "index": cells["index"].astype(float).to_numpy(),
        },
        columns=DIRECTION_COLUMNS,
    )


@dataclass(frozen=True)
class Correlation:
    """Pearson's r over `waves` waves with its 95 % interval (Fisher z)."""

    measure: str
    waves: int
    r: float
    low: float
    high: float

    @property
    def strength(self) -> str:
        size = abs(self.r)
        return "strong" if size >= 0.6 else "moderate" if size >= 0.3 else "weak"

    @property
    def sign(self) -> str:
        return "positive" if self.r >= 0 else "negative"

    @property
    def clear(self) -> bool:
        """True when the interval leaves out 0 (the co-movement is unlikely to be chance alone)."""
        return self.low > 0 or self.high < 0


def fisher_interval(r: float, n: int, *, confidence: float = CONFIDENCE) -> tuple[float, float]:
    """The `confidence` interval of a correlation r over n pairs: tanh(atanh(r) ± z / √(n − 3))."""
    if abs(r) >= 1.0:
        return r, r
    z = math.atanh(r)
    half = float(special.ndtri(0.5 + confidence / 2)) / math.sqrt(n - 3)
    return math.tanh(z - half), math.tanh(z + half)


def correlation(table: pd.DataFrame, measure: str, *, min_waves: int = MIN_WAVES) -> Correlation | None:
    """Pearson's r between `trust` and `measure` over the waves where both are known; None
    with fewer than `min_waves` such waves or when either series does not vary."""
    pairs = table[["trust", measure]].astype(float).dropna()
    if len(pairs) < max(min_waves, 4):
        return None
    if pairs["trust"].nunique() < 2 or pairs[measure].nunique() < 2:
        return None
    r = float(np.corrcoef(pairs["trust"], pairs[measure])[0, 1])
    low, high = fisher_interval(r, len(pairs))
    return Correlation(measure=measure, waves=len(pairs), r=r, low=low, high=high)


def reading(table: pd.DataFrame, correlations: dict[str, Correlation | None]) -> list[tuple[str, dict]]:
    """The plain-language reading as i18n keys with parameters: the trust change from the
    first to the last wave with a value, each correlation (or why there is none), and the
    sentence that a correlation is not causation."""
    sentences: list[tuple[str, dict]] = []
    known = table.dropna(subset=["trust"])
    if len(known) >= 2:
        first, last = known.iloc[0], known.iloc[-1]
        change = float(last["trust"] - first["trust"])
        key = (
            "health.read.trust_up"
            if change > 0
            else "health.read.trust_down"
            if change < 0
            else "health.read.trust_flat"
        )
        sentences.append(
            (key, {"first": first["wave_code"], "last": last["wave_code"], "change": abs(change)})
        )
    if all(value is None for value in correlations.values()):
        sentences.append(("health.read.too_few", {"waves": len(known), "needed": MIN_WAVES}))
    else:
        for measure, found in correlations.items():
            if found is None:
                continue
            sentences.append(
                (
                    f"health.read.corr_{found.strength}_{found.sign}",
                    {
                        "measure": measure,
                        "r": found.r,
                        "low": found.low,
                        "high": found.high,
                        "waves": found.waves,
                    },
                )
            )
            if not found.clear:
                sentences.append(("health.read.could_be_chance", {"measure": measure}))
    sentences.append(("health.read.not_causation", {}))
    return sentences
