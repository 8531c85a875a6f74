"""Submitting a pulse answer: rate-limited through the audit trail, stored under the answer
key, replaced while the wave is open."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from access.roles import RESPOND, User, check_allowed
from data_access.audit import record_change
from data_access.models import (
    AuditLog,
    Department,
    PulseParticipant,
    PulsePendingAnswer,
    PulsePendingComment,
    PulseWave,
    PulseWaveItem,
    SurveyItem,
)
from data_access.pulse.common import (
    ANSWER_ENTITY,
    MAX_COMMENT,
    MAX_SUBMISSIONS,
    RATE_WINDOW,
    PulseError,
    RateLimited,
    answer_key,
    normalise_email,
    overwrite_deleted_rows,
)


def _recent_submissions(conn: Connection, user_name: str, now: dt.datetime) -> int:
    return (
        conn.scalar(
            select(func.count())
            .select_from(AuditLog)
            .where(
                AuditLog.entity == ANSWER_ENTITY,
                AuditLog.user_name == user_name,
                AuditLog.at >= now - RATE_WINDOW,
            )
        )
        or 0
    )


def submit_pulse_answers(
    *,
    engine: Engine,
    user: User,
    wave_id: int,
    scores: Mapping[str, int],
    comment: str | None,
    today: dt.date,
) -> None:
    """Store (or replace) the signed-in person's answers to an open wave.

    `scores` maps item codes to 1–5 (items left out are not answered; at least one is needed).
    Raises NotAllowed without RESPOND, RateLimited after MAX_SUBMISSIONS in RATE_WINDOW, and
    PulseError when the person is not invited, the wave is not open today or an answer is
    invalid. The audit trail records that this person answered this wave, never the answers.
    The caller hands in a user whose address the identity provider has verified.
    """
    check_allowed(user, RESPOND)
    email = normalise_email(user.email or "")
    if not email:
        raise PulseError("pulse.error_not_invited")
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise PulseError("pulse.error_comment", limit=MAX_COMMENT)
    if not scores or any(type(s) is not int or not 1 <= s <= 5 for s in scores.values()):
        raise PulseError("pulse.error_scores")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        if _recent_submissions(conn, user.name, now) >= MAX_SUBMISSIONS:
            raise RateLimited("pulse.error_rate", minutes=int(RATE_WINDOW.total_seconds() // 60))
        row = conn.execute(
            select(PulseWave.answer_secret, PulseParticipant.department_id, Department.code)
            .select_from(PulseWave)
            .join(PulseParticipant, PulseParticipant.pulse_wave_id == PulseWave.id)
            .join(Department, Department.id == PulseParticipant.department_id)
            .where(
                PulseWave.id == wave_id,
                PulseParticipant.email == email,
                PulseWave.status == "open",
                PulseWave.opens_on <= today,
                PulseWave.closes_on >= today,
            )
            # FOR SHARE on PostgreSQL: a close waits for this sending, and a sending after a
            # close sees it closed (SQLite runs one writer at a time anyway).
            .with_for_update(read=True, of=PulseWave)
        ).one_or_none()
        if row is None or row.answer_secret is None:
            raise PulseError("pulse.error_not_invited")
        allowed = dict(
            conn.execute(
                select(SurveyItem.code, SurveyItem.id)
                .join(PulseWaveItem, PulseWaveItem.item_id == SurveyItem.id)
                .where(
                    PulseWaveItem.pulse_wave_id == wave_id,
                    SurveyItem.rated_department_id != row.department_id,
                )
            ).all()
        )
        if not set(scores) <= set(allowed):
            raise PulseError("pulse.error_scores")
        key = answer_key(row.answer_secret, email)
        overwrite_deleted_rows(conn)
        conn.execute(
            delete(PulsePendingAnswer).where(
                PulsePendingAnswer.pulse_wave_id == wave_id, PulsePendingAnswer.answer_key == key
            )
        )
        conn.execute(
            delete(PulsePendingComment).where(
                PulsePendingComment.pulse_wave_id == wave_id, PulsePendingComment.answer_key == key
            )
        )
        conn.execute(
            insert(PulsePendingAnswer),
            [
                {
                    "pulse_wave_id": wave_id,
                    "answer_key": key,
                    "item_id": allowed[code],
                    "department_id": row.department_id,
                    "score": score,
                }
                for code, score in sorted(scores.items())
            ],
        )
        if text:
            conn.execute(
                insert(PulsePendingComment).values(
                    pulse_wave_id=wave_id, answer_key=key, department_id=row.department_id, text=text
                )
            )
        conn.execute(
            update(PulseParticipant)
            .where(PulseParticipant.pulse_wave_id == wave_id, PulseParticipant.email == email)
            .values(answered=True)
        )
        # That this person answered this wave; no answer, comment, key or department.
        record_change(conn, user_name=user.name, entity=ANSWER_ENTITY, entity_id=wave_id, action="submit")
