"""Trust pulse waves run from the app (issue 21): open, answer, close.

Anonymity by construction:
- who has answered lives in pulse_participant (person, wave, department, yes/no), for
  reminders only, without a timestamp;
- what was answered lives in pulse_pending_answer/-comment under an answer key
  HMAC-SHA256(wave secret, person), so a person can change their answer while the wave is
  open, but no column holds the person;
- closing copies the answers to survey_response/survey_comment under fresh random
  references, in shuffled order, then deletes the pending rows and the register and sets the
  wave secret to NULL: from then on nothing can recompute which key was whose;
- the audit trail records that someone answered (who, which wave), never what;
- a wave is not a survey wave while open, so its results appear nowhere until it closes;
  after that the Trust page, tiles, exceptions and the pack treat it as any imported wave
  (with the confidentiality gate of kpis.confidentiality).

Every write checks the user's right first (access.roles) and is audited in its transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import random
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from access.roles import RESPOND, RUN_PULSE, User, check_allowed, is_email_address
from data_access.audit import record_change
from data_access.engine import bump_data_version
from data_access.models import (
    AuditLog,
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
from kpis.confidentiality import ABSOLUTE_MIN_GROUP

MAX_ITEMS = 12  # a pulse is short
MAX_COMMENT = 2000
MAX_CODE = 40
MAX_NAME = 100
MAX_ADDRESS = 254  # pulse_participant.email
# Submissions per person within RATE_WINDOW (counted in the audit trail, so across processes).
MAX_SUBMISSIONS = 5
RATE_WINDOW = dt.timedelta(minutes=10)
ANSWER_ENTITY = "pulse_answer"
WAVE_ENTITY = "pulse_wave"

logger = logging.getLogger(__name__)


class PulseError(ValueError):
    """A pulse action refused; `key` is an i18n key, `params` its placeholders (never an answer)."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


class RateLimited(PulseError):
    """Too many submissions by one person in a short time."""


@dataclass(frozen=True)
class PulseInvitation:
    """An open wave a person is invited to, with their department and whether they answered."""

    wave_id: int
    code: str
    name: str
    opens_on: dt.date
    closes_on: dt.date
    department: str
    answered: bool


def normalise_email(address: str) -> str:
    return address.strip().lower()


def answer_key(secret_hex: str, email: str) -> str:
    """HMAC-SHA256 of the person's address under the wave's secret: the same key each time the
    person answers (so a new answer replaces the old), unrecoverable once the secret is gone."""
    return hmac.new(bytes.fromhex(secret_hex), normalise_email(email).encode(), hashlib.sha256).hexdigest()


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


def _overwrite_deleted_rows(conn: Connection) -> None:
    """SQLite: deleted answers are overwritten with zeros in the file, not left in free pages."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")


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
        _overwrite_deleted_rows(conn)
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
        _overwrite_deleted_rows(conn)
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
