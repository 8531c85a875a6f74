"""The pulse pages under AppTest: the CIO opens and closes a wave on the Trust pulse page; a
respondent sees only the questionnaire (no filters, no other page), answers, may change it,
and never sees an answer back; the closed wave is on the Trust page."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from data_access.engine import create_db_engine
from data_access.models import PulsePendingAnswer, PulsePendingComment, PulseWave
from data_access.pulse import load_not_answered, load_pulse_waves
from data_access.survey import load_waves
from domain.filters import Filters
from domain.months import last_closed_month
from i18n import translate
from i18n.format import format_month
from tests.apptest_helpers import open_app
from tests.auth_fixtures import PEOPLE, auth_secrets, signed_in

MKT_PEOPLE = ["rik@example.com", "m2@example.com", "m3@example.com"]
IT_PEOPLE = ["i1@example.com", "i2@example.com", "i3@example.com"]
ITEMS = ["ABI-IT-1", "BEN-IT-1", "ABI-MKT-1"]


@pytest.fixture
def fresh_url(tmp_path) -> str:
    from data_access.demo import seed_demo
    from data_access.engine import upgrade_schema

    url = f"sqlite:///{tmp_path / 'pulse.db'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    seed_demo(engine)
    engine.dispose()
    return url


def _window() -> tuple[dt.date, dt.date]:
    today = dt.date.today()
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1), today + dt.timedelta(days=7)


def _as(monkeypatch, url, role, *, page=None, claims=None):
    return open_app(
        monkeypatch, url, secrets=auth_secrets(), user=signed_in(claims or PEOPLE[role]), page=page
    )


def _open_wave_in_the_app(monkeypatch, url):
    at = _as(monkeypatch, url, "cio", page="views/pulse.py")
    at.text_input(key="pulse_code").set_value("PULSE-1")
    at.text_input(key="pulse_name").set_value("Pulse one")
    at.date_input(key="pulse_window").set_value(_window())
    at.multiselect(key="pulse_items").set_value(ITEMS)
    at.text_area(key="pulse_reminder").set_value("Please answer by Friday")
    at.text_area(key="pulse_invitees_MKT").set_value("\n".join(MKT_PEOPLE))
    at.text_area(key="pulse_invitees_IT").set_value(", ".join(IT_PEOPLE))
    next(b for b in at.button if b.label == translate("pulse.open", "nl")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at) -> str:
    parts = [e.value for e in (*at.markdown, *at.caption, *at.info, *at.success, *at.error, *at.text)]
    parts += [m.label + " " + m.value for m in at.metric]
    return "\n".join(str(p) for p in parts)


def test_the_cio_opens_a_wave_and_sees_the_live_response_rate(monkeypatch, fresh_url) -> None:
    at = _open_wave_in_the_app(monkeypatch, fresh_url)
    assert not at.error, _texts(at)
    assert translate("pulse.opened", "nl", name="Pulse one") in _texts(at)
    labels = {m.label: m.value for m in at.metric}
    assert labels == {"Respons IT": "0%", "Respons Marketing": "0%"}
    assert [m.delta for m in at.metric] == ["0 van 3 uitgenodigd"] * 2
    engine = create_db_engine(fresh_url)
    waves = load_pulse_waves(engine=engine)
    assert list(waves["code"]) == ["PULSE-1"] and list(waves["status"]) == ["open"]
    engine.dispose()


def test_a_bad_address_is_refused_with_its_reason(monkeypatch, fresh_url) -> None:
    at = _as(monkeypatch, fresh_url, "cio", page="views/pulse.py")
    at.text_input(key="pulse_code").set_value("PULSE-X")
    at.text_input(key="pulse_name").set_value("x")
    at.multiselect(key="pulse_items").set_value(ITEMS)
    at.text_area(key="pulse_invitees_MKT").set_value("not an address")
    next(b for b in at.button if b.label == translate("pulse.open", "nl")).click().run()
    assert [e.value for e in at.error] == [translate("pulse.error_address", "nl", address="not an address")]
    engine = create_db_engine(fresh_url)
    assert load_pulse_waves(engine=engine).empty
    engine.dispose()


def test_a_respondent_sees_only_the_questionnaire(monkeypatch, fresh_url) -> None:
    _open_wave_in_the_app(monkeypatch, fresh_url)
    at = _as(monkeypatch, fresh_url, "respondent")
    assert [title.value for title in at.title] == [translate("pulse_answer.title", "nl")]
    # Items about the other department only (Rik is in marketing): the two about IT.
    assert [r.label for r in at.radio if r.key and r.key.startswith("pulse_item_")] == [
        "IT heeft de kennis en kunde om onze gezamenlijke projecten te laten slagen.",
        "IT houdt rekening met onze belangen.",
    ]
    # No global filters, no metric, no table: nothing of the dashboard.
    assert not at.selectbox and not at.metric and not at.dataframe
    for other in ("views/overview.py", "views/trust.py", "views/pulse.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(other)


def test_answers_are_stored_without_the_person_and_can_be_replaced(monkeypatch, fresh_url) -> None:
    _open_wave_in_the_app(monkeypatch, fresh_url)
    at = _as(monkeypatch, fresh_url, "respondent")
    radios = [r for r in at.radio if r.key and r.key.startswith("pulse_item_")]
    radios[0].set_value(2)
    radios[1].set_value(5)
    at.text_area(key=next(t.key for t in at.text_area if t.key.startswith("pulse_comment_"))).set_value(
        "Slow"
    )
    next(b for b in at.button if b.label == translate("pulse_answer.submit", "nl")).click().run()
    assert not at.exception and not at.error, _texts(at)
    assert translate("pulse_answer.thanks", "nl") in _texts(at)
    assert translate("pulse_answer.answered_before", "nl") in _texts(at)
    # The page shows no answer back: every item is empty again.
    assert all(r.value is None for r in at.radio if r.key and r.key.startswith("pulse_item_"))

    radios = [r for r in at.radio if r.key and r.key.startswith("pulse_item_")]
    radios[0].set_value(4)
    next(b for b in at.button if b.label == translate("pulse_answer.submit", "nl")).click().run()
    assert not at.error, _texts(at)

    engine = create_db_engine(fresh_url)
    with engine.connect() as conn:
        assert conn.execute(select(PulsePendingAnswer.score)).scalars().all() == [4]
        assert conn.scalar(select(func.count()).select_from(PulsePendingComment)) == 0
    wave_id = int(load_pulse_waves(engine=engine)["id"][0])
    assert load_not_answered(engine=engine, wave_id=wave_id) == sorted(IT_PEOPLE + MKT_PEOPLE[1:])
    engine.dispose()


def test_an_unverified_address_does_not_open_an_invitation(monkeypatch, fresh_url) -> None:
    _open_wave_in_the_app(monkeypatch, fresh_url)
    impostor = PEOPLE["respondent"] | {"email_verified": False}  # the role, but an unverified address
    at = _as(monkeypatch, fresh_url, "respondent", claims=impostor)
    assert [i.value for i in at.info] == [translate("pulse_answer.none", "nl")]
    assert not [r for r in at.radio if (r.key or "").startswith("pulse_item_")]


def test_someone_not_invited_is_told_so(monkeypatch, fresh_url) -> None:
    _open_wave_in_the_app(monkeypatch, fresh_url)
    other = {"sub": "o", "email": "other@example.com", "name": "Other", "roles": ["alignment-respondent"]}
    at = _as(monkeypatch, fresh_url, "respondent", claims=other)
    assert [i.value for i in at.info] == [translate("pulse_answer.none", "nl")]
    assert not at.radio or all(not (r.key or "").startswith("pulse_item_") for r in at.radio)


def test_closing_opens_the_results_on_the_trust_page(monkeypatch, fresh_url) -> None:
    at = _open_wave_in_the_app(monkeypatch, fresh_url)
    engine = create_db_engine(fresh_url)
    wave_id = int(load_pulse_waves(engine=engine)["id"][0])
    close = next(b for b in at.button if b.key == f"pulse_close_{wave_id}")
    assert close.disabled  # only after the confirmation
    at.checkbox(key=f"pulse_close_confirm_{wave_id}").check().run()
    next(b for b in at.button if b.key == f"pulse_close_{wave_id}").click().run()
    assert not at.exception and not at.error, _texts(at)
    assert translate("pulse.closed", "nl", name="Pulse one") in _texts(at)
    with engine.connect() as conn:
        assert conn.scalar(select(PulseWave.status)) == "closed"
    waves = load_waves(engine=engine, filters=Filters.year_to_date(dt.date.today().replace(day=1)))
    assert "PULSE-1" in set(waves["code"])
    engine.dispose()

    # As of the last closed month (the wave opened on the first of the month before this one).
    trust = _as(monkeypatch, fresh_url, "cio", page="views/trust.py")
    last_closed = format_month(last_closed_month(dt.date.today()), "nl")
    trust.selectbox(key="f_as_of").select_index(
        trust.selectbox(key="f_as_of").options.index(last_closed)
    ).run()
    assert not trust.exception
    assert trust.selectbox(key="trust_wave").options[0] == "PULSE-1"


def test_an_invited_person_without_a_role_answers_until_the_wave_closes(monkeypatch, fresh_url) -> None:
    from data_access.pulse import close_pulse_wave
    from tests.pulse_fixtures import CIO

    _open_wave_in_the_app(monkeypatch, fresh_url)
    invited = {"sub": "m2", "email": "M2@example.com", "name": "Mia", "roles": ["other-app"]}
    at = _as(monkeypatch, fresh_url, "respondent", claims=invited)
    assert [title.value for title in at.title] == [translate("pulse_answer.title", "nl")]
    assert any(translate("role.respondent", "nl") in c.value for c in at.sidebar.caption)
    assert len([r for r in at.radio if (r.key or "").startswith("pulse_item_")]) == 2

    # An address the provider has not verified proves nothing.
    unverified = invited | {"email_verified": False}
    refused = _as(monkeypatch, fresh_url, "respondent", claims=unverified)
    assert [title.value for title in refused.title] == [translate("auth.refused_title", "nl")]

    engine = create_db_engine(fresh_url)
    close_pulse_wave(engine=engine, user=CIO, wave_id=int(load_pulse_waves(engine=engine)["id"][0]))
    engine.dispose()
    after = _as(monkeypatch, fresh_url, "respondent", claims=invited)
    assert [title.value for title in after.title] == [translate("auth.refused_title", "nl")]


def test_hostile_names_and_texts_are_shown_as_text_on_both_pages(monkeypatch, fresh_url) -> None:
    """Department names, item texts and the wave's name and reminder come from data."""
    from sqlalchemy import update

    from data_access.models import Department, SurveyItem
    from data_access.pulse import open_pulse_wave
    from tests.app.test_hostile_text import HOSTILE, _assert_inert
    from tests.pulse_fixtures import CIO

    engine = create_db_engine(fresh_url)
    with engine.begin() as conn:
        conn.execute(update(Department).values(name_nl=HOSTILE[:90], name_en=HOSTILE[:90]))
        conn.execute(update(SurveyItem).values(text_nl=HOSTILE, text_en=HOSTILE))
    opens, closes = _window()
    open_pulse_wave(
        engine=engine,
        user=CIO,
        code="PULSE-H",
        name=HOSTILE[:90],
        opens_on=opens,
        closes_on=closes,
        reminder=HOSTILE,
        item_codes=ITEMS,
        invitations={"MKT": MKT_PEOPLE, "IT": IT_PEOPLE},
    )
    engine.dispose()
    admin = _as(monkeypatch, fresh_url, "cio", page="views/pulse.py")
    _assert_inert(admin)
    assert any("bold" in m.label for m in admin.metric), "the response rate was not shown"
    questionnaire = _as(monkeypatch, fresh_url, "respondent")
    _assert_inert(questionnaire)
    assert any("bold" in r.label for r in questionnaire.radio), "the items were not shown"
