"""Checks on the `[auth]` section of secrets.toml before anyone may sign in (pure, no Streamlit).

Problems are reported by setting name only: a message never contains a secret's value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

EXAMPLE_VALUE = "CHANGE-ME"  # the placeholder in .streamlit/secrets.toml.example
MIN_COOKIE_SECRET_LENGTH = 32


def auth_problems(auth: Mapping[str, Any]) -> list[str]:
    """What is wrong with an `[auth]` section, as short English phrases naming the setting.

    The cookie secret signs the sign-in cookie: it must be set, not the example value and at
    least MIN_COOKIE_SECRET_LENGTH characters. No setting anywhere in the section (provider
    sub-sections included) may still hold the example value.
    """
    problems: list[str] = []
    cookie_secret = auth.get("cookie_secret")
    if not isinstance(cookie_secret, str) or not cookie_secret.strip():
        problems.append("[auth] cookie_secret is missing")
    elif cookie_secret.strip() == EXAMPLE_VALUE:
        problems.append("[auth] cookie_secret is still the example value")
    elif len(cookie_secret.strip()) < MIN_COOKIE_SECRET_LENGTH:
        problems.append(f"[auth] cookie_secret is shorter than {MIN_COOKIE_SECRET_LENGTH} characters")
    if not auth.get("redirect_uri"):
        problems.append("[auth] redirect_uri is missing")
    for path, value in _walk(auth, "auth"):
        if path != "auth.cookie_secret" and isinstance(value, str) and value.strip() == EXAMPLE_VALUE:
            problems.append(f"[{path.rsplit('.', 1)[0]}] {path.rsplit('.', 1)[1]} is still the example value")
    return problems


def _walk(section: Mapping[str, Any], prefix: str) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    for key, value in section.items():
        path = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            items.extend(_walk(value, path))
        else:
            items.append((path, value))
    return items


def provider_names(auth: Mapping[str, Any]) -> list[str]:
    """Named providers (`[auth.keycloak]`, ...) in the section; empty for a single unnamed one."""
    return [
        key
        for key, value in auth.items()
        if isinstance(value, Mapping) and key != "client_kwargs" and "client_id" in value
    ]
