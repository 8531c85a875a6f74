"""No path from a person to a pulse answer (issue 21), on SQLite and PostgreSQL.

The schema, read back from the migrated database: the answer tables hold no person, no time
and no sequence a person's record shares; their foreign keys lead only to whole groups (a
wave, a department, an item); no table refers to them; the answer key and the respondent
reference exist only in them. Then a wave with 12 people: while it is open, no row of any
table, no audit or import log row and no log line holds a person beside an answer key or an
answer; after it closes the answer keys and the wave secret are gone, the new references are
unrelated to the keys and the answers are stored in shuffled order.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re

import pytest
from sqlalchemy import Date, DateTime, Engine, MetaData, Time, inspect, select, text

from data_access.models import PulseWave
from data_access.pulse import PulseError, answer_key, close_pulse_wave, submit_pulse_answers
from tests.pulse_fixtures import CIO, IT_ITEMS, MKT_ITEMS, TODAY, insert_instrument, open_wave, respondent

ANSWER_TABLES = {
    "pulse_pending_answer": {"pulse_wave_id", "answer_key", "item_id", "department_id", "score"},
    "pulse_pending_comment": {"pulse_wave_id", "answer_key", "department_id", "text"},
    "survey_response": {"id", "wave_id", "respondent_ref", "department_id", "item_id", "score"},
    "survey_comment": {"id", "wave_id", "respondent_ref", "department_id", "dimension", "text"},
}
# Joining through these joins a whole wave, department, item or dimension, never one person.
GROUP_TABLES = {"pulse_wave", "survey_wave", "department", "survey_item", "survey_dimensions"}
PERSON_COLUMN = re.compile(r"email|user|_by$|author|person|^sub$|owner")
ANSWER_COLUMNS = {"answer_key", "respondent_ref"}

MARKETING = [f"mkt{n}@example.com" for n in range(7)]
IT = [f"it{n}@example.com" for n in range(5)]


def _person_tables(engine: Engine) -> set[str]:
    schema = inspect(engine)
    return {
        table
        for table in schema.get_table_names()
        if any(PERSON_COLUMN.search(column["name"]) for column in schema.get_columns(table))
    }


def test_answer_tables_hold_no_person_no_time_and_only_their_known_columns(empty_engine: Engine) -> None:
    schema = inspect(empty_engine)
    for table, expected in ANSWER_TABLES.items():
        columns = schema.get_columns(table)
        assert {column["name"] for column in columns} == expected, f"{table}: a new column needs a review"
        assert not [c["name"] for c in columns if PERSON_COLUMN.search(c["name"])], table
        assert not [c["name"] for c in columns if isinstance(c["type"], Date | DateTime | Time)], table
    # The register for reminders: a yes/no per person, no time, nothing of an answer.
    register = {c["name"]: c for c in schema.get_columns("pulse_participant")}
    assert set(register) == {"pulse_wave_id", "email", "department_id", "answered"}
    assert not [n for n, c in register.items() if isinstance(c["type"], Date | DateTime | Time)]


def test_no_foreign_key_leads_from_an_answer_to_anything_but_a_whole_group(empty_engine: Engine) -> None:
    schema = inspect(empty_engine)
    persons = _person_tables(empty_engine)
    assert {"pulse_participant", "audit_log", "import_log", "pulse_wave"} <= persons, persons
    for table in ANSWER_TABLES:
        referred = {fk["referred_table"] for fk in schema.get_foreign_keys(table)}
        assert referred <= GROUP_TABLES, f"{table} refers to {referred - GROUP_TABLES}"
        assert not referred & persons - {"pulse_wave"}
    for table in schema.get_table_names():
        into_answers = {fk["referred_table"] for fk in schema.get_foreign_keys(table)} & set(ANSWER_TABLES)
        assert not into_answers, f"{table} refers to the answers in {into_answers}"
        if table not in ANSWER_TABLES:
            names = {c["name"] for c in schema.get_columns(table)}
            assert not names & ANSWER_COLUMNS, f"{table} holds an answer reference"
    # The wave row that names its creator holds no answer and, once closed, no secret.
    wave_columns = {c["name"] for c in schema.get_columns("pulse_wave")}
    assert not wave_columns & {"score", "text", *ANSWER_COLUMNS}


def test_sqlite_keeps_no_row_order_for_answers_or_the_register(tmp_path) -> None:
    from data_access.engine import create_db_engine, upgrade_schema

    engine = create_db_engine(f"sqlite:///{tmp_path / 'a.db'}")
    upgrade_schema(engine)
    with engine.connect() as conn:
        for table in ("pulse_pending_answer", "pulse_pending_comment", "pulse_participant"):
            sql = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = :n"), {"n": table}
            ).scalar_one()
            assert "WITHOUT ROWID" in sql.upper(), table
    engine.dispose()


def _rows(engine: Engine) -> dict[str, list[str]]:
    """Every row of every table in the database, each as one text."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        return {
            name: [" | ".join(str(v) for v in row) for row in conn.execute(select(table))]
            for name, table in metadata.tables.items()
        }


