"""Organisation settings stored in the database (issue 18.1): migration 0017 up and down,
save and load, precedence over the environment and secrets, validation, and the audit trail."""

from __future__ import annotations

import hashlib
import io
import json

import pandas as pd
import pytest
from alembic import command
from sqlalchemy import Engine, func, inspect, select

from access.roles import NotAllowed, User
from data_access.audit import load_audit_trail
from data_access.engine import _alembic_config, create_db_engine, read_data_version, upgrade_schema
from data_access.models import AuditLog
from data_access.models import OrganisationSettings as SettingsRow
from data_access.organisation import (
    OrganisationSettingsInvalid,
    load_organisation_settings,
    save_organisation_settings,
)
from data_access.organisation_settings import OrganisationSettings
from services.organisation import cleaned_settings, describe_organisation, load_organisation
from tests.conftest import BACKENDS, _drop_pg_database, make_database_url

ADMIN = User(name="ada@example.com", email="ada@example.com", role="admin")


def image_bytes(kind: str, size: tuple[int, int] = (8, 4)) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=kind)
    return buffer.getvalue()


def _settings(**values: object) -> OrganisationSettings:
    base: dict[str, object] = {
        "name": "Zürcher Verkehrsbetriebe",
        "logo": None,
        "currency": "CHF",
        "fiscal_year_start_month": 4,
        "time_zone": "Europe/Zurich",
    }
    return cleaned_settings(**(base | values))  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", BACKENDS)
def test_migration_0017_creates_and_drops_the_table(backend: str, tmp_path) -> None:
    url = make_database_url(backend, tmp_path)
    engine = create_db_engine(url)
    try:
        upgrade_schema(engine, "0016")
        assert "organisation_settings" not in inspect(engine).get_table_names()
        upgrade_schema(engine)
        columns = {c["name"] for c in inspect(engine).get_columns("organisation_settings")}
        assert columns == {
            "id",
            "name",
            "logo",
            "logo_media_type",
            "currency",
            "fiscal_year_start_month",
            "time_zone",
            "updated_at",
            "updated_by",
        }
        logo = image_bytes("PNG")
        save_organisation_settings(engine=engine, settings=_settings(logo=logo), user=ADMIN)
        assert load_organisation_settings(engine=engine).logo == logo  # bytes survive the round trip
        config = _alembic_config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0016")
        assert "organisation_settings" not in inspect(engine).get_table_names()
        upgrade_schema(engine)  # and up again, empty
        assert load_organisation_settings(engine=engine) is None
    finally:
        engine.dispose()
        if backend == "postgresql":
            _drop_pg_database(url)


def test_save_then_load_and_the_stored_row_wins(empty_engine: Engine) -> None:
    assert load_organisation_settings(engine=empty_engine) is None
    env = {"ORG_NAME": "From env", "ORG_CURRENCY": "USD", "ORG_TIME_ZONE": "America/New_York"}
    secrets = {"organisation": {"fiscal_year_start_month": 7, "currency": "GBP"}}
    before = load_organisation(env=env, secrets=secrets, engine=empty_engine)
    assert (before.name, before.currency, before.fiscal_year_start_month, before.time_zone) == (
        "From env",
        "USD",
        7,
        "America/New_York",
    )
    version = read_data_version(empty_engine)
    logo = image_bytes("JPEG")
    saved = save_organisation_settings(
        engine=empty_engine, settings=_settings(logo=logo, time_zone=" "), user=ADMIN
    )
    assert saved.logo_media_type == "image/jpeg" and saved.updated_by == ADMIN.name
    assert read_data_version(empty_engine) > version  # every session's cache moves on
    stored = load_organisation_settings(engine=empty_engine)
    assert stored is not None and stored.name == "Zürcher Verkehrsbetriebe" and stored.time_zone is None
    after, sources = describe_organisation(stored=stored, env=env, secrets=secrets)
    assert (after.name, after.currency, after.fiscal_year_start_month, after.time_zone) == (
        "Zürcher Verkehrsbetriebe",
        "CHF",
        4,
        "America/New_York",  # not saved in the app: the environment still applies
    )
    assert sources == {
        "name": "stored",
        "logo": "stored",
        "currency": "stored",
        "fiscal_year_start_month": "stored",
        "time_zone": "environment",
    }
    assert after.logo_path is not None and after.logo_path.read_bytes() == logo
    assert after == load_organisation(env=env, secrets=secrets, engine=empty_engine)
    nothing, defaults = describe_organisation(stored=None, env={}, secrets={})
    assert (nothing.currency, nothing.fiscal_year_start_month, nothing.time_zone) == (
        "EUR",
        1,
        "Europe/Amsterdam",
    )
    assert set(defaults.values()) == {"default"}


def test_every_save_is_audited_with_the_logo_as_size_and_hash(empty_engine: Engine) -> None:
    logo = image_bytes("PNG")
    save_organisation_settings(engine=empty_engine, settings=_settings(logo=logo), user=ADMIN)
    save_organisation_settings(engine=empty_engine, settings=_settings(currency="EUR"), user=ADMIN)
    trail = load_audit_trail(engine=empty_engine, entity="organisation_settings")
    assert list(trail["action"]) == ["update", "insert"]
    assert set(trail["user_name"]) == {ADMIN.name}
    first_new = json.loads(trail["new_values"].iloc[1])
    assert first_new["logo"] == {"bytes": len(logo), "sha256": hashlib.sha256(logo).hexdigest()}
    assert first_new["currency"] == "CHF" and first_new["logo_media_type"] == "image/png"
    second_old, second_new = json.loads(trail["old_values"].iloc[0]), json.loads(trail["new_values"].iloc[0])
    assert (second_old["currency"], second_new["currency"]) == ("CHF", "EUR")
    assert second_old["logo"]["bytes"] == len(logo) and second_new["logo"] is None
    assert pd.isna(trail["old_values"].iloc[1])  # the first save had nothing before it


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"currency": "XYZ"}, "currency"),
        ({"fiscal_year_start_month": 13}, "fiscal_year_start_month"),
        ({"time_zone": "Europe/Atlantis"}, "time_zone"),
        ({"name": "N" * 121}, "name"),
        ({"logo": b"GIF89a" + b"\x00" * 40}, "logo"),
    ],
)
def test_invalid_settings_write_nothing(empty_engine: Engine, values: dict, field: str) -> None:
    version = read_data_version(empty_engine)
    with pytest.raises(OrganisationSettingsInvalid) as raised:
        save_organisation_settings(engine=empty_engine, settings=_settings(**values), user=ADMIN)
    assert [issue.field for issue in raised.value.issues] == [field]
    with empty_engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(SettingsRow)) == 0
        assert conn.scalar(select(func.count()).select_from(AuditLog)) == 0
    assert read_data_version(empty_engine) == version


@pytest.mark.parametrize("role", ["cio", "cmo", "editor", "viewer"])
def test_only_an_admin_may_save(role: str, tmp_path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'r.db'}")
    upgrade_schema(engine)
    user = User(name=f"{role}@example.com", email=f"{role}@example.com", role=role)
    with pytest.raises(NotAllowed):
        save_organisation_settings(engine=engine, settings=_settings(), user=user)
    assert load_organisation_settings(engine=engine) is None
    engine.dispose()
