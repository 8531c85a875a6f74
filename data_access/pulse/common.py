"""What the pulse modules share: limits, errors, the invitation a respondent sees, and the
answer key (HMAC-SHA256 of the wave secret and the normalised address)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
from dataclasses import dataclass

from sqlalchemy import Connection

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


logger = logging.getLogger("data_access.pulse")  # the name it logged under as one module


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


def overwrite_deleted_rows(conn: Connection) -> None:
    """SQLite: deleted answers are overwritten with zeros in the file, not left in free pages."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")
