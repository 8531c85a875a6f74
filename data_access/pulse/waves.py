"""Opening and closing a pulse wave: closing copies the answers to the survey under fresh
random references in shuffled order and forgets who answered (see data_access.pulse)."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterable, Mapping

from sqlalchemy import Engine, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from access.roles import RUN_PULSE, User, check_allowed, is_email_address
from data_access.audit import record_change
from data_access.engine import bump_data_version
from data_access.models import (
    Department,
    PulseParticipant,
    PulsePendingAnswer,
    PulsePendingComment,
    PulseWave,
    PulseWaveDepartment,
    PulseWaveItem,
    SurveyComment,
    SurveyInvitation,
    SurveyItem,
    SurveyResponse,
    SurveyWave,
)
from data_access.pulse.common import (
    MAX_ADDRESS,
    MAX_CODE,
    MAX_ITEMS,
    MAX_NAME,
    WAVE_ENTITY,
    PulseError,
    logger,
    normalise_email,
    overwrite_deleted_rows,
)
from domain.confidentiality import ABSOLUTE_MIN_GROUP


def open_pulse_wave(
    *,
    engine: Engine,
    user: User,
    code: str,
    name: str,
    opens_on: dt.date,
    closes_on: dt.date,
    reminder: str,
    item_codes: Iterable[str],
    invitations: Mapping[str, Iterable[str]],
) -> int:
    """Open a pulse wave: its items, departments and the addresses invited per department code.

    Raises NotAllowed without RUN_PULSE and PulseError for bad input (nothing written).
    Returns the pulse wave id. Audited with the invited counts, not the addresses.
    """
    check_allowed(user, RUN_PULSE)
    code, name = code.strip(), name.strip()
    if not code or len(code) > MAX_CODE:
        raise PulseError("pulse.error_code", limit=MAX_CODE)
    if not name or len(name) > MAX_NAME:
        raise PulseError("pulse.error_name", limit=MAX_NAME)
    if closes_on < opens_on:
        raise PulseError("pulse.error_window")
    codes = sorted({c.strip() for c in item_codes if c.strip()})
    if not codes or len(codes) > MAX_ITEMS:
        raise PulseError("pulse.error_items", limit=MAX_ITEMS)
    people: dict[str, str] = {}
    for department, addresses in invitations.items():
        for raw in addresses:
            address = normalise_email(raw)
            if not address:
                continue
            if not is_email_address(address) or len(address) > MAX_ADDRESS:
                raise PulseError("pulse.error_address", address=address)
            if people.get(address, department) != department:
                raise PulseError("pulse.error_twice", address=address)
            people[address] = department
    counts = {department: sum(1 for d in people.values() if d == department) for department in invitations}
    counts = {department: count for department, count in counts.items() if count}
    if len(counts) < 1:
        raise PulseError("pulse.error_nobody")
    # A department of one or two would be identified by its department alone: its answers
    # could never be shown, and in the database its department would name them.
    for department, count in sorted(counts.items()):
        if count < ABSOLUTE_MIN_GROUP:
            raise PulseError("pulse.error_too_few", department=department, minimum=ABSOLUTE_MIN_GROUP)
    with engine.begin() as conn:
        taken = conn.scalar(select(func.count()).select_from(PulseWave).where(PulseWave.code == code)) or 0
        taken += conn.scalar(select(func.count()).select_from(SurveyWave).where(SurveyWave.code == code)) or 0
        if taken:
            raise PulseError("pulse.error_code_taken", code=code)
        department_ids = dict(
            conn.execute(select(Department.code, Department.id).where(Department.code.in_(counts))).all()
        )
        if set(department_ids) != set(counts):
            raise PulseError("pulse.error_department")
        item_rows = conn.execute(
            select(SurveyItem.code, SurveyItem.id, SurveyItem.rated_department_id).where(
                SurveyItem.code.in_(codes)
            )
        ).all()
        item_ids = {row.code: row.id for row in item_rows}
        if set(item_ids) != set(codes):
            raise PulseError("pulse.error_items", limit=MAX_ITEMS)
        rated = {row.rated_department_id for row in item_rows}
        for department, department_id in sorted(department_ids.items()):
            if not rated - {department_id}:  # nothing about another department to answer
                raise PulseError("pulse.error_no_items_for", department=department)
        wave_id = conn.execute(
            insert(PulseWave)
            .values(
                code=code,
                name=name,
                opens_on=opens_on,
                closes_on=closes_on,
                reminder=reminder.strip(),
                status="open",
                answer_secret=secrets.token_hex(32),
                created_by=user.name,
            )
            .returning(PulseWave.id)
        ).scalar_one()
        conn.execute(
            insert(PulseWaveDepartment),
            [
                {"pulse_wave_id": wave_id, "department_id": department_ids[d], "invited_count": n}
                for d, n in sorted(counts.items())
            ],
        )
        conn.execute(
            insert(PulseWaveItem), [{"pulse_wave_id": wave_id, "item_id": item_ids[c]} for c in codes]
        )
        conn.execute(
            insert(PulseParticipant),
            [
                {"pulse_wave_id": wave_id, "email": a, "department_id": department_ids[d], "answered": False}
                for a, d in sorted(people.items())
            ],
        )
        record_change(
            conn,
            user_name=user.name,
            entity=WAVE_ENTITY,
            entity_id=wave_id,
            action="open",
            new={
                "code": code,
                "name": name,
                "opens_on": opens_on,
                "closes_on": closes_on,
                "items": codes,
                "invited": counts,
            },
        )
    return int(wave_id)


def _purge_after_close(engine: Engine) -> None:
    """Best effort after a close: PostgreSQL drops the dead row versions of the pending answers
    and the register (VACUUM); SQLite moves its write-ahead log into the file and empties it.
    Copies outside the database (backups, PostgreSQL's WAL archive) are the operator's part."""
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("VACUUM pulse_pending_answer, pulse_pending_comment, pulse_participant")
            elif conn.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    except SQLAlchemyError as exc:  # the close itself is committed; say so in the server log
        logger.warning("pulse: purging the closed wave's pending rows failed: %s", type(exc).__name__)


def close_pulse_wave(*, engine: Engine, user: User, wave_id: int, rng: random.Random | None = None) -> int:
    """Close an open wave: it becomes an ordinary survey wave and its results open.

    In one transaction: a survey_wave (fielded on the wave's first day) with the invited
    counts; every pending answer and comment copied under a fresh random reference, people in
    shuffled order (comments under references of their own); the pending rows, the register
    and the wave secret deleted. Raises NotAllowed without RUN_PULSE, PulseError when the wave
    is not open or its code is taken by a survey wave. Returns the survey wave id.
    """
    check_allowed(user, RUN_PULSE)
    shuffle = (rng or secrets.SystemRandom()).shuffle
    with engine.begin() as conn:
        wave = conn.execute(
            select(PulseWave.code, PulseWave.name, PulseWave.opens_on, PulseWave.status)
            .where(PulseWave.id == wave_id)
            .with_for_update()
        ).one_or_none()
        if wave is None or wave.status != "open":
            raise PulseError("pulse.error_not_open")
        if conn.scalar(select(func.count()).select_from(SurveyWave).where(SurveyWave.code == wave.code)):
            raise PulseError("pulse.error_code_taken", code=wave.code)
        survey_wave_id = conn.execute(
            insert(SurveyWave)
            .values(code=wave.code, name=wave.name, fielded_on=wave.opens_on)
            .returning(SurveyWave.id)
        ).scalar_one()
        invited = conn.execute(
            select(PulseWaveDepartment.department_id, PulseWaveDepartment.invited_count).where(
                PulseWaveDepartment.pulse_wave_id == wave_id
            )
        ).all()
        conn.execute(
            insert(SurveyInvitation),
            [{"wave_id": survey_wave_id, "department_id": d, "invited_count": n} for d, n in invited],
        )
        answers: dict[str, list[tuple[int, int, int]]] = {}
        for key, department_id, item_id, score in conn.execute(
            select(
                PulsePendingAnswer.answer_key,
                PulsePendingAnswer.department_id,
                PulsePendingAnswer.item_id,
                PulsePendingAnswer.score,
            ).where(PulsePendingAnswer.pulse_wave_id == wave_id)
        ):
            answers.setdefault(key, []).append((department_id, item_id, score))
        people = sorted(answers)
        shuffle(people)
        response_rows = []
        for key in people:
            ref = secrets.token_hex(16)
            response_rows += [
                {
                    "wave_id": survey_wave_id,
                    "respondent_ref": ref,
                    "department_id": d,
                    "item_id": i,
                    "score": s,
                }
                for d, i, s in sorted(answers[key], key=lambda a: a[1])
            ]
        if response_rows:
            conn.execute(insert(SurveyResponse), response_rows)
        comments = [
            (department_id, text)
            for department_id, text in conn.execute(
                select(PulsePendingComment.department_id, PulsePendingComment.text).where(
                    PulsePendingComment.pulse_wave_id == wave_id
                )
            )
        ]
        shuffle(comments)
        if comments:
            conn.execute(
                insert(SurveyComment),
                [
                    {
                        "wave_id": survey_wave_id,
                        "respondent_ref": secrets.token_hex(16),
                        "department_id": d,
                        "dimension": None,
                        "text": text,
                    }
                    for d, text in comments
                ],
            )
        overwrite_deleted_rows(conn)
        for table in (PulsePendingAnswer, PulsePendingComment, PulseParticipant):
            conn.execute(delete(table).where(table.pulse_wave_id == wave_id))
        conn.execute(
            update(PulseWave)
            .where(PulseWave.id == wave_id)
            .values(status="closed", answer_secret=None, survey_wave_id=survey_wave_id)
        )
        record_change(
            conn,
            user_name=user.name,
            entity=WAVE_ENTITY,
            entity_id=wave_id,
            action="close",
            new={"survey_wave": wave.code, "respondents": len(people), "comments": len(comments)},
        )
        bump_data_version(conn)
    _purge_after_close(engine)
    return int(survey_wave_id)
