"""The demo survey: group sizes and the confidentiality gate, trends, the perception gap and
the reliability of the scales."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
from scipy import stats
from sqlalchemy import Engine, select

from data_access.models import (
    Department,
    SurveyComment,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
    SurveyWave,
)
from tests.data_access.demo_cases import frame


def test_survey_groups_and_confidentiality(demo_engine: Engine) -> None:
    answers = frame(
        demo_engine,
        select(SurveyWave.code.label("wave"), SurveyResponse.respondent_ref, Department.code.label("dept"))
        .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
        .join(Department, Department.id == SurveyResponse.department_id),
    )
    per_respondent = answers.groupby(["wave", "respondent_ref"]).size()
    assert (per_respondent == 30).all()
    respondents = answers.drop_duplicates().groupby(["wave", "dept"]).size().unstack()
    assert list(respondents.index) == ["W2025-1", "W2025-2", "W2026-1", "W2026-2"]
    assert (respondents["FIN"] == 4).all() and (respondents["FIN"] < 5).all()
    assert respondents["MKT"].between(30, 38).all() and respondents["IT"].between(40, 50).all()
    assert all(ref.startswith(f"R-{wave}-") for wave, ref in per_respondent.index)

    invited = frame(
        demo_engine,
        select(SurveyWave.code.label("wave"), Department.code.label("dept"), SurveyInvitation.invited_count)
        .join(SurveyWave, SurveyWave.id == SurveyInvitation.wave_id)
        .join(Department, Department.id == SurveyInvitation.department_id),
    ).pivot(index="wave", columns="dept", values="invited_count")
    assert (invited >= respondents).all().all()
    assert invited["FIN"].eq(6).all()

    items = frame(demo_engine, select(SurveyItem.code, SurveyItem.dimension, SurveyItem.reverse_coded))
    assert len(items) == 30 and items.reverse_coded.sum() == 10
    assert "ABI-IT-1" in set(items.code) and "STR-MKT-3" in set(items.code)
    assert items.groupby("dimension").size().eq(6).all()

    comments = frame(
        demo_engine,
        select(SurveyComment.text, Department.code.label("dept")).join(
            Department, Department.id == SurveyComment.department_id
        ),
    )
    assert set(comments.dept) == {"MKT", "IT"} and len(comments) >= 16


def _scores(engine: Engine) -> pd.DataFrame:
    rated = Department.__table__.alias("rated")
    rater = Department.__table__.alias("rater")
    rows = frame(
        engine,
        select(
            SurveyWave.code.label("wave"),
            SurveyResponse.respondent_ref.label("ref"),
            rater.c.code.label("rater"),
            rated.c.code.label("rated"),
            SurveyItem.code.label("item"),
            SurveyItem.dimension,
            SurveyItem.reverse_coded,
            SurveyResponse.score,
        )
        .join(SurveyWave, SurveyWave.id == SurveyResponse.wave_id)
        .join(SurveyItem, SurveyItem.id == SurveyResponse.item_id)
        .join(rater, rater.c.id == SurveyResponse.department_id)
        .join(rated, rated.c.id == SurveyItem.rated_department_id),
    )
    rows["value"] = np.where(rows.reverse_coded.astype(bool), 6 - rows.score, rows.score)
    return rows


def _alpha(items: pd.DataFrame) -> float:
    k = items.shape[1]
    return k / (k - 1) * (1 - items.var(ddof=1).sum() / items.sum(axis=1).var(ddof=1))


def test_survey_trends_gap_and_reliability(demo_sqlite_engine: Engine) -> None:
    rows = _scores(demo_sqlite_engine)
    assert rows.score.between(1, 5).all()
    pairs = rows[rows.rater != rows.rated]
    index = pairs.groupby(["rater", "rated", "wave"])["value"].mean().sub(1).div(4).mul(100)
    mkt_on_it = index.loc[("MKT", "IT")]
    assert mkt_on_it.is_monotonic_increasing

    # Marketing's view of IT improves significantly between the last two waves.
    per_person = pairs[pairs.rater == "MKT"].groupby(["wave", "ref"])["value"].mean()
    test = stats.ttest_ind(per_person["W2026-1"], per_person["W2026-2"], equal_var=False)
    assert test.pvalue < 0.01 and per_person["W2026-2"].mean() > per_person["W2026-1"].mean()

    # IT's view of marketing on strategy stays low: a perception gap in every wave.
    dim = pairs.groupby(["rater", "rated", "dimension", "wave"])["value"].mean().sub(1).div(4).mul(100)
    it_strategy = dim.loc[("IT", "MKT", "strategy")]
    mkt_strategy = dim.loc[("MKT", "IT", "strategy")]
    assert (it_strategy < 40).all() and (mkt_strategy - it_strategy > 5).all()

    # IT's view of marketing's communication drops in the last wave.
    comm = pairs[(pairs.rater == "IT") & (pairs.dimension == "communication")]
    comm = comm.groupby(["wave", "ref"])["value"].mean()
    drop = stats.ttest_ind(comm["W2026-1"], comm["W2026-2"], equal_var=False)
    assert comm["W2026-2"].mean() < comm["W2026-1"].mean() and drop.pvalue < 0.05

    # Every 3-item scale is reliable (Cronbach's alpha), pooled over the waves.
    rated_by_staff = rows[rows.rater.isin(["MKT", "IT"])]
    for (rated, dimension), group in rated_by_staff.groupby(["rated", "dimension"]):
        wide = group.pivot_table(index=["wave", "ref"], columns="item", values="value")
        assert _alpha(wide) > 0.7, (rated, dimension)


def test_respondent_scores_read_in_slices_are_the_whole_read(demo_engine: Engine) -> None:
    """query_respondent_scores reads a slice of rows at a time: the same frame as one read of
    every row, whatever the slice (one row, a few, more than there are), on both backends."""
    from data_access import survey

    wave_ids = survey._all_wave_ids(demo_engine)
    everyone = survey._ALL_DEPARTMENTS
    for filters in (everyone, dataclasses.replace(everyone, departments=("IT",))):
        query = survey.respondent_score_query(filters, wave_ids)
        with demo_engine.connect() as conn:
            rows = [tuple(row) for row in conn.execute(query).all()]
        whole = pd.DataFrame.from_records(rows, columns=survey.RESPONDENT_SCORE_COLUMNS).astype(
            {"wave_id": "int64", "score_sum": "float64", "answers": "int64"}
        )
        assert len(whole) > 100
        for slice_rows in (1, 7, 100, len(rows) + 1):
            read = survey.query_respondent_scores(
                engine=demo_engine, filters=filters, wave_ids=wave_ids, slice_rows=slice_rows
            )
            pd.testing.assert_frame_equal(read, whole, check_exact=True)
