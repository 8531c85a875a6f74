"""Signed-in people and sign-in settings for AppTest and the browser tests."""

from __future__ import annotations

import json
from typing import Any

from access.roles import RIGHTS

CLIENT_SECRET = "client-secret-9d1f3a7c55e04b"
COOKIE_SECRET = "cookie-secret-6b0e2f48a1c94d3e8f7a5b2c1d0e9f8a"
DB_PASSWORD = "db-pw-71c3e9a0f2"

# One person per role via the "roles" claim, one via the e-mail list, one with no role.
PEOPLE: dict[str, dict[str, Any]] = {
    "viewer": {
        "sub": "vera",
        "email": "vera@example.com",
        "name": "Vera Viewer",
        "roles": ["alignment-viewer"],
    },
    "editor": {
        "sub": "eddy",
        "email": "eddy@example.com",
        "name": "Eddy Editor",
        "roles": ["alignment-editor"],
    },
    "cio": {
        "sub": "ciara",
        "email": "ciara@example.com",
        "name": "Ciara CIO",
        "roles": ["alignment-cio", "alignment-viewer"],
    },
    "cmo": {"sub": "cas", "email": "cas@example.com", "name": "Cas CMO", "roles": ["alignment-cmo"]},
    "admin": {"sub": "ada", "email": "ada@example.com", "name": "Ada Admin", "roles": []},
    "respondent": {
        "sub": "rik",
        "email": "rik@example.com",
        "name": "Rik Respondent",
        "roles": ["alignment-respondent"],
    },
}
STRANGER: dict[str, Any] = {
    "sub": "sam",
    "email": "sam@example.com",
    "name": "Sam Stranger",
    "roles": ["other-app"],
}
assert set(PEOPLE) == set(RIGHTS)


def auth_secrets(
    *, redirect_uri: str = "http://localhost:8501/oauth2callback", **extra_auth: Any
) -> dict[str, Any]:
    """secrets.toml content with [auth] and [roles] for PEOPLE (admin through the e-mail list)."""
    return {
        "auth": {
            "redirect_uri": redirect_uri,
            "cookie_secret": COOKIE_SECRET,
            "client_id": "alignment-dashboard",
            "client_secret": CLIENT_SECRET,
            "server_metadata_url": "http://localhost:9400/.well-known/openid-configuration",
            "client_kwargs": {"scope": "openid email profile"},
        }
        | extra_auth,
        "roles": {
            "claim": "roles",
            "mapping": {
                f"alignment-{role}": role for role in ("cio", "cmo", "editor", "viewer", "respondent")
            },
            "emails": {"admin": ["ada@example.com"]},
        },
    }


def signed_in(claims: dict[str, Any]) -> dict[str, Any]:
    """What st.user holds for a person signed in with these claims."""
    return {"is_logged_in": True, **claims}


def to_toml(data: dict[str, Any]) -> str:
    """A secrets.toml text for `data` (strings, bools, lists of strings, nested tables)."""

    def value(item: Any) -> str:
        if isinstance(item, bool):
            return "true" if item else "false"
        if isinstance(item, list):
            return "[" + ", ".join(value(v) for v in item) + "]"
        return json.dumps(str(item))

    lines: list[str] = []

    def table(name: str, section: dict[str, Any]) -> None:
        plain = {k: v for k, v in section.items() if not isinstance(v, dict)}
        nested = {k: v for k, v in section.items() if isinstance(v, dict)}
        if name:
            lines.append(f"[{name}]")
        lines.extend(f"{json.dumps(k)} = {value(v)}" for k, v in plain.items())
        for key, sub in nested.items():
            table(f"{name}.{json.dumps(key)}" if name else json.dumps(key), sub)

    table("", data)
    return "\n".join(lines) + "\n"