def _signature(n: int) -> tuple[int, int, int]:
    """Twelve distinct answers (scores 1–5 on three items)."""
    return (n % 5 + 1, n // 5 % 5 + 1, (n * 2) % 5 + 1)


def test_a_wave_of_twelve_leaves_no_path_from_a_person_to_an_answer(
    empty_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    engine = empty_engine
    insert_instrument(engine)
    wave = open_wave(engine, MARKETING, IT)
    people = MARKETING + IT
    comments = {person: f"comment-{n}-zq" for n, person in enumerate(people)}
    caplog.set_level(logging.DEBUG)
    for n, person in enumerate(people):
        items = MKT_ITEMS if person in MARKETING else IT_ITEMS
        submit_pulse_answers(
            engine=engine,
            user=respondent(person),
            wave_id=wave,
            scores=dict(zip(items, _signature(n), strict=True)),
            comment=comments[person],
            today=TODAY,
        )
    with engine.connect() as conn:
        secret = conn.scalar(select(PulseWave.answer_secret).where(PulseWave.id == wave))
    keys = {person: answer_key(secret, person) for person in people}
    # The key is not something one can compute from the address alone.
    for person, key in keys.items():
        assert key not in {
            hashlib.sha256(person.encode()).hexdigest(),
            hashlib.md5(person.encode()).hexdigest(),  # noqa: S324 - what a guesser would try
            person,
        }

    # While open: no row anywhere holds a person beside an answer key or a comment.
    rows = _rows(engine)
    for table, texts in rows.items():
        for row in texts:
            if any(person in row for person in people):
                assert not any(key in row for key in keys.values()), f"{table}: {row}"
                assert not any(comment in row for comment in comments.values()), f"{table}: {row}"
    logs = "\n".join(rows["audit_log"] + rows["import_log"])
    assert not any(key in logs for key in keys.values()) and "zq" not in logs
    assert "score" not in logs
    lines = "\n".join(record.getMessage() for record in caplog.records)
    assert not any(key in lines for key in keys.values()) and "zq" not in lines

    # A refused submission says nothing about the answer either.
    with pytest.raises(PulseError) as refused:
        submit_pulse_answers(
            engine=engine,
            user=respondent(MARKETING[0]),
            wave_id=wave,
            scores={"I1": 4},
            comment="refused-zq",
            today=TODAY,
        )
    assert "zq" not in str(refused.value) and refused.value.params == {}

    # Close with a known shuffle: the answers land in that order, not in the order given.
    close_pulse_wave(engine=engine, user=CIO, wave_id=wave, rng=random.Random(5))
    # The purge after the close (VACUUM on PostgreSQL, a checkpoint on SQLite) did not fail.
    assert not [r.getMessage() for r in caplog.records if r.name == "data_access.pulse"]
    expected = sorted(keys.values())
    random.Random(5).shuffle(expected)
    by_key = {keys[person]: _signature(n) for n, person in enumerate(people)}
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT respondent_ref, score FROM survey_response ORDER BY id")).all()
        secret_after = conn.scalar(select(PulseWave.answer_secret).where(PulseWave.id == wave))
    order: list[str] = []
    scores: dict[str, list[int]] = {}
    for ref, score in stored:
        if ref not in scores:
            order.append(ref)
        scores.setdefault(ref, []).append(score)
    assert [tuple(scores[ref]) for ref in order] == [by_key[key] for key in expected]
    assert [tuple(scores[ref]) for ref in order] != [_signature(n) for n in range(len(people))]
    assert secret_after is None

    rows = _rows(engine)
    everything = "\n".join(row for texts in rows.values() for row in texts)
    assert not any(key in everything for key in keys.values()), "an answer key outlived the wave"
    # Who answered stays only in the audit trail (that they answered, never what).
    outside_audit = "\n".join(row for table, texts in rows.items() if table != "audit_log" for row in texts)
    assert not any(person in outside_audit for person in people), "the register outlived the wave"
    audit = [row for row in rows["audit_log"] if any(person in row for person in people)]
    assert len(audit) == len(people) and all("pulse_answer" in row and "submit" in row for row in audit)
    assert not any(ref in row for row in audit for ref in order)
    assert not set(order) & set(keys.values())
    assert all(comment in everything for comment in comments.values())  # the comments were kept


def test_sqlite_leaves_no_answer_key_in_its_files_after_closing(tmp_path) -> None:
    """After the close the write-ahead log is emptied into the file (where deleted answers are
    overwritten, secure_delete): the bytes of the database files hold no answer key any more.
    (Without the checkpoint this test fails; secure_delete is defence in depth it does not
    separate out.)"""
    from pathlib import Path

    from data_access.engine import create_db_engine, upgrade_schema

    path = tmp_path / "pulse.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    insert_instrument(engine)
    wave = open_wave(engine, MARKETING, IT)
    for n, person in enumerate(MARKETING):
        for scores in ({"M1": 1}, {"M1": _signature(n)[0], "M2": 2}):  # answered, then changed
            submit_pulse_answers(
                engine=engine, user=respondent(person), wave_id=wave, scores=scores, comment="x", today=TODAY
            )
    with engine.connect() as conn:
        secret = conn.scalar(select(PulseWave.answer_secret))
    keys = [answer_key(secret, person).encode() for person in MARKETING]
    files = [Path(f"{path}{suffix}") for suffix in ("", "-wal")]
    assert any(key in b"".join(f.read_bytes() for f in files if f.exists()) for key in keys), "test is blind"

    close_pulse_wave(engine=engine, user=CIO, wave_id=wave)
    # Read while the app's connections are still open (closing the last one would checkpoint).
    raw = b"".join(f.read_bytes() for f in files if f.exists())
    engine.dispose()
    assert not any(key in raw for key in keys)
    assert secret.encode() not in raw
