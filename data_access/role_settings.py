"""Role e-mail lists edited in the app by an admin, kept in app_state (overriding secrets.toml)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from sqlalchemy import Engine, insert, select, update

from access.roles import MANAGE_ROLES, User, check_allowed, normalise_email_lists
from data_access.audit import record_change
from data_access.engine import bump_data_version
from data_access.models import AppState

ROLE_EMAILS_KEY = "role_emails"


def load_role_emails(*, engine: Engine) -> dict[str, list[str]] | None:
    """The e-mail lists saved in the app ({role: [addresses]}), or None when never saved."""
    with engine.connect() as conn:
        value = conn.scalar(select(AppState.value).where(AppState.key == ROLE_EMAILS_KEY))
    if value is None:
        return None
    return {role: list(addresses) for role, addresses in json.loads(value).items()}


def save_role_emails(
    *, engine: Engine, emails: Mapping[str, Iterable[str]], user: User
) -> dict[str, list[str]]:
    """Replace the saved e-mail lists, audited as `user`; only a user who may manage roles.

    Raises NotAllowed (nothing written) for any other role and RoleSettingsError for an unknown
    role or an invalid address. Returns the lists as stored.
    """
    check_allowed(user, MANAGE_ROLES)
    cleaned = {role: list(addresses) for role, addresses in normalise_email_lists(emails).items()}
    stored = json.dumps(cleaned, sort_keys=True)
    with engine.begin() as conn:
        old = conn.scalar(select(AppState.value).where(AppState.key == ROLE_EMAILS_KEY))
        if old is None:
            conn.execute(insert(AppState).values(key=ROLE_EMAILS_KEY, value=stored))
        else:
            conn.execute(update(AppState).where(AppState.key == ROLE_EMAILS_KEY).values(value=stored))
        record_change(
            conn,
            user_name=user.name,
            entity="role_emails",
            entity_id=ROLE_EMAILS_KEY,
            action="insert" if old is None else "update",
            old=json.loads(old) if old is not None else None,
            new=cleaned,
        )
        bump_data_version(conn)
    return cleaned
