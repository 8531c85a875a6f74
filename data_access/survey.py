"""Survey queries, aggregated in the database: waves, score sums per rating department,
respondent-level sums per cell, item answer distributions and response counts.

The department filter selects rating departments (the respondent's department). Nothing
here applies the confidentiality rule: every frame goes through domain.confidentiality before
it is shown.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, Select, case, func, select
from sqlalchemy.orm import aliased

from data_access.filtering import all_of, department_condition
from data_access.memo import memoised
from data_access.models import (
    Department,
    SurveyComment,
    SurveyDimension,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
    SurveyWave,
)
from domain.filters import Filters


def load_waves(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Waves fielded on or before the as-of month's end: id, code, name, fielded_on (oldest first)."""
    return _waves(engine, until=filters.as_of_end)


def load_all_waves(*, engine: Engine) -> pd.DataFrame:
    """Every wave, as `load_waves` gives them (oldest first)."""
    return _waves(engine, until=None)


def _waves(engine: Engine, *, until: dt.date | None) -> pd.DataFrame:
    query = select(SurveyWave.id, SurveyWave.code, SurveyWave.name, SurveyWave.fielded_on)
    if until is not None:
        query = query.where(SurveyWave.fielded_on <= until)
    with engine.connect() as conn:
        return pd.DataFrame.from_records(
            [tuple(row) for row in conn.execute(query.order_by(SurveyWave.fielded_on))],
            columns=["id", "code", "name", "fielded_on"],
        )


def adjusted_score():
    """The score with reverse-coded items flipped (6 − score), as a SQL expression."""
    return case((SurveyItem.reverse_coded, 6 - SurveyResponse.score), else_=SurveyResponse.score)


RESPONDENT_SCORE_COLUMNS = [
    "wave_id",
    "respondent",
    "department",
    "rated_department",
    "dimension",
    "score_sum",
    "answers",
]


def _response_conditions(filters: Filters, wave_ids: list[int]):
    return all_of(
        [SurveyResponse.wave_id.in_(wave_ids), *department_condition(SurveyResponse.department_id, filters)]
    )


RESPONDENT_SCORE_SLICE = 10_000  # rows read from the database at a time
_RESPONDENT_SCORE_DTYPES = {
    "wave_id": "int64",
    "respondent": "str",
    "department": "str",
    "rated_department": "str",
    "dimension": "str",
    "score_sum": "float64",
    "answers": "int64",
}


def respondent_score_query(filters: Filters, wave_ids: list[int]) -> Select:
    """The select behind `query_respondent_scores` (its columns in RESPONDENT_SCORE_COLUMNS order)."""
    rater = aliased(Department)
    rated = aliased(Department)
    return (
        select(
            SurveyResponse.wave_id,
            SurveyResponse.respondent_ref,
            rater.code,
            rated.code,
            SurveyItem.dimension,
            func.sum(adjusted_score()),
            func.count(),
        )
        .join(SurveyItem, SurveyItem.id == SurveyResponse.item_id)
        .join(rater, rater.id == SurveyResponse.department_id)
        .join(rated, rated.id == SurveyItem.rated_department_id)
        .where(_response_conditions(filters, wave_ids))
        .group_by(
            SurveyResponse.wave_id,
            SurveyResponse.respondent_ref,
            rater.code,
            rated.code,
            SurveyItem.dimension,
        )
        .order_by(SurveyResponse.wave_id, SurveyResponse.respondent_ref, rated.code, SurveyItem.dimension)
    )


def query_respondent_scores(
    *, engine: Engine, filters: Filters, wave_ids: list[int], slice_rows: int = RESPONDENT_SCORE_SLICE
) -> pd.DataFrame:
    """Per wave, respondent, rating department, rated department and dimension: Σ adjusted
    score and answers (one row per respondent and cell; respondent mean = score_sum / answers).

    Read `slice_rows` rows at a time, each slice turned into typed columns at once: the
    database's rows never all exist as Python objects together (at 200,000 answers about
    67,000 rows, which as rows and tuples took about 35 MB at the server's peak for a 6 MB
    frame). Every column is NOT NULL in the schema, so the text columns are pandas' text
    dtype as a whole read would infer."""
    if not wave_ids:
        return pd.DataFrame(columns=RESPONDENT_SCORE_COLUMNS)
    slices = []
    with engine.connect() as conn:
        for part in conn.execute(respondent_score_query(filters, wave_ids)).partitions(slice_rows):
            columns = zip(*part, strict=True)
            slices.append(
                pd.DataFrame(
                    {
                        name: pd.array(values, dtype=dtype)
                        for (name, dtype), values in zip(
                            _RESPONDENT_SCORE_DTYPES.items(), columns, strict=True
                        )
                    }
                )
            )
    if not slices:
        return pd.DataFrame.from_records([], columns=RESPONDENT_SCORE_COLUMNS).astype(
            {"wave_id": "int64", "score_sum": "float64", "answers": "int64"}
        )
    return pd.concat(slices, ignore_index=True)


