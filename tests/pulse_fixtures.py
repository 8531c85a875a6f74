"""A tiny instrument and a pulse wave for the pulse tests: departments MKT and IT, items
M1–M3 about IT (answered by MKT) and I1–I3 about MKT (answered by IT)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert

from access.roles import User
from data_access.models import Department, SurveyItem
from data_access.pulse import open_pulse_wave

OPENS = dt.date(2026, 11, 2)
CLOSES = dt.date(2026, 11, 20)
TODAY = dt.date(2026, 11, 10)
CIO = User(name="ciara@example.com", email="ciara@example.com", role="cio")
MKT_ITEMS = ("M1", "M2", "M3")  # about IT, for marketing
IT_ITEMS = ("I1", "I2", "I3")  # about marketing, for IT


def respondent(address: str) -> User:
    return User(name=address, email=address, role="respondent")


def insert_instrument(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            insert(Department),
            [
                {"id": 1, "code": "MKT", "name_nl": "Marketing", "name_en": "Marketing"},
                {"id": 2, "code": "IT", "name_nl": "IT", "name_en": "IT"},
            ],
        )
        conn.execute(
            insert(SurveyItem),
            [
                {
                    "code": code,
                    "text_nl": f"Vraag {code}",
                    "text_en": f"Question {code}",
                    "dimension": dimension,
                    "rated_department_id": rated,
                    "reverse_coded": False,
                }
                for codes, rated in ((MKT_ITEMS, 2), (IT_ITEMS, 1))
                for code, dimension in zip(codes, ("ability", "benevolence", "integrity"), strict=True)
            ],
        )


def open_wave(engine: Engine, marketing: list[str], it: list[str], *, code: str = "P1") -> int:
    return open_pulse_wave(
        engine=engine,
        user=CIO,
        code=code,
        name=f"Pulse {code}",
        opens_on=OPENS,
        closes_on=CLOSES,
        reminder="Please answer",
        item_codes=[*MKT_ITEMS, *IT_ITEMS],
        invitations={"MKT": marketing, "IT": it},
    )
