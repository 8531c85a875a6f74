"""The meeting pack names the organisation saved on the page "Organisation" (issue 18.1) and
says when it was made in the organisation's time zone (issue 18.2)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from access.roles import User
from data_access.engine import create_db_engine
from data_access.organisation import save_organisation_settings
from reports.content import Pack
from reports.pack import build_pack
from services.organisation import cleaned_settings
from tests.data_access.test_data_access_organisation import image_bytes
from tests.reports.test_reports_pack import FILTERS
from tests.views.test_app_organisation import copy_sqlite

ADMIN = User(name="ada@example.com", email="ada@example.com", role="admin")
MADE = dt.datetime(2026, 11, 3, 8, 30, tzinfo=dt.UTC)


@pytest.fixture
def own_demo(demo_sqlite_engine: Engine, tmp_path, monkeypatch) -> Iterator[Engine]:
    for name in ("ORG_NAME", "ORG_LOGO", "ORG_CURRENCY", "ORG_FISCAL_YEAR_START", "ORG_TIME_ZONE"):
        monkeypatch.delenv(name, raising=False)
    engine = create_db_engine(copy_sqlite(demo_sqlite_engine, tmp_path / "pack.db"))
    yield engine
    engine.dispose()


def test_the_pack_uses_the_stored_name_logo_and_time_zone(own_demo: Engine) -> None:
    logo = image_bytes("PNG", size=(40, 20))
    settings = cleaned_settings(
        name="Zürcher Verkehrsbetriebe",
        logo=logo,
        currency="CHF",
        fiscal_year_start_month=None,
        time_zone="America/New_York",
    )
    save_organisation_settings(engine=own_demo, settings=settings, user=ADMIN)
    pack = build_pack(own_demo, filters=FILTERS, lang="en", exported_at=MADE, render=False)
    assert pack.title == "Zürcher Verkehrsbetriebe"
    assert pack.logo_path is not None and pack.logo_path.read_bytes() == logo
    assert pack.time_zone == "America/New_York"
    assert pack.exported_text == "3 Nov 2026 03:30"  # EST, UTC-5


def test_made_on_in_zurich_and_in_utc() -> None:
    def made(zone: str, lang: str) -> str:
        return Pack(
            title="T", as_of=dt.date(2026, 10, 1), lang=lang, exported_at=MADE, time_zone=zone
        ).exported_text

    assert made("Europe/Zurich", "nl") == "03-11-2026 09:30"
    assert made("UTC", "nl") == "03-11-2026 08:30"
    assert made("Europe/Zurich", "en") == "3 Nov 2026 09:30"
    naive = Pack(title="T", as_of=dt.date(2026, 10, 1), lang="en", exported_at=MADE.replace(tzinfo=None))
    assert naive.exported_text == "3 Nov 2026 09:30"  # naive is UTC; the default zone is Amsterdam
