"""The Alignment health charts: valid specs, and radar labels that fit inside the chart."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from charts.health import (
    FONT_SIZE,
    RADAR_EXTENT,
    RADAR_WIDTH,
    level_trend_chart,
    radar_chart,
    radar_labels,
    trust_delivery_chart,
)
from domain.maturity import CRITERIA
from i18n import LANGUAGES, translate

# A generous width per character of the bold 12 px label font (most are about 0.6 em).
CHARACTER_EM = 0.68


@pytest.mark.parametrize("lang", LANGUAGES)
def test_radar_labels_are_not_clipped_at_the_chart_edges(lang) -> None:
    names = [translate(f"health.criterion.{code}", lang) for code in CRITERIA]
    pixels_per_unit = RADAR_WIDTH / (2 * RADAR_EXTENT)
    for row in radar_labels(names).itertuples():
        width = max(len(line) for line in row.label.split("\n")) * FONT_SIZE * CHARACTER_EM / pixels_per_unit
        left, right = {"left": (row.x, row.x + width), "right": (row.x - width, row.x)}.get(
            row.align, (row.x - width / 2, row.x + width / 2)
        )
        assert left >= -RADAR_EXTENT and right <= RADAR_EXTENT, (row.label, left, right)


def test_radar_leaves_a_gap_where_a_criterion_has_no_level() -> None:
    profile = pd.DataFrame(
        {
            "criterion": list(CRITERIA),
            "level": [3, 4, 2, 4, 5, 4],
            "earlier_level": [3, 4, None, 4, None, None],
        }
    )
    names = {code: code for code in CRITERIA}
    spec = radar_chart(
        profile,
        names=names,
        series={"now": "Oct 2026", "earlier": "Oct 2025"},
        texts={"title": "T", "level": "L", "legend": "M", "criterion": "C"},
    ).to_dict()  # validates
    datasets = spec["datasets"].values()
    edges = next(rows for rows in datasets if rows and "edge" in rows[0])
    earlier_edges = {row["edge"] for row in edges if row["series"] == "Oct 2025"}
    assert earlier_edges == {"earlier-0"}  # only communications–value measurement both have a level
    assert len({row["edge"] for row in edges if row["series"] == "Oct 2026"}) == 6


def test_trend_and_trust_delivery_specs_validate() -> None:
    trend = pd.DataFrame(
        {"month": [dt.date(2026, 9, 1), dt.date(2026, 10, 1)], "level": [2, 3], "confidence": ["low", "high"]}
    )
    confidence = {key: key for key in ("high", "medium", "low", "none")}
    level_trend_chart(
        trend, confidence=confidence, texts={"title": "T", "month": "M", "level": "L", "confidence": "C"}
    ).to_dict()
    long = pd.DataFrame({"wave": ["W1", "W2"], "series": ["s", "s"], "value": [50.0, 60.0]})
    spec = trust_delivery_chart(
        long,
        long.assign(value=[0.9, 1.0]),
        texts={
            "title": "T",
            "wave": "W",
            "index": "I",
            "delivery": "D",
            "series": "S",
            "waves": ["W1", "W2"],
        },
    ).to_dict()
    assert len(spec["vconcat"]) == 2
