"""Reading pulse waves: the waves, response rates, who has not answered (for reminders), a
person's invitations and the items of their questionnaire."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.models import (
    Department,
    PulseParticipant,
    PulseWave,
    PulseWaveDepartment,
    PulseWaveItem,
    SurveyItem,
    SurveyResponse,
)
from data_access.pulse.common import PulseInvitation, normalise_email


def load_pulse_waves(*, engine: Engine) -> pd.DataFrame:
    """Every pulse wave, newest first: id, code, name, opens_on, closes_on, status, reminder."""
    columns = ["id", "code", "name", "opens_on", "closes_on", "status", "reminder"]
    query = select(
        PulseWave.id,
        PulseWave.code,
        PulseWave.name,
        PulseWave.opens_on,
        PulseWave.closes_on,
        PulseWave.status,
        PulseWave.reminder,
    ).order_by(PulseWave.opens_on.desc(), PulseWave.id.desc())
    with engine.connect() as conn:
        return pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)


def load_pulse_response_rates(*, engine: Engine, wave_id: int) -> pd.DataFrame:
    """Live, per invited department of an open wave: department, invited, answered (from the
    register; after close from the survey wave's respondents)."""
    columns = ["department", "invited", "answered"]
    with engine.connect() as conn:
        wave = conn.execute(
            select(PulseWave.status, PulseWave.survey_wave_id).where(PulseWave.id == wave_id)
        ).one_or_none()
        if wave is None:
            return pd.DataFrame(columns=columns)
        invited = dict(
            conn.execute(
                select(Department.code, PulseWaveDepartment.invited_count)
                .select_from(PulseWaveDepartment)
                .join(Department, Department.id == PulseWaveDepartment.department_id)
                .where(PulseWaveDepartment.pulse_wave_id == wave_id)
            ).all()
        )
        if wave.status == "open":
            answered_query = (
                select(Department.code, func.count())
                .select_from(PulseParticipant)
                .join(Department, Department.id == PulseParticipant.department_id)
                .where(PulseParticipant.pulse_wave_id == wave_id, PulseParticipant.answered.is_(True))
                .group_by(Department.code)
            )
        else:
            answered_query = (
                select(Department.code, func.count(func.distinct(SurveyResponse.respondent_ref)))
                .select_from(SurveyResponse)
                .join(Department, Department.id == SurveyResponse.department_id)
                .where(SurveyResponse.wave_id == wave.survey_wave_id)
                .group_by(Department.code)
            )
        answered = dict(conn.execute(answered_query).all())
    rows = [(d, int(n), int(answered.get(d, 0))) for d, n in sorted(invited.items())]
    return pd.DataFrame.from_records(rows, columns=columns)


def load_not_answered(*, engine: Engine, wave_id: int) -> list[str]:
    """The addresses invited to an open wave that have not answered yet (for a reminder)."""
    query = (
        select(PulseParticipant.email)
        .where(PulseParticipant.pulse_wave_id == wave_id, PulseParticipant.answered.is_(False))
        .order_by(PulseParticipant.email)
    )
    with engine.connect() as conn:
        return list(conn.scalars(query))


def load_invitations(*, engine: Engine, email: str, today: dt.date) -> list[PulseInvitation]:
    """The open waves `email` is invited to whose fielding window includes `today`."""
    query = (
        select(
            PulseWave.id,
            PulseWave.code,
            PulseWave.name,
            PulseWave.opens_on,
            PulseWave.closes_on,
            Department.code,
            PulseParticipant.answered,
        )
        .select_from(PulseWave)
        .join(PulseParticipant, PulseParticipant.pulse_wave_id == PulseWave.id)
        .join(Department, Department.id == PulseParticipant.department_id)
        .where(
            PulseParticipant.email == normalise_email(email),
            PulseWave.status == "open",
            PulseWave.opens_on <= today,
            PulseWave.closes_on >= today,
        )
        .order_by(PulseWave.closes_on, PulseWave.id)
    )
    with engine.connect() as conn:
        return [PulseInvitation(*row) for row in conn.execute(query)]


def load_instrument_items(*, engine: Engine) -> pd.DataFrame:
    """Every item a wave may ask: code, text_nl, text_en, rated_department, dimension (by code)."""
    columns = ["code", "text_nl", "text_en", "rated_department", "dimension"]
    query = (
        select(SurveyItem.code, SurveyItem.text_nl, SurveyItem.text_en, Department.code, SurveyItem.dimension)
        .select_from(SurveyItem)
        .join(Department, Department.id == SurveyItem.rated_department_id)
        .order_by(SurveyItem.code)
    )
    with engine.connect() as conn:
        return pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)


def is_invited(*, engine: Engine, email: str, today: dt.date) -> bool:
    """Whether `email` is invited to an open wave whose fielding window includes `today`."""
    query = (
        select(func.count())
        .select_from(PulseParticipant)
        .join(PulseWave, PulseWave.id == PulseParticipant.pulse_wave_id)
        .where(
            PulseParticipant.email == normalise_email(email),
            PulseWave.status == "open",
            PulseWave.opens_on <= today,
            PulseWave.closes_on >= today,
        )
    )
    with engine.connect() as conn:
        return bool(conn.scalar(query))


def load_pulse_items(*, engine: Engine, wave_id: int, department: str) -> pd.DataFrame:
    """The wave's items about departments other than `department` (the respondent's own):
    code, text_nl, text_en, rated_department, dimension, in code order."""
    columns = ["code", "text_nl", "text_en", "rated_department", "dimension"]
    query = (
        select(SurveyItem.code, SurveyItem.text_nl, SurveyItem.text_en, Department.code, SurveyItem.dimension)
        .select_from(SurveyItem)
        .join(PulseWaveItem, PulseWaveItem.item_id == SurveyItem.id)
        .join(Department, Department.id == SurveyItem.rated_department_id)
        .where(PulseWaveItem.pulse_wave_id == wave_id, Department.code != department)
        .order_by(SurveyItem.code)
    )
    with engine.connect() as conn:
        return pd.DataFrame.from_records([tuple(row) for row in conn.execute(query)], columns=columns)
