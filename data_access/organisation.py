"""The organisation's settings saved on the admin page: one row of organisation_settings, audited."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from access.roles import MANAGE_ROLES, User, check_allowed
from data_access.audit import record_change
from data_access.engine import bump_data_version
from data_access.models import OrganisationSettings as SettingsRow
from data_access.organisation_settings import (
    OrganisationSettings,
    SettingIssue,
    logo_media_type,
    validate_settings,
)

AUDIT_ENTITY = "organisation_settings"
ROW_ID = 1
COLUMNS = ("name", "logo", "logo_media_type", "currency", "fiscal_year_start_month", "time_zone")


class OrganisationSettingsInvalid(ValueError):
    """The settings cannot be saved (nothing was written); `issues` says why, per field."""

    def __init__(self, issues: tuple[SettingIssue, ...]) -> None:
        super().__init__("; ".join(f"{issue.field}: {issue.key}" for issue in issues))
        self.issues = issues


def _read(conn: Connection) -> OrganisationSettings | None:
    row = conn.execute(
        select(*(getattr(SettingsRow, c) for c in (*COLUMNS, "updated_at", "updated_by"))).where(
            SettingsRow.id == ROW_ID
        )
    ).first()
    if row is None:
        return None
    return OrganisationSettings(
        name=row.name,
        logo=bytes(row.logo) if row.logo is not None else None,
        logo_media_type=row.logo_media_type,
        currency=row.currency,
        fiscal_year_start_month=row.fiscal_year_start_month,
        time_zone=row.time_zone,
        updated_at=row.updated_at,
        updated_by=row.updated_by,
    )


def load_organisation_settings(*, engine: Engine) -> OrganisationSettings | None:
    """The saved settings, or None when an admin never saved any."""
    with engine.connect() as conn:
        return _read(conn)


def _audit_values(settings: OrganisationSettings | None) -> dict[str, Any] | None:
    """The settings for the audit trail; the logo as its size and SHA-256, never its bytes."""
    if settings is None:
        return None
    values: dict[str, Any] = {column: getattr(settings, column) for column in COLUMNS if column != "logo"}
    logo = settings.logo
    values["logo"] = (
        None if logo is None else {"bytes": len(logo), "sha256": hashlib.sha256(logo).hexdigest()}
    )
    return values


def save_organisation_settings(
    *, engine: Engine, settings: OrganisationSettings, user: User
) -> OrganisationSettings:
    """Replace the saved settings, audited as `user`; only a user who may manage roles.

    Raises NotAllowed for any other role and OrganisationSettingsInvalid for invalid settings
    (data_access.organisation_settings.validate_settings); in both cases nothing is written. Returns the
    settings as stored. The data version moves on, so every session reads them at its next rerun.
    """
    check_allowed(user, MANAGE_ROLES)
    issues = validate_settings(settings)
    if issues:
        raise OrganisationSettingsInvalid(issues)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    settings = replace(settings, logo_media_type=logo_media_type(settings.logo) if settings.logo else None)
    values = {column: getattr(settings, column) for column in COLUMNS} | {
        "updated_at": now,
        "updated_by": user.name,
    }
    with engine.begin() as conn:
        old = _read(conn)
        exists = old is not None
        if exists:
            conn.execute(update(SettingsRow).where(SettingsRow.id == ROW_ID).values(**values))
        else:
            conn.execute(insert(SettingsRow).values(id=ROW_ID, **values))
        record_change(
            conn,
            user_name=user.name,
            entity=AUDIT_ENTITY,
            entity_id=ROW_ID,
            action="update" if exists else "insert",
            old=_audit_values(old),
            new=_audit_values(settings),
        )
        bump_data_version(conn)
    return replace(settings, updated_at=now, updated_by=user.name)
