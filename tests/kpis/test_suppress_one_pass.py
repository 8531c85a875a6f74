"""The vectorised confidentiality gate (issue #23) gives exactly the frames of the
straightforward one, partition by partition (tests/straight_confidentiality.py): the same
`shown`, `reason`, blanked values, dtypes, row order and index, on hand-made cases, on
random frames around the threshold with one to three partition lists, on a mirror of ten
departments, and in the real callers on the demo data (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pytest

import domain.confidentiality as confidentiality
import kpis.perception as perception
import kpis.survey_stats as survey_stats
import kpis.trust as trust
from data_access.demo import DEMO_AS_OF
from data_access.survey import (
    load_item_distribution,
    load_respondent_scores,
    load_response_counts,
    load_trust_groups,
    load_waves,
)
from domain.confidentiality import COMPLEMENTARY, SMALL_GROUP, suppress
from domain.filters import Filters
from domain.months import first_of_month
from tests.straight_confidentiality import straight_suppress

NAN = float("nan")


def _same(frame: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """suppress == straight_suppress on `frame`, which neither changes; the gated frame."""
    before = frame.copy()
    expected = straight_suppress(frame, **kwargs)
    actual = suppress(frame, **kwargs)
    pd.testing.assert_frame_equal(actual, expected, check_exact=True)
    pd.testing.assert_frame_equal(frame, before, check_exact=True)
    return actual


def _frame(groups: list[str], dims: list[str], counts: list, index=None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "group": groups,
            "dim": dims,
            "respondents": counts,
            "value": [float(i + 1) for i in range(len(counts))],
            "other": [10 * (i + 1) for i in range(len(counts))],
        },
        index=index,
    )


def test_no_partitions() -> None:
    frame = _frame(["A", "A", "B"], ["x", "y", "x"], [4, 7, 6])
    out = _same(frame, min_group=5, value_columns=["value", "other"])
    assert list(out["reason"]) == [SMALL_GROUP, None, None]


def test_one_hidden_cell_hides_the_smallest_other() -> None:
    frame = _frame(["A"] * 4, ["w", "x", "y", "z"], [9, 3, 6, 7])
    out = _same(frame, min_group=5, value_columns=["value"], complementary_within=[["group"]])
    assert list(out["reason"]) == [None, SMALL_GROUP, COMPLEMENTARY, None]
    assert out["value"].isna().tolist() == [False, True, True, False]
    assert out["respondents"].isna().tolist() == [False, True, True, False]


def test_two_hidden_cells_need_nothing_more() -> None:
    frame = _frame(["A"] * 4, ["w", "x", "y", "z"], [9, 3, 4, 7])
    out = _same(frame, min_group=5, value_columns=["value"], complementary_within=[["group"]])
    assert list(out["reason"]) == [None, SMALL_GROUP, SMALL_GROUP, None]


@pytest.mark.parametrize("index", [None, [5, 3, 1, 0], [30, 10, 20, 0], ["d", "c", "b", "a"]])
def test_ties_go_to_the_earlier_row(index) -> None:
    frame = _frame(["A"] * 4, ["w", "x", "y", "z"], [8, 6, 2, 6], index=index)
    out = _same(frame, min_group=5, value_columns=["value"], complementary_within=[["group"]])
    assert list(out["reason"]) == [None, COMPLEMENTARY, SMALL_GROUP, None]
    floats = _frame(["A"] * 4, ["w", "x", "y", "z"], [6.0, 8.0, 2.0, 6.0], index=index)
    out = _same(floats, min_group=5, value_columns=["value"], complementary_within=[["group"]])
    assert list(out["reason"]) == [COMPLEMENTARY, None, SMALL_GROUP, None]


def test_a_partition_all_hidden_and_a_partition_of_one_row() -> None:
    frame = _frame(["A", "A", "B", "C", "C"], ["x", "y", "x", "x", "y"], [2, 4, 3, 6, 9])
    out = _same(frame, min_group=5, value_columns=["value"], complementary_within=[["group"]])
    assert list(out["reason"]) == [SMALL_GROUP, SMALL_GROUP, SMALL_GROUP, None, None]


def test_overlapping_partition_lists_cascade() -> None:
    frame = _frame(["A", "A", "A", "B", "B"], ["x", "y", "z", "x", "y"], [4, 7, 6, 9, 8])
    for partitions in (
        [["group"], ["dim"]],
        [["dim"], ["group"]],
        [["group"], ["dim"], ["group", "dim"]],
        [["dim"], ["group"], ["dim"]],
    ):
        out = _same(frame, min_group=5, value_columns=["value"], complementary_within=partitions)
        assert not out["shown"].any()


def test_the_order_of_the_lists_decides_which_cell_goes() -> None:
    # A·x is small. By group first, A·y goes, then B·x and B·y (by dim): A·z and B·z stay.
    # By dim first, B·x goes, then A·y and B·z (by group), then B·y and A·z (by dim): all go.
    frame = _frame(["A", "A", "A", "B", "B", "B"], ["x", "y", "z", "x", "y", "z"], [3, 6, 7, 9, 9, 8])
    by_group = _same(frame, min_group=5, value_columns=["value"], complementary_within=[["group"], ["dim"]])
    assert by_group["shown"].tolist() == [False, False, True, False, False, True]
    by_dim = _same(frame, min_group=5, value_columns=["value"], complementary_within=[["dim"], ["group"]])
    assert not by_dim["shown"].any()


def test_nan_values_counts_and_keys() -> None:
    frame = pd.DataFrame(
        {
            "group": ["A", "A", None, None, "B", "B", "B"],
            "dim": ["x", None, "x", None, "x", "y", "z"],
            "respondents": [NAN, 7.0, 9.0, 2.0, 6.0, NAN, 8.0],
            "value": [1.0, NAN, 3.0, 4.0, NAN, 6.0, 7.0],
        }
    )
    for partitions in ([["group"]], [["dim"]], [["group"], ["dim"]], [["dim", "group"]]):
        _same(frame, min_group=5, value_columns=["value"], complementary_within=partitions)
    with_na = frame.assign(respondents=pd.array([None, 7, 9, 2, 6, None, 8], dtype="Int64"))
    _same(with_na, min_group=5, value_columns=["value"], complementary_within=[["group"], ["dim"]])
    as_objects = frame.assign(respondents=pd.Series([7, 7.0, 9, 2, 6.0, None, np.int8(8)], dtype=object))
    _same(as_objects, min_group=5, value_columns=["value"], complementary_within=[["group"], ["dim"]])


def test_empty_frames() -> None:
    empty = pd.DataFrame(columns=["group", "dim", "respondents", "value"])
    _same(empty, min_group=5, value_columns=["value"])
    _same(empty, min_group=5, value_columns=["value"], complementary_within=[["group"], ["dim"]])
    typed = pd.DataFrame(
        {"group": pd.Series([], dtype=str), "respondents": pd.Series([], dtype="int64"), "value": []}
    )
    _same(typed, min_group=3, value_columns=["value"], complementary_within=[["group"]])
    _same(pd.DataFrame({"respondents": [2, 8]}), min_group=5, value_columns=[])


def test_non_default_indexes() -> None:
    groups, dims = ["A", "A", "A", "B", "B"], ["x", "y", "z", "x", "y"]
    counts = [4, 7, 6, 9, 8]
    for index in (
        [9, 7, 5, 3, 1],
        ["e", "d", "c", "b", "a"],
        pd.MultiIndex.from_tuples([(2, "b"), (2, "a"), (1, "z"), (1, "y"), (0, "x")]),
        pd.RangeIndex(10, 0, -2),
        pd.DatetimeIndex(["2026-01-05", "2026-01-01", "2026-01-04", "2026-01-02", "2026-01-03"]),
    ):
        frame = _frame(groups, dims, counts, index=index)
        _same(frame, min_group=5, value_columns=["value"], complementary_within=[["group"]])
        _same(frame, min_group=5, value_columns=["value"], complementary_within=[["dim"], ["group"]])


def test_repeated_index_labels() -> None:
    """A repeated label is odd but allowed: the gate takes it as before (all its rows)."""
    frame = _frame(["A", "A", "A", "B", "B", "B"], ["x", "y", "z", "x", "y", "z"], [4, 9, 6, 5, 8, 7])
    for index in ([0, 1, 2, 0, 1, 2], [3, 3, 1, 2, 2, 0]):
        for partitions in ([["group"]], [["dim"]], [["group"], ["dim"]]):
            _same(
                frame.set_axis(index), min_group=5, value_columns=["value"], complementary_within=partitions
            )


def test_category_and_string_keys() -> None:
    frame = _frame(["B", "A", "A", "B", "A", "C"], ["x", "y", "x", "y", "z", "x"], [6, 4, 9, 3, 7, 8])
    for dtype in (
        "category",
        "string",
        "str",
        pd.CategoricalDtype(["z", "C", "y", "B", "A", "x", "D"]),
        object,
    ):
        typed = frame.astype({"group": dtype, "dim": dtype})
        for partitions in ([["group"]], [["group", "dim"]], [["dim"], ["group"]]):
            _same(typed, min_group=5, value_columns=["value", "other"], complementary_within=partitions)


def test_column_oddities() -> None:
    frame = _frame(["A", "A", "A"], ["x", "y", "z"], [4, 7, 6]).assign(
        shown="old", reason="old", flag=[True, False, True]
    )
    _same(frame, min_group=5, value_columns=["value", "value", "flag"], complementary_within=[["group"]])
    _same(frame, min_group=5, value_columns=["respondents"], complementary_within=[("group",)])
    kwargs = dict(min_group=5, value_columns=("other",))
    lists = [["dim"], ["group"]]
    pd.testing.assert_frame_equal(
        suppress(frame, **kwargs, complementary_within=(c for c in lists)),
        straight_suppress(frame, **kwargs, complementary_within=(c for c in lists)),
        check_exact=True,
    )
    _same(frame.rename(columns={"respondents": "n"}), min_group=5, value_columns=["value"], count_column="n")
    nullable = frame.astype({"other": "Int64", "value": "Float64"})
    _same(nullable, min_group=5, value_columns=["value", "other"], complementary_within=[["group"]])


def test_errors_are_the_same() -> None:
    frame = _frame(["A", "A"], ["x", "y"], [4, 7])
    for kwargs in (
        dict(min_group=2, value_columns=["value"]),
        dict(min_group=5, value_columns=["missing"]),
        dict(min_group=5, value_columns=["value"], complementary_within=[["missing"]]),
        dict(min_group=5, value_columns=["value"], complementary_within=[[]]),
        dict(min_group=5, value_columns=["group"]),
        dict(min_group=5, value_columns=["value"], count_column="dim"),
    ):
        with pytest.raises(Exception) as expected:
            straight_suppress(frame, **kwargs)
        with pytest.raises(expected.type):
            suppress(frame, **kwargs)
    as_text = frame.assign(respondents=["x", "7"])
    with pytest.raises(Exception) as expected:
        straight_suppress(as_text, min_group=5, value_columns=["value"], complementary_within=[["group"]])
    with pytest.raises(expected.type):
        suppress(as_text, min_group=5, value_columns=["value"], complementary_within=[["group"]])


def _random_frame(rng: np.random.Generator) -> tuple[pd.DataFrame, dict]:
    rows = int(rng.integers(0, 40))
    key_count = int(rng.integers(1, 4))
    keys = {f"k{j}": rng.integers(0, int(rng.integers(1, 5)), rows) for j in range(key_count)}
    min_group = int(rng.integers(3, 8))
    counts = rng.integers(0, min_group + 5, rows)
    frame = pd.DataFrame(
        {
            **{name: np.array(list("ABCDE"))[values] for name, values in keys.items()},
            "respondents": counts,
            "value": np.where(rng.random(rows) < 0.1, NAN, rng.normal(50, 10, rows)),
            "share": rng.random(rows),
        }
    )
    kind = rng.integers(0, 6)
    if kind == 1:
        frame["respondents"] = frame["respondents"].astype("float64").where(rng.random(rows) > 0.1)
    elif kind == 2:
        frame["respondents"] = frame["respondents"].astype("Int64").mask(rng.random(rows) < 0.1)
    elif kind == 3:
        frame = frame.astype({name: "category" for name in keys})
    elif kind == 4:
        frame = frame.astype({name: "str" for name in keys})
    if rng.random() < 0.2 and rows:
        frame.loc[frame.index[rng.random(rows) < 0.2], "k0"] = None
    if rng.random() < 0.5:
        frame.index = rng.permutation(rows) * 3 + 7
    names = list(keys)
    partitions = []
    for _ in range(int(rng.integers(1, 4))):
        size = int(rng.integers(1, len(names) + 1))
        partitions.append([str(name) for name in rng.choice(names, size, replace=False)])
    kwargs = dict(min_group=min_group, value_columns=["value", "share"], complementary_within=partitions)
    return frame, kwargs


def test_random_frames() -> None:
    complementary = crossings = 0
    for seed in range(300):
        frame, kwargs = _random_frame(np.random.default_rng(seed))
        out = _same(frame, **kwargs)
        hides = int((out["reason"] == COMPLEMENTARY).sum())
        complementary += hides > 0
        # More than one complementary hide in one partition of a list: the lists interact.
        for columns in kwargs["complementary_within"]:
            per = (out["reason"] == COMPLEMENTARY).groupby([out[c] for c in columns], dropna=False).sum()
            crossings += bool((per > 1).any())
    assert complementary > 100 and crossings > 10, (complementary, crossings)


def _mirror_cells(departments: int, waves: int, seed: int) -> pd.DataFrame:
    """Mirror cells as `_mirror_from_cells` gets them: waves × raters × rated × (dimensions, overall)."""
    rng = np.random.default_rng(seed)
    names = [f"D{d:02d}" for d in range(departments)]
    dims = ["ability", "benevolence", "integrity", "overall"]
    keys = list(itertools.product(range(1, waves + 1), names, names, dims))
    frame = pd.DataFrame(keys, columns=["wave_id", "rater", "rated", "dimension"])
    rows = len(frame)
    frame = frame.assign(
        respondents=rng.integers(2, 12, rows),
        mean_score=rng.normal(3.5, 0.5, rows),
        sd=rng.random(rows),
        index=rng.normal(60, 10, rows),
        ci_low=rng.normal(50, 10, rows),
        ci_high=rng.normal(70, 10, rows),
        level=np.where(frame["dimension"] == "overall", "total", "dimension"),
    )
    return frame.sample(frac=1.0, random_state=seed, ignore_index=True)


@pytest.mark.parametrize("seed", range(3))
def test_ten_department_mirror(seed: int) -> None:
    cells = _mirror_cells(10, 4, seed)
    for partitions in (
        [["wave_id", "rater", "rated", "level"]],
        [["wave_id", "rater", "rated", "level"], ["wave_id", "rated", "dimension"]],
    ):
        out = _same(
            cells, min_group=5, value_columns=survey_stats.CELL_VALUES, complementary_within=partitions
        )
        assert (out["reason"] == COMPLEMENTARY).any()


AS_OF = first_of_month(DEMO_AS_OF)
DEMO_FILTERS = [
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1)),
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1), departments=("FIN", "MKT")),
    Filters(as_of=dt.date(2026, 9, 1), period_start=dt.date(2026, 1, 1), departments=("MKT",)),
]


def _same_report(actual: trust.TrustReport, expected: trust.TrustReport) -> None:
    assert actual.min_group == expected.min_group
    for field in ("groups", "rates", "trend", "mirror", "gaps", "heatmap"):
        pd.testing.assert_frame_equal(getattr(actual, field), getattr(expected, field), check_exact=True)


@pytest.mark.parametrize("filters", DEMO_FILTERS, ids=["all", "FIN-MKT", "wave-month-MKT"])
def test_demo_callers(demo_engine, filters: Filters, monkeypatch: pytest.MonkeyPatch) -> None:
    """trust_report, trust_core and item_heatmap on the demo data: every call of the gate gives
    the oracle's frame, and the reports equal those computed with the oracle as the gate."""
    waves = load_waves(engine=demo_engine, filters=filters)
    wave_ids = [int(i) for i in waves["id"]]
    scores = load_respondent_scores(engine=demo_engine, filters=filters, wave_ids=wave_ids)
    groups = load_trust_groups(engine=demo_engine, filters=filters, wave_ids=wave_ids)
    distribution = load_item_distribution(engine=demo_engine, filters=filters, wave_ids=wave_ids)
    counts = load_response_counts(engine=demo_engine, filters=filters, wave_ids=wave_ids)
    assert not scores.empty and not distribution.empty
    # The demo's cells within a breakdown are all of one size (no complementary hide there):
    # a thinned copy, some answers and some item counts left out, has breakdowns of mixed sizes.
    rng = np.random.default_rng(7)
    thinned_scores = scores.sample(frac=0.75, random_state=7)
    thinned_distribution = distribution.assign(
        respondents=distribution["respondents"] - rng.integers(0, 4, len(distribution))
    )
    calls: list[int] = []
    complementary: list[int] = []

    def checked(frame: pd.DataFrame, **kwargs) -> pd.DataFrame:
        calls.append(len(frame))
        out = _same(frame, **kwargs)
        complementary.append(int((out["reason"] == COMPLEMENTARY).sum()))
        return out

    def compute(min_group: int, scores: pd.DataFrame, distribution: pd.DataFrame) -> tuple:
        report = trust.trust_report(
            waves=waves,
            respondent_scores=scores,
            item_distribution=distribution,
            response_counts=counts,
            min_group=min_group,
        )
        core = trust.trust_core(waves=waves, respondent_scores=scores, groups=groups, min_group=min_group)
        heatmap = trust.item_heatmap(distribution, waves, min_group=min_group)
        return report, core, heatmap

    for min_group, *data in itertools.product(
        (3, 5, 8, 12), (scores, thinned_scores), (distribution, thinned_distribution)
    ):
        with monkeypatch.context() as patch:
            for module in (trust, perception, survey_stats, confidentiality):
                patch.setattr(module, "suppress", straight_suppress)
            expected = compute(min_group, *data)
        with monkeypatch.context() as patch:
            for module in (trust, perception, survey_stats, confidentiality):
                patch.setattr(module, "suppress", checked)
            compute(min_group, *data)
        actual = compute(min_group, *data)
        _same_report(actual[0], expected[0])
        _same_report(actual[1], expected[1])
        pd.testing.assert_frame_equal(actual[2], expected[2], check_exact=True)
    assert len(calls) >= 16 * 6 and max(calls) > 20
    if len(filters.departments) != 1:  # one rating department: no breakdown of mixed sizes
        assert sum(complementary) > 0
