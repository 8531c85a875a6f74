"""Trust beside delivery: the table per wave, correlation only from enough waves, its interval."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from kpis.trust_delivery import (
    MIN_WAVES,
    correlation,
    fisher_interval,
    reading,
    trust_by_direction,
    trust_by_wave,
)


def _table(trust: list[float], cpi: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "wave_code": [f"W{i}" for i in range(len(trust))],
            "trust": trust,
            "cpi": cpi,
            "spi": [1.0] * len(trust),
        }
    )


def test_fewer_than_five_waves_give_no_correlation() -> None:
    assert MIN_WAVES == 5
    assert correlation(_table([50, 55, 60, 65], [0.8, 0.9, 1.0, 1.1]), "cpi") is None
    # Five rows but one without delivery: four pairs, still none.
    assert correlation(_table([50, 55, 60, 65, 70], [0.8, 0.9, 1.0, 1.1, math.nan]), "cpi") is None
    # A series that does not vary has no correlation.
    assert correlation(_table([50, 55, 60, 65, 70], [0.8, 0.9, 1.0, 1.1, 1.2]), "spi") is None


def test_a_known_series_gives_the_known_r_and_fisher_interval() -> None:
    trust = [50.0, 52.0, 57.0, 55.0, 61.0, 64.0]
    cpi = [0.85, 0.9, 0.88, 0.95, 0.97, 1.02]
    found = correlation(_table(trust, cpi), "cpi")
    assert found is not None
    r = np.corrcoef(trust, cpi)[0, 1]
    assert found.r == pytest.approx(r)
    assert found.waves == 6
    half = 1.959963984540054 / math.sqrt(6 - 3)
    assert found.low == pytest.approx(math.tanh(math.atanh(r) - half))
    assert found.high == pytest.approx(math.tanh(math.atanh(r) + half))
    # scipy's own interval (Fisher) agrees.
    interval = stats.pearsonr(trust, cpi).confidence_interval(0.95)
    assert (found.low, found.high) == (pytest.approx(interval.low), pytest.approx(interval.high))
    assert found.strength == "strong" and found.sign == "positive" and found.clear


def test_fisher_interval_of_a_perfect_correlation_is_the_point() -> None:
    assert fisher_interval(1.0, 6) == (1.0, 1.0)


def test_reading_says_too_few_and_not_causation() -> None:
    table = _table([50.0, 56.0], [0.9, 1.0])
    sentences = reading(table, {"cpi": None, "spi": None})
    keys = [key for key, _ in sentences]
    assert keys == ["health.read.trust_up", "health.read.too_few", "health.read.not_causation"]
    assert sentences[0][1]["change"] == pytest.approx(6.0)


def test_reading_names_a_correlation_and_chance_when_the_interval_spans_zero() -> None:
    table = _table([50, 52, 51, 53, 52], [1.0, 0.9, 1.1, 1.0, 0.95])
    found = correlation(table, "cpi")
    assert found is not None and not found.clear
    keys = [key for key, _ in reading(table, {"cpi": found})]
    assert f"health.read.corr_{found.strength}_{found.sign}" in keys
    assert "health.read.could_be_chance" in keys
    assert keys[-1] == "health.read.not_causation"


def test_trust_by_wave_and_direction_leave_hidden_cells_out() -> None:
    waves = pd.DataFrame(
        {"id": [1, 2], "code": ["A", "B"], "fielded_on": [dt.date(2026, 3, 15), dt.date(2026, 9, 2)]}
    )
    trend = pd.DataFrame(
        {
            "wave_id": [1, 2],
            "dimension": ["overall", "overall"],
            "index": [55.0, None],
            "shown": [True, False],
        }
    )
    table = trust_by_wave(waves, trend)
    assert list(table["month"]) == [dt.date(2026, 3, 1), dt.date(2026, 9, 1)]
    assert table["trust"].iloc[0] == 55.0 and math.isnan(table["trust"].iloc[1])
    mirror = pd.DataFrame(
        {
            "wave_id": [1, 1, 1, 2],
            "rater": ["MKT", "IT", "IT", "MKT"],
            "rated": ["IT", "MKT", "IT", "IT"],
            "dimension": ["overall"] * 4,
            "index": [45.0, 48.0, 70.0, None],
            "shown": [True, True, True, False],
        }
    )
    directions = trust_by_direction(waves, mirror)
    assert list(zip(directions["rater"], directions["rated"], directions["index"], strict=True)) == [
        ("MKT", "IT", 45.0),
        ("IT", "MKT", 48.0),
    ]
