"""Trust charts: the trend axis fits the data without turning noise into a cliff; the mirror
is one chart that takes the page width."""

from __future__ import annotations

import pandas as pd
import pytest

from charts.trust import index_domain, mirror_chart, trend_chart

TEXTS = {k: k for k in ("wave", "index", "dimension", "ci_low", "ci_high", "respondents", "rater", "rated")}


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ([55.0, 57.0], [63.0, 65.0], [50.0, 70.0]),  # 55–65: not 0–100, at least 20 points
        ([61.2138], [61.2167], [50.0, 75.0]),  # a wobble of 0.003 stays a flat line
        ([20.0], [90.0], [20.0, 90.0]),  # wide data keeps its range
        ([2.0], [8.0], [0.0, 20.0]),  # never below 0
        ([95.0], [99.0], [80.0, 100.0]),  # never above 100
        ([], [], [0.0, 100.0]),
    ],
)
def test_index_domain(low, high, expected) -> None:
    assert index_domain(low, high) == expected
    bottom, top = index_domain(low, high)
    assert top - bottom >= 20 and 0 <= bottom < top <= 100
    assert all(bottom <= v <= top for v in [*low, *high])


def test_the_trend_chart_uses_the_fitted_axis() -> None:
    trend = pd.DataFrame(
        {
            "wave_code": ["2025-H2", "2026-H1"],
            "dimension": ["overall", "overall"],
            "index": [60.0, 62.0],
            "ci_low": [57.0, 59.0],
            "ci_high": [63.0, 65.0],
            "respondents": [40, 42],
            "shown": [True, True],
        }
    )
    spec = trend_chart(trend, dimension_labels={"overall": "Overall"}, texts=TEXTS).to_dict()
    # Values and intervals 57–65: 51–71 widened to multiples of 5, on every layer.
    domains = [layer["encoding"]["y"].get("scale", {}).get("domain") for layer in spec["layer"]]
    assert domains == [[50.0, 75.0], [50.0, 75.0]]


def test_the_mirror_is_one_chart_with_the_pair_highlighted() -> None:
    mirror = pd.DataFrame(
        {
            "rater": ["MKT", "MKT", "IT", "IT"],
            "rated": ["MKT", "IT", "MKT", "IT"],
            "index": [70.0, 55.0, 60.0, 72.0],
            "ci_low": [65.0, 50.0, 55.0, 67.0],
            "ci_high": [75.0, 60.0, 65.0, 77.0],
            "respondents": [20, 20, 18, 18],
            "shown": [True] * 4,
        }
    )
    chart = mirror_chart(
        mirror, department_labels={"MKT": "Marketing", "IT": "IT"}, texts=TEXTS, highlight=("MKT", "IT")
    )
    spec = chart.to_dict()
    assert "facet" not in spec  # a facet cannot stretch to the container's width
    assert spec["width"] == 560  # an image for the pack keeps a readable size
    assert spec["layer"][0]["encoding"]["xOffset"]["field"] == "rater_label"
    data = next(iter(spec["datasets"].values()))
    assert [row["focus"] for row in data] == [False, True, False, False]
    # The highlighted bar in full, the others paler (the spec alt.condition gave before #23).
    assert spec["layer"][0]["encoding"]["opacity"] == {
        "condition": {"test": "datum.focus", "value": 1.0},
        "value": 0.3,
    }
