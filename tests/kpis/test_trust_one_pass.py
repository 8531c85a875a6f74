"""The one-pass trust paths (issue #23) give exactly the frames of the straightforward
computation (tests/straight_trust.py): on hand-made data with hidden groups, missing answers,
one and several waves and department filters, and on the demo data with several filter sets,
on SQLite and PostgreSQL. Hidden rating groups contribute nothing anywhere."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from data_access.demo import DEMO_AS_OF
from data_access.survey import (
    load_item_distribution,
    load_respondent_scores,
    load_response_counts,
    load_trust_groups,
    load_waves,
)
from domain.confidentiality import SMALL_GROUP
from domain.filters import Filters
from domain.months import first_of_month
from kpis.perception import mirror_frame, perception_gaps, rows_for, trend_frame
from kpis.survey_stats import OVERALL
from kpis.trust import rating_groups, significant_drops, trust_core, trust_report
from kpis.trust_index import latest_wave_trust, pooled_index
from tests.straight_trust import (
    straight_latest_wave_trust,
    straight_mirror_frame,
    straight_perception_gaps,
    straight_pooled_index,
    straight_rows_for,
    straight_significant_drops,
    straight_trend_frame,
    straight_trust_core,
    straight_trust_report,
)

NAN = float("nan")
SCORE_COLUMNS = [
    "wave_id",
    "respondent",
    "department",
    "rated_department",
    "dimension",
    "score_sum",
    "answers",
]
DIMENSIONS = ["ability", "benevolence", "integrity"]
DEPARTMENTS = ["FIN", "IT", "MKT", "SAL"]


def _waves(count: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [10 * (i + 1) for i in range(count)],
            "code": [f"W{i + 1}" for i in range(count)],
            "fielded_on": [
                dt.date(2025, 3 + 6 * (i % 2), 15).replace(year=2025 + i // 2) for i in range(count)
            ],
        }
    )


def _survey(seed: int, waves: pd.DataFrame, sizes: dict[str, list[int]], *, integer: bool = True):
    """Random respondent scores and their rating groups: `sizes[department][wave]` respondents.

    Every respondent rates a random subset of departments on a random subset of dimensions
    (so cells differ in size); rows come shuffled. `integer=False` gives fractional score
    sums, so a change in summation order would show in the last bit.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for position, wave in enumerate(waves["id"]):
        for department, per_wave in sizes.items():
            for number in range(per_wave[position]):
                respondent = f"R{wave}-{department}-{rng.integers(0, 10**6):06d}-{number}"
                rated = [d for d in sizes if rng.random() < 0.8] or [department]
                for rated_department in rated:
                    for dimension in [d for d in DIMENSIONS if rng.random() < 0.85] or ["ability"]:
                        answers = int(rng.integers(1, 4))
                        total = float(rng.integers(answers, 5 * answers + 1))
                        if not integer:
                            total = total * rng.uniform(0.9, 1.0)
                        rows.append(
                            (int(wave), respondent, department, rated_department, dimension, total, answers)
                        )
    scores = pd.DataFrame(rows, columns=SCORE_COLUMNS).sample(frac=1.0, random_state=seed)
    scores = scores.reset_index(drop=True).astype(
        {"wave_id": "int64", "score_sum": "float64", "answers": "int64"}
    )
    return scores, _groups(scores)


def _groups(scores: pd.DataFrame) -> pd.DataFrame:
    """What load_trust_groups gives: per wave and rating department, respondents and sums."""
    return (
        scores.groupby(["wave_id", "department"], sort=True)
        .agg(
            respondents=("respondent", "nunique"), score_sum=("score_sum", "sum"), answers=("answers", "sum")
        )
        .reset_index()
    )


def _same_report(new, straight) -> None:
    assert new.min_group == straight.min_group
    for field in dataclasses.fields(straight):
        a, b = getattr(new, field.name), getattr(straight, field.name)
        if isinstance(b, pd.DataFrame):
            pd.testing.assert_frame_equal(a, b, check_exact=True, obj=field.name)
        else:
            assert a == b, field.name


