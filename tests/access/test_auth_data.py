"""Role e-mail lists in the database (SQLite and PostgreSQL): admin-only, audited, all or nothing."""

from __future__ import annotations

import pytest

from access.roles import LOCAL_USER, NotAllowed, RoleSettingsError, User
from data_access.audit import load_audit_trail
from data_access.engine import read_data_version
from data_access.role_settings import load_role_emails, save_role_emails

ADMIN = User(name="root@example.com", email="root@example.com", role="admin")


def test_nothing_saved_reads_none(empty_engine) -> None:
    assert load_role_emails(engine=empty_engine) is None


def test_admin_saves_and_changes_the_lists_with_audit(empty_engine) -> None:
    before = read_data_version(empty_engine)
    stored = save_role_emails(
        engine=empty_engine, emails={"viewer": ["B@x.nl", "a@x.nl"], "cio": []}, user=ADMIN
    )
    assert stored == {"viewer": ["a@x.nl", "b@x.nl"]}
    assert load_role_emails(engine=empty_engine) == {"viewer": ["a@x.nl", "b@x.nl"]}
    save_role_emails(engine=empty_engine, emails={"editor": ["e@x.nl"]}, user=LOCAL_USER)
    assert load_role_emails(engine=empty_engine) == {"editor": ["e@x.nl"]}
    assert read_data_version(empty_engine) == before + 2

    trail = load_audit_trail(engine=empty_engine, entity="role_emails")
    assert list(trail["user_name"]) == ["local", "root@example.com"]
    assert list(trail["action"]) == ["update", "insert"]
    assert '"e@x.nl"' in trail["new_values"].iloc[0] and '"a@x.nl"' in trail["old_values"].iloc[0]


@pytest.mark.parametrize("role", ["viewer", "editor", "cio", "cmo", ""])
def test_only_admin_may_write_and_a_refusal_writes_nothing(empty_engine, role: str) -> None:
    user = User(name=f"{role or 'nobody'}@x.nl", email=None, role=role)
    with pytest.raises(NotAllowed):
        save_role_emails(engine=empty_engine, emails={"admin": [user.name]}, user=user)
    assert load_role_emails(engine=empty_engine) is None
    assert load_audit_trail(engine=empty_engine).empty


def test_invalid_lists_write_nothing(empty_engine) -> None:
    with pytest.raises(RoleSettingsError):
        save_role_emails(engine=empty_engine, emails={"viewer": ["nope"]}, user=ADMIN)
    assert load_role_emails(engine=empty_engine) is None
    assert load_audit_trail(engine=empty_engine).empty
