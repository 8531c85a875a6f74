"""Roles and what each may do; decided here, checked on the server by every page and write.

Pure (no Streamlit): the role of a signed-in person follows from their OpenID Connect claims
and the role settings (`[roles]` in secrets.toml, e-mail lists possibly edited by an admin).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

ROLES = ("admin", "cio", "cmo", "editor", "viewer", "respondent")
# When several roles match one person, the first in this order wins (most rights first;
# cio before cmo only to make the choice deterministic: both have the same rights).
# A respondent answers trust pulses and sees nothing else: the last in the order, so anyone
# with a reading role keeps it.
ROLE_PRECEDENCE = ROLES

READ = "read"
READ_COMMENTS = "read_comments"
EDIT_DATA = "edit_data"  # imports, targets, the decisions log, scenarios of others
MANAGE_ROLES = "manage_roles"
RUN_PULSE = "run_pulse"  # open and close trust pulse waves, see their response rate
RESPOND = "respond"  # answer an open pulse wave one is invited to; nothing else

RIGHTS: dict[str, frozenset[str]] = {
    "viewer": frozenset({READ}),
    "editor": frozenset({READ, EDIT_DATA}),
    "cio": frozenset({READ, EDIT_DATA, READ_COMMENTS, RUN_PULSE}),
    "cmo": frozenset({READ, EDIT_DATA, READ_COMMENTS, RUN_PULSE}),
    "admin": frozenset({READ, EDIT_DATA, READ_COMMENTS, MANAGE_ROLES, RUN_PULSE}),
    "respondent": frozenset({RESPOND}),
}

# Someone who is not signed in, or signed in but without a role: may do nothing.
NO_ROLE = ""

_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


@dataclass(frozen=True)
class User:
    """Who is using the app. `local_mode` means no sign-in is configured.

    `name` is the stable identifier written to the audit trail (the e-mail address when the
    identity provider gives one); `display_name` is what the sidebar shows.
    """

    name: str
    email: str | None
    role: str
    local_mode: bool = False
    display_name: str = ""

    def may(self, right: str) -> bool:
        return right in RIGHTS.get(self.role, frozenset())

    @property
    def signed_in(self) -> bool:
        return self.local_mode or bool(self.name)

    @property
    def has_role(self) -> bool:
        return self.role in RIGHTS


LOCAL_USER = User(name="local", email=None, role="admin", local_mode=True, display_name="local")
ANONYMOUS = User(name="", email=None, role=NO_ROLE)


class NotAllowed(PermissionError):
    """The current user's role does not grant the right; the message is an i18n key."""


class RoleSettingsError(ValueError):
    """The role settings are invalid; the message names the setting, never a secret."""


def check_allowed(user: User, right: str) -> None:
    """Raise NotAllowed unless `user` has `right`; every write path calls this first."""
    if not user.may(right):
        raise NotAllowed("auth.not_allowed")


@dataclass(frozen=True)
class RoleSettings:
    """How claims and e-mail addresses map to roles.

    - claim: the ID-token claim holding a list (or a string) of values, e.g. "roles" or
      "groups"; None (`claim = false` in secrets.toml) to use the e-mail lists only.
    - mapping: claim value -> role, e.g. {"alignment-cio": "cio"}. Only mapped values count.
    - emails: role -> e-mail addresses (compared case-insensitively).
    - allow_unknown_as_viewer: a signed-in person that matches nothing becomes a viewer;
      by default they are refused.
    """

    claim: str | None = "roles"
    mapping: Mapping[str, str] = field(default_factory=dict)
    emails: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    allow_unknown_as_viewer: bool = False

    def with_emails(self, emails: Mapping[str, Iterable[str]]) -> RoleSettings:
        return replace(self, emails=normalise_email_lists(emails))


def is_email_address(text: str) -> bool:
    """Whether `text` looks like one e-mail address (no spaces, commas or semicolons)."""
    return bool(_EMAIL.match(text))