def _same_everything(
    waves: pd.DataFrame, scores: pd.DataFrame, groups: pd.DataFrame, min_group: int = 5
) -> None:
    new = trust_core(waves=waves, respondent_scores=scores, groups=groups, min_group=min_group)
    straight = straight_trust_core(waves=waves, respondent_scores=scores, groups=groups, min_group=min_group)
    _same_report(new, straight)
    pd.testing.assert_frame_equal(
        significant_drops(new), straight_significant_drops(straight), check_exact=True
    )
    shown = rating_groups(groups, min_group=min_group)
    pd.testing.assert_frame_equal(
        trend_frame(scores, waves, shown, min_group=min_group),
        straight_trend_frame(scores, waves, shown, min_group=min_group),
        check_exact=True,
    )
    mirror = mirror_frame(scores, waves, shown, min_group=min_group)
    pd.testing.assert_frame_equal(
        mirror, straight_mirror_frame(scores, waves, shown, min_group=min_group), check_exact=True
    )
    pd.testing.assert_frame_equal(perception_gaps(mirror), straight_perception_gaps(mirror), check_exact=True)
    for wave in waves["id"]:  # the meeting pack's gaps of one wave's mirror
        one = mirror[mirror["wave_id"] == wave]
        pd.testing.assert_frame_equal(perception_gaps(one), straight_perception_gaps(one), check_exact=True)
    for frame in (new.trend, new.mirror, new.gaps):  # the page's selections
        for wave in [*waves["id"], -1]:
            for dimension in [OVERALL, *DIMENSIONS]:
                pd.testing.assert_frame_equal(
                    rows_for(frame, wave_id=wave, dimension=dimension),
                    straight_rows_for(frame, wave_id=wave, dimension=dimension),
                    check_exact=True,
                )
        pd.testing.assert_frame_equal(rows_for(frame), straight_rows_for(frame), check_exact=True)
    for rater in DEPARTMENTS:
        pd.testing.assert_frame_equal(
            rows_for(new.mirror, rater=rater, rated="IT"),
            straight_rows_for(new.mirror, rater=rater, rated="IT"),
            check_exact=True,
        )
    for count in range(len(waves) + 1):
        until = waves.iloc[:count]
        assert latest_wave_trust(until, groups, min_group=min_group) == straight_latest_wave_trust(
            until, groups, min_group=min_group
        )
    for wave in waves["id"]:
        one = groups[groups["wave_id"] == wave]
        assert pooled_index(one, min_group=min_group) == straight_pooled_index(one, min_group=min_group)


SIZES = {"FIN": [2, 6, 4], "IT": [9, 7, 8], "MKT": [6, 5, 12], "SAL": [3, 3, 5]}


@pytest.mark.parametrize("waves_count", [1, 2, 3])
@pytest.mark.parametrize("integer", [True, False], ids=["integer-sums", "fractional-sums"])
def test_random_surveys_with_hidden_groups(waves_count: int, integer: bool) -> None:
    waves = _waves(waves_count)
    sizes = {department: per_wave[:waves_count] for department, per_wave in SIZES.items()}
    for seed in range(4):
        scores, groups = _survey(seed, waves, sizes, integer=integer)
        _same_everything(waves, scores, groups)
        _same_everything(waves, scores, groups, min_group=3)
        _same_everything(waves, scores, groups, min_group=8)


def test_department_filters() -> None:
    """A department filter narrows the rating departments (load_respondent_scores does so)."""
    waves = _waves(3)
    scores, groups = _survey(7, waves, SIZES)
    for departments in (["IT"], ["FIN"], ["FIN", "IT"], ["MKT", "SAL"], ["SAL"]):
        picked = scores[scores["department"].isin(departments)].reset_index(drop=True)
        _same_everything(waves, picked, groups[groups["department"].isin(departments)].reset_index(drop=True))


def test_missing_answers_and_missing_keys() -> None:
    """A respondent without answers (0 answers: no mean), a row without a rated department or
    dimension (left out of the cells that need it, kept in those that do not), and a wave
    without any row."""
    waves = _waves(3)
    scores, groups = _survey(11, waves, {"IT": [6, 6, 0], "MKT": [7, 5, 0]})
    extra = pd.DataFrame(
        [
            (10, "zz-none", "IT", "MKT", "ability", 0.0, 0),
            (10, scores.loc[0, "respondent"], "IT", None, "ability", 4.0, 1),
            (20, "zz-nodim", "MKT", "IT", None, 9.0, 2),
            (20, "zz-nodim", "MKT", "IT", "integrity", 3.0, 1),
        ],
        columns=SCORE_COLUMNS,
    )
    with_extra = pd.concat([scores, extra.astype(scores.dtypes.to_dict())], ignore_index=True)
    _same_everything(waves, with_extra, groups)


def test_a_dimension_called_overall_joins_the_overall_cell() -> None:
    waves = _waves(2)
    scores, groups = _survey(3, waves, {"IT": [6, 6], "MKT": [7, 5]})
    renamed = scores.assign(dimension=scores["dimension"].replace({"integrity": OVERALL}))
    _same_everything(waves, renamed, groups)


def test_empty_and_all_hidden() -> None:
    waves = _waves(2)
    scores, groups = _survey(5, waves, {"FIN": [2, 4], "SAL": [3, 1]})
    _same_everything(waves, scores, groups)  # every group below 5: nothing to show
    empty = scores.iloc[0:0].reset_index(drop=True)
    _same_everything(waves, empty, groups.iloc[0:0].reset_index(drop=True))
    _same_everything(waves.iloc[0:0], empty, groups.iloc[0:0].reset_index(drop=True))


