"""Roles and what each may do; decided here, checked on the server by every page and write."""

from __future__ import annotations

from dataclasses import dataclass

ROLES = ("admin", "cio", "cmo", "editor", "viewer")

READ = "read"
READ_COMMENTS = "read_comments"
EDIT_DATA = "edit_data"  # imports, targets, the decisions log, scenarios of others
MANAGE_ROLES = "manage_roles"

RIGHTS: dict[str, frozenset[str]] = {
    "viewer": frozenset({READ}),
    "editor": frozenset({READ, EDIT_DATA}),
    "cio": frozenset({READ, EDIT_DATA, READ_COMMENTS}),
    "cmo": frozenset({READ, EDIT_DATA, READ_COMMENTS}),
    "admin": frozenset({READ, EDIT_DATA, READ_COMMENTS, MANAGE_ROLES}),
}


@dataclass(frozen=True)
class User:
    """Who is using the app. `local_mode` means no sign-in is configured."""

    name: str
    email: str | None
    role: str
    local_mode: bool = False

    def may(self, right: str) -> bool:
        return right in RIGHTS.get(self.role, frozenset())


LOCAL_USER = User(name="local", email=None, role="admin", local_mode=True)


class NotAllowed(PermissionError):
    """The current user's role does not grant the right; the message is an i18n key."""
