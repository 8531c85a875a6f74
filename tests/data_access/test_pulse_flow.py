"""A closed pulse wave flows everywhere an imported wave does (issue 21.4): the Overview's
trust tile (and so the meeting pack, built from the same single view) reads it as the latest
wave, and a sharp fall in it is an exception; while it is open it counts nowhere."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select

from data_access.models import SurveyWave
from data_access.pulse import close_pulse_wave, open_pulse_wave, submit_pulse_answers
from domain.filters import Filters
from services.single_view import compute_single_view
from tests.pulse_fixtures import CIO, respondent

MARKETING = [f"m{n}@example.com" for n in range(8)]
IT = [f"i{n}@example.com" for n in range(6)]
ITEMS = ["ABI-IT-1", "BEN-IT-1", "INT-IT-1", "ABI-MKT-1", "BEN-MKT-1", "INT-MKT-1"]


def _month_after_the_last_wave(engine: Engine) -> dt.date:
    with engine.connect() as conn:
        last = conn.scalar(select(func.max(SurveyWave.fielded_on)))
    return (last.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def test_a_closed_pulse_is_the_latest_wave_of_the_tiles_and_its_fall_an_exception(demo_copy: Engine) -> None:
    engine = demo_copy
    opens = _month_after_the_last_wave(engine)
    filters = Filters.year_to_date(opens)
    before = compute_single_view(engine=engine, filters=filters, min_group=5)
    wave = open_pulse_wave(
        engine=engine,
        user=CIO,
        code="PULSE-F",
        name="Pulse flow",
        opens_on=opens,
        closes_on=opens + dt.timedelta(days=10),
        reminder="",
        item_codes=ITEMS,
        invitations={"MKT": MARKETING, "IT": IT},
    )
    for person in MARKETING + IT:
        items = ITEMS[:3] if person in MARKETING else ITEMS[3:]
        submit_pulse_answers(
            engine=engine,
            user=respondent(person),
            wave_id=wave,
            scores=dict.fromkeys(items, 1),
            comment=None,
            today=opens,
        )
    open_view = compute_single_view(engine=engine, filters=filters, min_group=5)
    assert open_view.tile("trust_index").detail == before.tile("trust_index").detail  # nothing yet

    close_pulse_wave(engine=engine, user=CIO, wave_id=wave)
    after = compute_single_view(engine=engine, filters=filters, min_group=5)
    tile = after.tile("trust_index")
    assert tile.detail == ("single.detail.trust", {"wave": "PULSE-F", "respondents": 14})
    assert tile.value.value == 0.0  # every answer 1: (1 − 1) / 4 × 100

    # The demo's own waves have smaller drops; the pulse's fall to 0 is a new, far larger one.
    def steep_drops(view) -> list:
        return [i for i in view.exceptions if i.kind == "trust_drop" and float(i.values["change"]) < -40]

    assert steep_drops(after) and not steep_drops(before) and not steep_drops(open_view)