def normalise_email_lists(emails: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """{role: addresses} with every role known, addresses lower-case, trimmed, sorted, unique.

    Raises RoleSettingsError naming an unknown role or an address that is not one.
    """
    result: dict[str, tuple[str, ...]] = {}
    for role, addresses in emails.items():
        if role not in RIGHTS:
            raise RoleSettingsError(f"unknown role {role!r} in the e-mail lists")
        if isinstance(addresses, str):
            raise RoleSettingsError(f"the e-mail list for {role!r} must be a list")
        cleaned = {str(address).strip().lower() for address in addresses if str(address).strip()}
        for address in cleaned:
            if not _EMAIL.match(address):
                raise RoleSettingsError(f"{address!r} in the list for {role!r} is not an e-mail address")
        if cleaned:
            result[role] = tuple(sorted(cleaned))
    return result


def parse_email_text(text: str) -> list[str]:
    """Addresses typed one per line (commas and semicolons also separate): a list, blanks dropped."""
    return [part.strip() for part in re.split(r"[\n,;]+", text) if part.strip()]


def parse_role_settings(section: Mapping[str, Any] | None) -> RoleSettings:
    """RoleSettings from the `[roles]` section of secrets.toml (missing: claim "roles", no mapping)."""
    section = dict(section or {})
    claim = section.get("claim", "roles")
    if claim is False:  # `claim = false`: the e-mail lists only
        claim = None
    if claim is not None and (not isinstance(claim, str) or not claim.strip()):
        raise RoleSettingsError('[roles] claim must be a claim name such as "roles" or "groups"')
    mapping_section = section.get("mapping", {}) or {}
    if not isinstance(mapping_section, Mapping):
        raise RoleSettingsError("[roles] mapping must be a table of claim value = role")
    mapping: dict[str, str] = {}
    for value, role in mapping_section.items():
        if role not in RIGHTS:
            raise RoleSettingsError(f"[roles] mapping: unknown role {role!r} (known: {', '.join(ROLES)})")
        mapping[str(value)] = role
    emails_section = section.get("emails", {}) or {}
    if not isinstance(emails_section, Mapping):
        raise RoleSettingsError("[roles.emails] must be a table of role = [addresses]")
    allow = section.get("allow_unknown_as_viewer", False)
    if not isinstance(allow, bool):
        raise RoleSettingsError("[roles] allow_unknown_as_viewer must be true or false")
    return RoleSettings(
        claim=claim.strip() if isinstance(claim, str) else None,
        mapping=mapping,
        emails=normalise_email_lists(emails_section),
        allow_unknown_as_viewer=allow,
    )


def _claim_values(claims: Mapping[str, Any], claim: str | None) -> list[str]:
    if claim is None:
        return []
    raw = claims.get(claim)
    if raw is None:
        return []
    if isinstance(raw, str):
        return [raw]
    if isinstance(raw, Sequence):
        return [str(value) for value in raw]
    return []


def matching_roles(claims: Mapping[str, Any], settings: RoleSettings) -> set[str]:
    """Every role the claims and e-mail lists give this person (may be empty)."""
    roles = {
        settings.mapping[value]
        for value in _claim_values(claims, settings.claim)
        if value in settings.mapping
    }
    email = claims.get("email")
    # An address the provider says it has not verified proves nothing.
    if isinstance(email, str) and claims.get("email_verified", True) is not False:
        address = email.strip().lower()
        roles |= {role for role, addresses in settings.emails.items() if address in addresses}
    return roles


def resolve_role(claims: Mapping[str, Any], settings: RoleSettings) -> str | None:
    """The role of a signed-in person, or None when they must be refused.

    Highest privilege wins (ROLE_PRECEDENCE: admin, cio, cmo, editor, viewer); no match gives
    "viewer" only when settings.allow_unknown_as_viewer, else None.
    """
    roles = matching_roles(claims, settings)
    for role in ROLE_PRECEDENCE:
        if role in roles:
            return role
    return "viewer" if settings.allow_unknown_as_viewer else None


def user_from_claims(claims: Mapping[str, Any], settings: RoleSettings) -> User:
    """The User for a signed-in person's claims; role NO_ROLE when refused."""
    email = claims.get("email") if isinstance(claims.get("email"), str) else None
    identifier = email or claims.get("preferred_username") or claims.get("sub") or "unknown"
    display = claims.get("name") or identifier
    return User(
        name=str(identifier),
        email=email,
        role=resolve_role(claims, settings) or NO_ROLE,
        display_name=str(display),
    )


def verified_email(claims: Mapping[str, Any]) -> str | None:
    """The person's address, lower-case, unless the provider says it has not verified it."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip() or claims.get("email_verified", True) is False:
        return None
    return email.strip().lower()


def as_invited_respondent(user: User, *, invited: bool) -> User:
    """A signed-in person without a role who is invited to an open pulse wave answers it as a
    respondent (and may nothing else); anyone with a role keeps it."""
    if user.has_role or not invited or not user.signed_in or user.local_mode:
        return user
    return replace(user, role="respondent")


def keeps_admin(claims: Mapping[str, Any], settings: RoleSettings) -> bool:
    """Whether these claims still give admin under `settings` (an admin must not lock themself out)."""
    return resolve_role(claims, settings) == "admin"


def mapping_rows(settings: RoleSettings) -> list[dict[str, str]]:
    """The claim mapping as rows {claim_value, role}, sorted by role precedence then value."""
    order = {role: index for index, role in enumerate(ROLE_PRECEDENCE)}
    return [
        {"claim_value": value, "role": role}
        for value, role in sorted(settings.mapping.items(), key=lambda item: (order[item[1]], item[0]))
    ]


@dataclass(frozen=True)
class Write:
    """One kind of write the app allows, with the right it needs (the README's rights table)."""

    name: str  # as the README's table names it
    right: str
    author_too: bool = False  # the author of the thing may do it without the right


# Every write, and who may do it. The README's table "Writes and who may do them" is checked
# against this registry (tests/access/test_rights_table.py), and each write path checks its right.
WRITES: tuple[Write, ...] = (
    Write("Import data (page Import data, command line)", EDIT_DATA),
    Write("Edit KPI targets (Catalogue)", EDIT_DATA),
    Write("Record or edit steering decisions and actions", EDIT_DATA),
    Write("Set the house rule for ownership (Projects)", EDIT_DATA),
    Write("Save a what-if scenario", EDIT_DATA),
    Write("Delete a saved what-if scenario", EDIT_DATA, author_too=True),
    Write("Change the role settings (Roles)", MANAGE_ROLES),
    Write("Change the organisation settings (Organisation)", MANAGE_ROLES),
    Write("Open or close a trust pulse wave (Trust pulse)", RUN_PULSE),
    Write("Answer a trust pulse wave one is invited to", RESPOND),
)
SAVE_SCENARIO = WRITES[4]


def roles_for(right: str) -> tuple[str, ...]:
    """The roles that have `right`, in ROLES order."""
    return tuple(role for role in ROLES if right in RIGHTS[role])
