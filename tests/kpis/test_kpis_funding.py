"""The agreed split rule (kpis/funding.py::agreed_split), written once for drift and the project views."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpis.funding import agreed_shares, agreed_split, resolve_agreed_shares


def _funding(rows: list[tuple[object, str, float | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project": [r[0] for r in rows],
            "department": [r[1] for r in rows],
            "committed": [100.0] * len(rows),
            "agreed_share": pd.Series([r[2] for r in rows], dtype="float64"),
        }
    )


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("P", "MKT", 0.6), ("P", "IT", None)], [0.6, 0.4]),
        ([("P", "MKT", None), ("P", "IT", None)], [0.5, 0.5]),
        ([("P", "MKT", None), ("P", "IT", None), ("P", "HR", None)], [1 / 3] * 3),
        ([("P", "MKT", 0.7), ("P", "IT", 0.5), ("P", "HR", None)], [0.7, 0.5, 0.0]),  # never below 0
        ([("P", "MKT", 0.2), ("Q", "MKT", None), ("P", "IT", None)], [0.2, 1.0, 0.8]),
        ([("P", "MKT", 1.0)], [1.0]),
    ],
)
def test_agreed_split(rows: list[tuple[object, str, float | None]], expected: list[float]) -> None:
    funding = _funding(rows)
    got = agreed_split(funding["project"], funding["agreed_share"])
    assert got.dtype == "float64" and list(got.index) == list(funding.index)
    np.testing.assert_allclose(got.to_numpy(), expected, rtol=0, atol=1e-15)


def test_a_row_without_a_project_keeps_its_recorded_share_or_zero() -> None:
    funding = _funding([(None, "MKT", 0.3), (None, "IT", None), ("P", "HR", None)])
    assert agreed_split(funding["project"], funding["agreed_share"]).tolist() == [0.3, 0.0, 1.0]


def test_object_shares_with_none_read_as_not_recorded() -> None:
    funding = _funding([("P", "MKT", 0.25), ("P", "IT", None)])
    shares = funding["agreed_share"].astype(object).where(funding["agreed_share"].notna(), None)
    assert agreed_split(funding["project"], shares).tolist() == [0.25, 0.75]


def test_drift_and_project_views_use_the_same_agreed_split() -> None:
    rng = np.random.default_rng(19)
    for _ in range(200):
        n = int(rng.integers(1, 30))
        funding = pd.DataFrame(
            {
                "project": rng.choice([f"P{i}" for i in range(6)], n),
                "department": rng.choice(["MKT", "IT", "HR"], n),
                "committed": rng.random(n) * 1000,
                "agreed_share": np.where(rng.random(n) < 0.5, np.nan, rng.choice([0.1, 0.2, 1 / 3, 0.7], n)),
            }
        )
        drift_side = agreed_shares(funding)["share"].to_numpy()
        view_side = resolve_agreed_shares(funding).sort_values("project", kind="stable")["agreed"].to_numpy()
        np.testing.assert_array_equal(drift_side, view_side)
