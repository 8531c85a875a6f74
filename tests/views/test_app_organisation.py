"""AppTest of the page "Organisation" (issue 18.1): an admin saves and sees the values, with
where each comes from and the audit trail in the organisation's time zone; an invalid value
saves nothing; an editor and a viewer are refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.audit import load_audit_trail
from data_access.engine import create_db_engine
from data_access.organisation import load_organisation_settings
from i18n import translate
from i18n.times import format_moment
from tests.apptest_helpers import open_app
from tests.auth_fixtures import PEOPLE, auth_secrets, signed_in
from tests.i18n.test_plain_words import offending, rendered_texts

PAGE = "views/organisation.py"


@pytest.fixture
def org_url(demo_sqlite_engine: Engine, tmp_path, monkeypatch) -> str:
    """A copy of the demo database per test (the tests here write settings); no ORG_* in the environment."""
    for name in ("ORG_NAME", "ORG_LOGO", "ORG_CURRENCY", "ORG_FISCAL_YEAR_START", "ORG_TIME_ZONE"):
        monkeypatch.delenv(name, raising=False)
    return copy_sqlite(demo_sqlite_engine, tmp_path / "org.db")


def copy_sqlite(engine: Engine, target: Path) -> str:
    """A consistent copy of a SQLite database (its WAL included, through SQLite's backup), as a URL."""
    source = sqlite3.connect(str(engine.url.database))
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return f"sqlite:///{target}"


def _open(monkeypatch, url: str, role: str, **kwargs):
    return open_app(
        monkeypatch, url, secrets=auth_secrets(), user=signed_in(PEOPLE[role]), page=PAGE, **kwargs
    )


def _table(at, index: int) -> list[dict]:
    return at.dataframe[index].value.to_dict("records")


def test_admin_saves_and_the_values_show_with_their_source(monkeypatch, org_url) -> None:
    at = _open(monkeypatch, org_url, "admin")
    assert at.title[0].value == translate("orgsettings.title", "nl")
    sources = {row["Instelling"]: (row["Waarde"], row["Bron"]) for row in _table(at, 0)}
    assert sources["Valuta"] == ("EUR – Euro", "standaard")
    assert sources["Tijdzone"] == ("Europe/Amsterdam", "standaard")
    assert any(c.value == translate("orgsettings.no_history", "nl") for c in at.caption)

    at.text_input(key="org_name").set_value("Zürcher Verkehrsbetriebe")
    at.selectbox(key="org_currency").set_value("CHF")
    at.selectbox(key="org_fiscal_year_start_month").set_value(4)
    at.selectbox(key="org_time_zone").set_value("Europe/Zurich")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == [translate("orgsettings.saved", "nl")]

    sources = {row["Instelling"]: (row["Waarde"], row["Bron"]) for row in _table(at, 0)}
    assert sources["Naam"] == ("Zürcher Verkehrsbetriebe", "opgeslagen in de app")
    assert sources["Valuta"] == ("CHF – Zwitserse frank", "opgeslagen in de app")
    assert sources["Boekjaar begint in"] == ("april", "opgeslagen in de app")
    assert sources["Tijdzone"] == ("Europe/Zurich", "opgeslagen in de app")
    history = _table(at, 1)
    assert [row["Door"] for row in history] == ["ada@example.com"]
    assert [row["Actie"] for row in history] == ["eerste keer opgeslagen"]
    assert "Valuta: CHF – Zwitserse frank; Boekjaar begint in: april" in history[0]["Werd"]
    assert offending(rendered_texts(at)) == []  # no codes, None or nan in plain sight

    at.selectbox(key="org_currency").set_value("USD")  # a second save: the trail has a "before"
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    history = _table(at, 1)
    assert [row["Actie"] for row in history] == ["gewijzigd", "eerste keer opgeslagen"]
    assert (history[0]["Was"], history[0]["Werd"]) == (
        "Valuta: CHF – Zwitserse frank",
        "Valuta: USD – Amerikaanse dollar",
    )
    assert history[1]["Was"] == ""
    assert offending(rendered_texts(at)) == []
    assert "Tijdstip (Europe/Zurich)" in history[0]

    engine = create_db_engine(org_url)
    try:
        stored = load_organisation_settings(engine=engine)
        assert stored is not None and (stored.currency, stored.fiscal_year_start_month) == ("USD", 4)
        trail = load_audit_trail(engine=engine, entity="organisation_settings")
        assert list(trail["action"]) == ["update", "insert"]
        saved_at = trail["at"].iloc[0]  # stored in UTC, shown in Zurich (one or two hours later)
        shown = history[0]["Tijdstip (Europe/Zurich)"]
        assert shown == format_moment(saved_at, "nl", zone="Europe/Zurich")
        assert shown != format_moment(saved_at, "nl", zone="UTC")
    finally:
        engine.dispose()


def test_an_invalid_name_saves_nothing_and_says_why(monkeypatch, org_url) -> None:
    at = _open(monkeypatch, org_url, "admin")
    at.text_input(key="org_name").set_value("N" * 121)
    at.button[0].click().run()
    assert not at.exception and not at.success
    assert at.error and translate("orgsettings.error.name_too_long", "nl", limit=120) in at.error[0].value
    engine = create_db_engine(org_url)
    try:
        assert load_organisation_settings(engine=engine) is None
    finally:
        engine.dispose()


@pytest.mark.parametrize("role", ["editor", "viewer"])
def test_editor_and_viewer_are_refused(monkeypatch, org_url, role: str) -> None:
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        _open(monkeypatch, org_url, role)
    at = open_app(monkeypatch, org_url, secrets=auth_secrets(), user=signed_in(PEOPLE[role]), script=PAGE)
    assert [e.value for e in at.error] == [translate("auth.not_allowed", "nl")] and not at.title