ITEM_DISTRIBUTION_COLUMNS = [
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

ITEM_DISTRIBUTION_TYPES = {
    "wave_id": "int64",
    "reverse_coded": "bool",
    "respondents": "int64",
    "favourable": "int64",
    "neutral": "int64",
    "unfavourable": "int64",
}


def query_item_distribution(*, engine: Engine, filters: Filters, wave_ids: list[int]) -> pd.DataFrame:
    """Per wave, item and rating department: respondents and the counts of favourable (adjusted
    score 4–5), neutral (3) and unfavourable (1–2) answers, with the item's texts."""
    if not wave_ids:
        return pd.DataFrame(columns=ITEM_DISTRIBUTION_COLUMNS)
    rater = aliased(Department)
    rated = aliased(Department)
    score = adjusted_score()
    query = (
        select(
            SurveyResponse.wave_id,
            SurveyItem.code,
            SurveyItem.text_nl,
            SurveyItem.text_en,
            SurveyItem.dimension,
            rated.code,
            SurveyItem.reverse_coded,
            rater.code,
            func.count(func.distinct(SurveyResponse.respondent_ref)),
            func.sum(case((score >= 4, 1), else_=0)),
            func.sum(case((score == 3, 1), else_=0)),
            func.sum(case((score <= 2, 1), else_=0)),
        )
        .join(SurveyItem, SurveyItem.id == SurveyResponse.item_id)
        .join(rater, rater.id == SurveyResponse.department_id)
        .join(rated, rated.id == SurveyItem.rated_department_id)
        .where(_response_conditions(filters, wave_ids))
        .group_by(
            SurveyResponse.wave_id,
            SurveyItem.code,
            SurveyItem.text_nl,
            SurveyItem.text_en,
            SurveyItem.dimension,
            rated.code,
            SurveyItem.reverse_coded,
            rater.code,
        )
        .order_by(SurveyResponse.wave_id, SurveyItem.code, rater.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=ITEM_DISTRIBUTION_COLUMNS).astype(
        ITEM_DISTRIBUTION_TYPES
    )


RESPONSE_COUNT_COLUMNS = ["wave_id", "department", "invited", "respondents"]


def _merge_counts(invited: pd.DataFrame, responded: pd.DataFrame) -> pd.DataFrame:
    return (
        invited.merge(responded, on=["wave_id", "department"], how="outer")
        .fillna({"invited": 0, "respondents": 0})
        .astype({"wave_id": "int64", "invited": "int64", "respondents": "int64"})
        .sort_values(["wave_id", "department"])
        .reset_index(drop=True)[RESPONSE_COUNT_COLUMNS]
    )


def load_item_scores(*, engine: Engine, filters: Filters, wave_ids: list[int]) -> pd.DataFrame:
    """Item-level adjusted scores (for Cronbach's alpha, which needs each respondent's answer
    per item): wave_id, respondent, department, rated_department, dimension, item_code, score."""
    columns = ["wave_id", "respondent", "department", "rated_department", "dimension", "item_code", "score"]
    if not wave_ids:
        return pd.DataFrame(columns=columns)
    rater = aliased(Department)
    rated = aliased(Department)
    query = (
        select(
            SurveyResponse.wave_id,
            SurveyResponse.respondent_ref,
            rater.code,
            rated.code,
            SurveyItem.dimension,
            SurveyItem.code,
            adjusted_score(),
        )
        .join(SurveyItem, SurveyItem.id == SurveyResponse.item_id)
        .join(rater, rater.id == SurveyResponse.department_id)
        .join(rated, rated.id == SurveyItem.rated_department_id)
        .where(_response_conditions(filters, wave_ids))
        .order_by(SurveyResponse.wave_id, SurveyResponse.respondent_ref, SurveyItem.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=columns).astype(
        {"wave_id": "int64", "score": "int64"}
    )


def load_comments(*, engine: Engine, wave_id: int, departments: tuple[str, ...]) -> pd.DataFrame:
    """Comments of one wave by respondents of `departments`: department, dimension, text.

    The caller decides which departments may be read (right to read comments, group of at
    least ten); respondent references are never returned.
    """
    columns = ["department", "dimension", "text"]
    if not departments:
        return pd.DataFrame(columns=columns)
    query = (
        select(Department.code, SurveyComment.dimension, SurveyComment.text)
        .join(Department, Department.id == SurveyComment.department_id)
        .where(SurveyComment.wave_id == wave_id, Department.code.in_(departments))
        .order_by(Department.code, SurveyComment.dimension, SurveyComment.text)
    )
    with engine.connect() as conn:
        return pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)


# Memoised paths: the loaders above depend on the filters only through the rating
# department and the wave ids, so each is answered from a small aggregate over every wave
# and department, loaded once per data version (data_access.memo), filtered in pandas.
# The same loaders with the filters applied in SQL (one query per call): tests/oracles.py.

_ALL_DEPARTMENTS = Filters.year_to_date(dt.date(2000, 1, 1))


def _all_wave_ids(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return [int(i) for i in conn.scalars(select(SurveyWave.id).order_by(SurveyWave.id))]


def _respondent_cells(engine: Engine) -> pd.DataFrame:
    """Memoised: `query_respondent_scores` over every wave and department."""
    return memoised(
        engine=engine,
        name="survey.respondent_cells",
        load=lambda e: query_respondent_scores(engine=e, filters=_ALL_DEPARTMENTS, wave_ids=_all_wave_ids(e)),
    )


def _department_codes(engine: Engine) -> list[str]:
    def load(e: Engine) -> pd.DataFrame:
        with e.connect() as conn:
            codes = list(conn.scalars(select(Department.code).order_by(Department.code)))
        return pd.DataFrame({"code": codes})

    return list(memoised(engine=engine, name="survey.department_codes", load=load)["code"])


def _select(base: pd.DataFrame, filters: Filters, wave_ids: list[int]) -> pd.DataFrame:
    """Rows of `base` of the waves `wave_ids` and the selected rating departments (a copy)."""
    mask = base["wave_id"].isin(wave_ids)
    if filters.departments:
        mask &= base["department"].isin(filters.departments)
    return base[mask].reset_index(drop=True)


def load_respondent_scores(*, engine: Engine, filters: Filters, wave_ids: list[int]) -> pd.DataFrame:
    """Per wave, respondent, rating department, rated department and dimension: Σ adjusted
    score and answers (one row per respondent and cell; respondent mean = score_sum / answers).

    Same frame as `query_respondent_scores`, from the memoised cells of every wave."""
    if not wave_ids:
        return pd.DataFrame(columns=RESPONDENT_SCORE_COLUMNS)
    selected = _select(_respondent_cells(engine), filters, wave_ids)
    if selected.empty:  # the query's empty frame, with its column types
        return pd.DataFrame.from_records([], columns=RESPONDENT_SCORE_COLUMNS).astype(
            {"wave_id": "int64", "score_sum": "float64", "answers": "int64"}
        )
    return selected


def load_trust_groups(*, engine: Engine, filters: Filters, wave_ids: list[int]) -> pd.DataFrame:
    """Per wave and rating department: respondents, Σ adjusted score, answers.

    Same frame as `query_trust_groups`, summed from the memoised respondent cells (a
    respondent is counted once per wave and department; the sums are of integers)."""
    columns = ["wave_id", "department", "respondents", "score_sum", "answers"]
    if not wave_ids:
        return pd.DataFrame(columns=columns)
    cells = _select(_respondent_cells(engine), filters, wave_ids)
    if cells.empty:
        return pd.DataFrame([], columns=columns).astype(
            {"respondents": "int64", "score_sum": "float64", "answers": "int64"}
        )
    groups = (
        cells.groupby(["wave_id", "department"], sort=False)
        .agg(
            respondents=("respondent", "nunique"), score_sum=("score_sum", "sum"), answers=("answers", "sum")
        )
        .reset_index()
    )
    # The database's order: by wave, then department code under the database's collation.
    rank = {code: position for position, code in enumerate(_department_codes(engine))}
    groups = groups.assign(_rank=groups["department"].map(rank)).sort_values(["wave_id", "_rank"])
    groups = groups.reset_index(drop=True)
    return groups[columns].astype(
        {"wave_id": "int64", "respondents": "int64", "score_sum": "float64", "answers": "int64"}
    )


def _item_distribution_base(engine: Engine) -> pd.DataFrame:
    return memoised(
        engine=engine,
        name="survey.item_distribution",
        load=lambda e: query_item_distribution(engine=e, filters=_ALL_DEPARTMENTS, wave_ids=_all_wave_ids(e)),
    )


def load_item_distribution(*, engine: Engine, filters: Filters, wave_ids: list[int]) -> pd.DataFrame:
    """Per wave, item and rating department: respondents and the counts of favourable (adjusted
    score 4–5), neutral (3) and unfavourable (1–2) answers, with the item's texts.

    Same frame as `query_item_distribution`, from the memoised distribution of every wave."""
    if not wave_ids:
        return pd.DataFrame(columns=ITEM_DISTRIBUTION_COLUMNS)
    selected = _select(_item_distribution_base(engine), filters, wave_ids)
    if selected.empty:
        return pd.DataFrame.from_records([], columns=ITEM_DISTRIBUTION_COLUMNS).astype(
            ITEM_DISTRIBUTION_TYPES
        )
    return selected


def _invited_base(engine: Engine) -> pd.DataFrame:
    def load(e: Engine) -> pd.DataFrame:
        query = (
            select(SurveyInvitation.wave_id, Department.code, func.sum(SurveyInvitation.invited_count))
            .join(Department, Department.id == SurveyInvitation.department_id)
            .group_by(SurveyInvitation.wave_id, Department.code)
        )
        with e.connect() as conn:
            return pd.DataFrame(conn.execute(query).all(), columns=["wave_id", "department", "invited"])

    return memoised(engine=engine, name="survey.invited", load=load)


def load_response_counts(*, engine: Engine, filters: Filters, wave_ids: list[int]) -> pd.DataFrame:
    """Per wave and rating department: invited (0 when no invitation was recorded) and
    respondents (distinct respondents who answered at least one item).

    Same frame as `query_response_counts`, from the memoised invitations and cells."""
    if not wave_ids:
        return pd.DataFrame(columns=RESPONSE_COUNT_COLUMNS)
    invited = _select(_invited_base(engine), filters, wave_ids)
    if invited.empty:
        invited = pd.DataFrame([], columns=["wave_id", "department", "invited"])
    cells = _select(_respondent_cells(engine), filters, wave_ids)
    if cells.empty:
        responded = pd.DataFrame([], columns=["wave_id", "department", "respondents"])
    else:
        responded = (
            cells.groupby(["wave_id", "department"], sort=False)["respondent"]
            .nunique()
            .rename("respondents")
            .reset_index()
        )
    return _merge_counts(invited, responded)


def load_survey_dimensions(*, engine: Engine) -> pd.DataFrame:
    """The survey instrument's dimensions: code, name_nl, name_en, sort_order, in their order."""
    columns = ["code", "name_nl", "name_en", "sort_order"]
    query = select(
        SurveyDimension.code, SurveyDimension.name_nl, SurveyDimension.name_en, SurveyDimension.sort_order
    ).order_by(SurveyDimension.sort_order, SurveyDimension.code)
    with engine.connect() as conn:
        return pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)


def load_survey_instrument(*, engine: Engine) -> pd.DataFrame:
    """The dimensions with their number of items: code, name_nl, name_en, sort_order, items."""
    columns = ["code", "name_nl", "name_en", "sort_order", "items"]
    query = (
        select(
            SurveyDimension.code,
            SurveyDimension.name_nl,
            SurveyDimension.name_en,
            SurveyDimension.sort_order,
            func.count(SurveyItem.id),
        )
        .outerjoin(SurveyItem, SurveyItem.dimension == SurveyDimension.code)
        .group_by(
            SurveyDimension.code, SurveyDimension.name_nl, SurveyDimension.name_en, SurveyDimension.sort_order
        )
        .order_by(SurveyDimension.sort_order, SurveyDimension.code)
    )
    with engine.connect() as conn:
        return pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)
