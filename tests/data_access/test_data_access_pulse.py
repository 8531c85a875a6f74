"""Pulse waves on SQLite and PostgreSQL: open, answer (and change), rate limit, close, and the
rights and refusals of each step."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import Engine, func, select

from access.roles import NotAllowed, User
from data_access.audit import load_audit_trail
from data_access.models import (
    PulseParticipant,
    PulsePendingAnswer,
    PulsePendingComment,
    PulseWave,
    SurveyComment,
    SurveyResponse,
    SurveyWave,
)
from data_access.pulse import (
    MAX_SUBMISSIONS,
    PulseError,
    RateLimited,
    close_pulse_wave,
    load_invitations,
    load_not_answered,
    load_pulse_items,
    load_pulse_response_rates,
    submit_pulse_answers,
)
from data_access.survey import load_response_counts, load_waves
from domain.filters import Filters
from tests.pulse_fixtures import CIO, TODAY, insert_instrument, open_wave, respondent

MKT = ["m1@example.com", "M2@Example.com", "m3@example.com"]
IT = ["i1@example.com", "i2@example.com", "i3@example.com"]
ALL = sorted(a.lower() for a in IT + MKT)


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    insert_instrument(empty_engine)
    return empty_engine


def _count(engine: Engine, table) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(table))


def _answer(engine: Engine, wave: int, address: str, scores: dict[str, int], comment: str | None = None):
    submit_pulse_answers(
        engine=engine, user=respondent(address), wave_id=wave, scores=scores, comment=comment, today=TODAY
    )


def test_opening_keeps_invited_counts_and_audits_no_address(engine: Engine) -> None:
    wave = open_wave(engine, MKT, IT)
    rates = load_pulse_response_rates(engine=engine, wave_id=wave)
    assert rates.to_dict("records") == [
        {"department": "IT", "invited": 3, "answered": 0},
        {"department": "MKT", "invited": 3, "answered": 0},
    ]
    assert load_not_answered(engine=engine, wave_id=wave) == ALL
    trail = load_audit_trail(engine=engine, entity="pulse_wave")
    assert list(trail["action"]) == ["open"] and list(trail["user_name"]) == [CIO.name]
    assert json.loads(trail["new_values"][0])["invited"] == {"IT": 3, "MKT": 3}
    assert "example.com" not in trail["new_values"][0]


@pytest.mark.parametrize("role", ["viewer", "editor", "respondent"])
def test_only_cio_cmo_and_admin_open_a_wave(engine: Engine, role: str) -> None:
    from data_access.pulse import open_pulse_wave

    with pytest.raises(NotAllowed):
        open_pulse_wave(
            engine=engine,
            user=User(name="x@example.com", email="x@example.com", role=role),
            code="P9",
            name="x",
            opens_on=TODAY,
            closes_on=TODAY,
            reminder="",
            item_codes=["M1"],
            invitations={"MKT": ["a@example.com"]},
        )
    assert _count(engine, PulseWave) == 0


@pytest.mark.parametrize(
    ("marketing", "it", "key"),
    [
        (["not an address"], [], "pulse.error_address"),
        (["same@example.com"], ["same@example.com"], "pulse.error_twice"),
        ([], [], "pulse.error_nobody"),
        (
            ["a@example.com", "b@example.com"],
            ["c@example.com", "d@example.com", "e@example.com"],
            "pulse.error_too_few",
        ),
    ],
)
def test_bad_invitations_are_refused_and_nothing_is_written(engine, marketing, it, key) -> None:
    with pytest.raises(PulseError) as refused:
        open_wave(engine, marketing, it)
    assert refused.value.key == key
    assert _count(engine, PulseWave) == 0 and _count(engine, PulseParticipant) == 0


def test_every_invited_department_gets_an_item_about_another(engine: Engine) -> None:
    from data_access.pulse import open_pulse_wave

    with pytest.raises(PulseError) as refused:
        open_pulse_wave(
            engine=engine,
            user=CIO,
            code="P2",
            name="Only about IT",
            opens_on=TODAY,
            closes_on=TODAY,
            reminder="",
            item_codes=["M1", "M2"],  # both about IT: IT would have nothing to answer
            invitations={"MKT": MKT, "IT": IT},
        )
    assert (refused.value.key, refused.value.params) == ("pulse.error_no_items_for", {"department": "IT"})
    assert _count(engine, PulseWave) == 0


def test_a_code_can_be_used_once(engine: Engine) -> None:
    open_wave(engine, MKT, IT)
    with pytest.raises(PulseError) as refused:
        open_wave(engine, MKT, IT)
    assert refused.value.key == "pulse.error_code_taken" and _count(engine, PulseWave) == 1


def test_a_respondent_sees_only_items_about_the_other_department(engine: Engine) -> None:
    wave = open_wave(engine, MKT, IT)
    [invitation] = load_invitations(engine=engine, email="M2@example.com", today=TODAY)
    assert (invitation.wave_id, invitation.department, invitation.answered) == (wave, "MKT", False)
    items = load_pulse_items(engine=engine, wave_id=wave, department="MKT")
    assert list(items["code"]) == ["M1", "M2", "M3"] and set(items["rated_department"]) == {"IT"}
    assert load_invitations(engine=engine, email="stranger@example.com", today=TODAY) == []
    assert load_invitations(engine=engine, email="m1@example.com", today=dt.date(2026, 12, 1)) == []


def test_an_answer_replaces_the_earlier_one_and_marks_the_register(engine: Engine) -> None:
    wave = open_wave(engine, MKT, IT)
    _answer(engine, wave, "m1@example.com", {"M1": 2, "M2": 3}, "first")
    _answer(engine, wave, "m1@example.com", {"M1": 5}, "second")
    with engine.connect() as conn:
        pending = conn.execute(select(PulsePendingAnswer.score)).scalars().all()
        comments = conn.execute(select(PulsePendingComment.text)).scalars().all()
    assert pending == [5] and comments == ["second"]
    assert load_not_answered(engine=engine, wave_id=wave) == [a for a in ALL if a != "m1@example.com"]
    rates = load_pulse_response_rates(engine=engine, wave_id=wave).set_index("department")
    assert rates.loc["MKT", "answered"] == 1 and rates.loc["IT", "answered"] == 0
    trail = load_audit_trail(engine=engine, entity="pulse_answer")
    assert list(trail["user_name"]) == ["m1@example.com"] * 2
    assert trail["old_values"].isna().all() and trail["new_values"].isna().all()


@pytest.mark.parametrize(
    ("address", "scores", "today", "key"),
    [
        ("m1@example.com", {"I1": 3}, TODAY, "pulse.error_scores"),  # an item about one's own department
        ("m1@example.com", {"M1": 6}, TODAY, "pulse.error_scores"),
        ("m1@example.com", {"M1": 0}, TODAY, "pulse.error_scores"),
        ("m1@example.com", {}, TODAY, "pulse.error_scores"),
        ("stranger@example.com", {"M1": 3}, TODAY, "pulse.error_not_invited"),
        ("m1@example.com", {"M1": 3}, dt.date(2026, 11, 1), "pulse.error_not_invited"),
        ("m1@example.com", {"M1": 3}, dt.date(2026, 11, 21), "pulse.error_not_invited"),
    ],
)
def test_invalid_answers_are_refused_and_nothing_is_written(engine, address, scores, today, key) -> None:
    wave = open_wave(engine, MKT, IT)
    with pytest.raises(PulseError) as refused:
        submit_pulse_answers(
            engine=engine, user=respondent(address), wave_id=wave, scores=scores, comment=None, today=today
        )
    assert refused.value.key == key
    assert _count(engine, PulsePendingAnswer) == 0
    assert load_not_answered(engine=engine, wave_id=wave) == ALL


def test_only_respondents_answer(engine: Engine) -> None:
    wave = open_wave(engine, MKT, IT)
    with pytest.raises(NotAllowed):
        submit_pulse_answers(
            engine=engine,
            user=User(name="m1@example.com", email="m1@example.com", role="viewer"),
            wave_id=wave,
            scores={"M1": 3},
            comment=None,
            today=TODAY,
        )
    assert _count(engine, PulsePendingAnswer) == 0


def test_submissions_are_rate_limited_per_person(engine: Engine) -> None:
    wave = open_wave(engine, MKT, IT)
    for score in range(MAX_SUBMISSIONS):
        _answer(engine, wave, "m1@example.com", {"M1": score % 5 + 1})
    with pytest.raises(RateLimited):
        _answer(engine, wave, "m1@example.com", {"M1": 1})
    _answer(engine, wave, "m2@example.com", {"M1": 1})  # another person is not held back
    with engine.connect() as conn:
        scores = sorted(conn.execute(select(PulsePendingAnswer.score)).scalars())
    assert scores == [1, MAX_SUBMISSIONS % 5 or 5]


def test_results_open_only_when_the_wave_closes(engine: Engine) -> None:
    wave = open_wave(engine, MKT, IT)
    _answer(engine, wave, "m1@example.com", {"M1": 4, "M2": 2}, "Good work")
    _answer(engine, wave, "m2@example.com", {"M1": 3})
    _answer(engine, wave, "i1@example.com", {"I3": 1})
    filters = Filters.year_to_date(dt.date(2026, 12, 1))
    assert load_waves(engine=engine, filters=filters).empty

    survey_wave = close_pulse_wave(engine=engine, user=CIO, wave_id=wave)
    waves = load_waves(engine=engine, filters=filters)
    assert list(waves["code"]) == ["P1"] and list(waves["id"]) == [survey_wave]
    counts = load_response_counts(engine=engine, filters=filters, wave_ids=[survey_wave]).set_index(
        "department"
    )
    assert counts.loc["MKT", "invited"] == 3 and counts.loc["MKT", "respondents"] == 2
    assert counts.loc["IT", "invited"] == 3 and counts.loc["IT", "respondents"] == 1
    with engine.connect() as conn:
        assert sorted(conn.execute(select(SurveyResponse.score)).scalars()) == [1, 2, 3, 4]
        assert conn.execute(select(SurveyComment.text)).scalars().all() == ["Good work"]
        assert conn.scalar(select(PulseWave.answer_secret)) is None
        assert conn.scalar(select(PulseWave.survey_wave_id)) == survey_wave
    for table in (PulsePendingAnswer, PulsePendingComment, PulseParticipant):
        assert _count(engine, table) == 0
    rates = load_pulse_response_rates(engine=engine, wave_id=wave).set_index("department")
    assert rates.loc["MKT", "answered"] == 2 and rates.loc["IT", "answered"] == 1
    with pytest.raises(PulseError):
        _answer(engine, wave, "m1@example.com", {"M1": 1})
    with pytest.raises(PulseError):
        close_pulse_wave(engine=engine, user=CIO, wave_id=wave)
    assert _count(engine, SurveyWave) == 1


def test_only_cio_cmo_and_admin_close_a_wave(engine: Engine) -> None:
    wave = open_wave(engine, MKT, IT)
    with pytest.raises(NotAllowed):
        close_pulse_wave(
            engine=engine, user=User(name="e", email="e@example.com", role="editor"), wave_id=wave
        )
    assert _count(engine, SurveyWave) == 0


PULSE_TABLES = {
    "pulse_wave",
    "pulse_wave_department",
    "pulse_wave_item",
    "pulse_participant",
    "pulse_pending_answer",
    "pulse_pending_comment",
}


def test_migration_0020_creates_and_drops_the_pulse_tables(empty_engine: Engine) -> None:
    from alembic import command
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    from data_access.engine import _alembic_config

    assert set(inspect(empty_engine).get_table_names()) >= PULSE_TABLES
    config = _alembic_config()
    parent = ScriptDirectory.from_config(config).get_revision("0020").down_revision  # re-chained at merge
    with empty_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, str(parent))
    assert not PULSE_TABLES & set(inspect(empty_engine).get_table_names())
    with empty_engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    assert set(inspect(empty_engine).get_table_names()) >= PULSE_TABLES
