"""domain.frames.isin gives Series.isin's mask on every kind of column and value list."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

from domain.frames import isin

CODES = [f"P-{number:03d}" for number in range(40)] + ["Ærø", "", "p-001"]


def _columns() -> list[pd.Series]:
    rng = random.Random(7)
    values = [rng.choice(CODES) for _ in range(300)]
    with_missing = [None if rng.random() < 0.1 else value for value in values]
    return [
        pd.Series(values),  # pandas' default text type (Arrow-backed)
        pd.Series(with_missing),
        pd.Series(values, dtype=object),
        pd.Series(values, dtype="string[pyarrow]"),
        pd.Series(with_missing, index=range(1000, 1300), name="project"),
        pd.Series([], dtype="str"),
        pd.Series(np.arange(300) % 7),
    ]


def _value_lists() -> list[object]:
    return [
        set(CODES[::3]),
        list(CODES[:5]) * 3,
        [],
        {"nope"},
        ["P-001", None],
        ["P-001", float("nan"), 3, 4.5],
        pd.Series(CODES[::2]),
        pd.Series(["P-002", None]),
        pd.Index(CODES[1::4]),
        (1, 2, 3),
    ]


@pytest.mark.parametrize("column", _columns(), ids=lambda c: f"{c.dtype}-{len(c)}-{c.isna().sum()}")
def test_isin_is_series_isin(column: pd.Series) -> None:
    for values in _value_lists():
        expected = column.isin(values)
        got = isin(column, values)
        pd.testing.assert_series_equal(got, expected, check_exact=True)
    if len(column) and column.dtype != np.int64:
        assert 0 < isin(column, set(CODES[::3])).sum() < len(column)  # the lists do select rows