def test_hidden_groups_contribute_nothing() -> None:
    """Changing every answer of hidden groups changes no shown figure anywhere."""
    waves = _waves(3)
    scores, groups = _survey(13, waves, SIZES)
    shown = rating_groups(groups, min_group=5)
    hidden = shown.loc[~shown["shown"], ["wave_id", "department"]]
    assert len(hidden) >= 3
    is_hidden = scores.set_index(["wave_id", "department"]).index.isin(pd.MultiIndex.from_frame(hidden))
    altered = scores.assign(
        score_sum=np.where(is_hidden, scores["answers"] * 1.0, scores["score_sum"]),
        dimension=np.where(is_hidden, "ability", scores["dimension"]),
    )
    before = trust_core(waves=waves, respondent_scores=scores, groups=groups)
    after = trust_core(waves=waves, respondent_scores=altered, groups=groups)
    _same_report(after, before)
    mirror = before.mirror
    hidden_rows = mirror.merge(hidden.rename(columns={"department": "rater"}), on=["wave_id", "rater"])
    assert not hidden_rows.empty and not hidden_rows["shown"].any()
    assert hidden_rows["index"].isna().all() and hidden_rows["respondents"].isna().all()
    assert set(hidden_rows["reason"]) == {SMALL_GROUP}


def test_trust_report_equals_the_straight_report() -> None:
    waves = _waves(3)
    scores, groups = _survey(17, waves, SIZES)
    counts = groups[["wave_id", "department", "respondents"]].assign(invited=groups["respondents"] + 2)
    distribution = pd.DataFrame(
        columns=[
            "wave_id",
            "item_code",
            "text_nl",
            "text_en",
            "dimension",
            "rated_department",
            "reverse_coded",
            "department",
            "respondents",
            "favourable",
            "neutral",
            "unfavourable",
        ]
    )
    kwargs = dict(
        waves=waves, respondent_scores=scores, item_distribution=distribution, response_counts=counts
    )
    _same_report(trust_report(**kwargs), straight_trust_report(**kwargs))


AS_OF = first_of_month(DEMO_AS_OF)
DEMO_FILTERS = [
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1)),
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1), departments=("IT",)),
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1), departments=("FIN", "MKT")),
    Filters(as_of=dt.date(AS_OF.year, 3, 1), period_start=dt.date(AS_OF.year, 1, 1)),
    Filters(as_of=dt.date(2026, 9, 1), period_start=dt.date(2026, 1, 1), departments=("MKT",)),
]


@pytest.mark.parametrize("filters", DEMO_FILTERS, ids=["all", "IT", "FIN-MKT", "march", "wave-month-MKT"])
def test_demo_data(demo_engine, filters: Filters) -> None:
    waves = load_waves(engine=demo_engine, filters=filters)
    wave_ids = [int(i) for i in waves["id"]]
    scores = load_respondent_scores(engine=demo_engine, filters=filters, wave_ids=wave_ids)
    groups = load_trust_groups(engine=demo_engine, filters=filters, wave_ids=wave_ids)
    assert not scores.empty
    for min_group in (3, 5, 12):
        _same_everything(waves, scores, groups, min_group=min_group)
    kwargs = dict(
        waves=waves,
        respondent_scores=scores,
        item_distribution=load_item_distribution(engine=demo_engine, filters=filters, wave_ids=wave_ids),
        response_counts=load_response_counts(engine=demo_engine, filters=filters, wave_ids=wave_ids),
    )
    _same_report(trust_report(**kwargs), straight_trust_report(**kwargs))


def test_latest_wave_trust_with_pandas_dtypes_and_odd_thresholds() -> None:
    """Nullable integer columns take pandas' own path; a threshold below 3 is refused as before."""
    waves = _waves(3)
    _, groups = _survey(19, waves, SIZES)
    nullable = groups.astype({"respondents": "Int64", "answers": "Int64", "score_sum": "Float64"})
    for count in range(1, 4):
        until = waves.iloc[:count]
        expected = straight_latest_wave_trust(until, groups, min_group=5)
        assert latest_wave_trust(until, nullable, min_group=5) == expected
        assert latest_wave_trust(until, groups.assign(score_sum=groups["score_sum"] / 7), min_group=4) == (
            straight_latest_wave_trust(until, groups.assign(score_sum=groups["score_sum"] / 7), min_group=4)
        )
        with pytest.raises(ValueError):
            latest_wave_trust(until, groups, min_group=2)
    assert latest_wave_trust(waves.iloc[0:0], groups, min_group=2) == straight_latest_wave_trust(
        waves.iloc[0:0], groups, min_group=2
    )
