"""Survey queries: waves and score sums per rating department, aggregated in the database."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, case, func, select

from data_access.filtering import all_of, department_condition
from data_access.models import Department, SurveyItem, SurveyResponse, SurveyWave
from kpis.periods import Filters


def load_waves(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """Waves fielded on or before the as-of month's end: id, code, name, fielded_on (oldest first)."""
    query = (
        select(SurveyWave.id, SurveyWave.code, SurveyWave.name, SurveyWave.fielded_on)
        .where(SurveyWave.fielded_on <= filters.as_of_end)
        .order_by(SurveyWave.fielded_on)
    )
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=["id", "code", "name", "fielded_on"])


def adjusted_score():
    """The score with reverse-coded items flipped (6 − score), as a SQL expression."""
    return case((SurveyItem.reverse_coded, 6 - SurveyResponse.score), else_=SurveyResponse.score)


def load_trust_groups(*, engine: Engine, filters: Filters, wave_ids: list[int]) -> pd.DataFrame:
    """Per wave and rating department: respondents, Σ adjusted score, answers."""
    if not wave_ids:
        return pd.DataFrame(columns=["wave_id", "department", "respondents", "score_sum", "answers"])
    query = (
        select(
            SurveyResponse.wave_id,
            Department.code.label("department"),
            func.count(func.distinct(SurveyResponse.respondent_ref)).label("respondents"),
            func.sum(adjusted_score()).label("score_sum"),
            func.count().label("answers"),
        )
        .join(SurveyItem, SurveyItem.id == SurveyResponse.item_id)
        .join(Department, Department.id == SurveyResponse.department_id)
        .where(
            all_of(
                [
                    SurveyResponse.wave_id.in_(wave_ids),
                    *department_condition(SurveyResponse.department_id, filters),
                ]
            )
        )
        .group_by(SurveyResponse.wave_id, Department.code)
        .order_by(SurveyResponse.wave_id, Department.code)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(
        rows, columns=["wave_id", "department", "respondents", "score_sum", "answers"]
    ).astype({"respondents": "int64", "score_sum": "float64", "answers": "int64"})
