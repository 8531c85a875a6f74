"""Every setting a deployment makes, from the environment or the secrets file, checked at start.

SETTINGS is the one list: the README's configuration table is generated from it
(`python -m services.settings --markdown`; tests/app/test_settings.py keeps the two equal).
The environment wins over .streamlit/secrets.toml, which is still read. `problems()` names
each bad or missing setting and never shows a value (values may be secrets); serve.py
refuses to start (exit 2) and app.py shows only these names when there is any.

Sign-in from the environment: Streamlit's st.login reads only the secrets file, so serve.py
writes the [auth] section built from the ALIGNMENT_AUTH_* variables (over the secrets
file's) to a private runtime secrets file and starts Streamlit with it.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from access.auth_config import auth_problems

ROOT = Path(__file__).resolve().parent.parent
SECRETS_PATH = ROOT / ".streamlit" / "secrets.toml"
EXIT_CONFIG = 2

Check = Callable[[str], str | None]


def _whole(minimum: int) -> Check:
    def check(value: str) -> str | None:
        try:
            number = int(value.strip())
        except ValueError:
            return f"must be a whole number of at least {minimum}"
        return None if number >= minimum else f"must be a whole number of at least {minimum}"

    return check


def _database_url(value: str) -> str | None:
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from data_access.engine import ambiguous_userinfo

    if ambiguous_userinfo(value.strip()):
        return "has an unencoded @ in its user or password: percent-encode it (@ is %40, : is %3A)"
    try:
        backend = make_url(value.strip()).get_backend_name()
    except (ArgumentError, ValueError):  # ValueError: e.g. a port that is not a number
        return "is not a database URL (sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DB)"
    if backend not in ("sqlite", "postgresql"):
        return "must be a sqlite:/// or postgresql+psycopg:// URL"
    return None


def _http_url(suffix: str = "") -> Check:
    def check(value: str) -> str | None:
        value = value.strip()
        if not re.match(r"^https?://[^\s/]+", value):
            return "must be an http:// or https:// URL"
        if suffix and not value.rstrip("/").endswith(suffix):
            return f"must end with {suffix}"
        return None

    return check


def _not_empty(value: str) -> str | None:
    return None if value.strip() else "is empty"


def _long_secret(value: str) -> str | None:
    return None if len(value.strip()) >= 32 else "must be at least 32 characters"


def _name(value: str) -> str | None:
    from data_access.organisation_settings import NAME_MAX

    if "\n" in value or "\r" in value:
        return "must be one line"
    return None if len(value.strip()) <= NAME_MAX else f"must be at most {NAME_MAX} characters"


def _logo(value: str) -> str | None:
    from services.organisation import LOGO_SUFFIXES, logo_file

    path = logo_file(value)  # as services.organisation reads it
    if path.suffix.lower() not in LOGO_SUFFIXES:
        return "must be a .png or .jpg file"
    return None if path.is_file() else "names a file that does not exist or cannot be read"


def _currency(value: str) -> str | None:
    from services.organisation import parse_currency

    return None if parse_currency(value) else "must be an ISO 4217 currency code such as EUR"


def _fiscal_month(value: str) -> str | None:
    from services.organisation import parse_month

    return None if parse_month(value) is not None else "must be a month number from 1 to 12"


def _time_zone(value: str) -> str | None:
    from services.organisation import parse_zone

    return None if parse_zone(value) else "must be an IANA time zone such as Europe/Amsterdam"


def _base_path(value: str) -> str | None:
    return (
        None
        if re.fullmatch(r"/?[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*/?", value.strip())
        else ("must be a path such as alignment (letters, digits, - and _ between slashes)")
    )


def _flag(value: str) -> str | None:
    return None if value.strip().lower() in ("", "0", "1", "true", "false", "yes", "no") else "must be 0 or 1"


@dataclass(frozen=True)
class Setting:
    env: str
    secret: str | None  # "section.key" in .streamlit/secrets.toml, or None
    default: str
    meaning: str
    check: Check


AUTH_ENV = {
    "ALIGNMENT_AUTH_REDIRECT_URI": "redirect_uri",
    "ALIGNMENT_AUTH_COOKIE_SECRET": "cookie_secret",
    "ALIGNMENT_AUTH_CLIENT_ID": "client_id",
    "ALIGNMENT_AUTH_CLIENT_SECRET": "client_secret",
    "ALIGNMENT_AUTH_SERVER_METADATA_URL": "server_metadata_url",
}

SETTINGS: tuple[Setting, ...] = (
    Setting(
        "DATABASE_URL",
        "connections.sql.url",
        "data/alignment.db (embedded SQLite)",
        "The database; PostgreSQL for more than one app process. Holds the password.",
        _database_url,
    ),
    Setting(
        "ALIGNMENT_AUTH_REDIRECT_URI",
        "auth.redirect_uri",
        "(none: local mode, no sign-in)",
        "Sign-in callback as the browser sees it, e.g. https://host/alignment/oauth2callback.",
        _http_url("/oauth2callback"),
    ),
    Setting(
        "ALIGNMENT_AUTH_COOKIE_SECRET",
        "auth.cookie_secret",
        "(none)",
        "Signs the sign-in cookie; the same on every app process; 32+ random characters.",
        _long_secret,
    ),
    Setting(
        "ALIGNMENT_AUTH_CLIENT_ID",
        "auth.client_id",
        "(none)",
        "The app's client id at the OpenID Connect provider.",
        _not_empty,
    ),
    Setting(
        "ALIGNMENT_AUTH_CLIENT_SECRET",
        "auth.client_secret",
        "(none)",
        "The app's client secret at the provider.",
        _not_empty,
    ),
    Setting(
        "ALIGNMENT_AUTH_SERVER_METADATA_URL",
        "auth.server_metadata_url",
        "(none)",
        "The provider's .well-known/openid-configuration URL.",
        _http_url(),
    ),
    Setting(
        "ORG_NAME",
        "organisation.name",
        "(none)",
        "Organisation name on pages and the meeting pack (services/organisation.py).",
        _name,
    ),
    Setting(
        "ORG_LOGO",
        "organisation.logo",
        "(none)",
        "Path to the organisation's logo (.png or .jpg; relative to the app folder) for pages and the pack.",
        _logo,
    ),
    Setting(
        "ORG_CURRENCY",
        "organisation.currency",
        "EUR",
        "The currency of every amount (ISO 4217), formatted per language by Babel.",
        _currency,
    ),
    Setting(
        "ORG_FISCAL_YEAR_START",
        "organisation.fiscal_year_start_month",
        "1 (January)",
        "First month of the fiscal year (1-12): the year filters, the full-year plan and the year-end forecast.",
        _fiscal_month,
    ),
    Setting(
        "ORG_TIME_ZONE",
        "organisation.time_zone",
        "Europe/Amsterdam",
        "IANA time zone in which times are shown (stored in UTC).",
        _time_zone,
    ),
    Setting(
        "SURVEY_MIN_GROUP",
        "survey.min_group_size",
        "5",
        "Smallest group whose survey scores are shown; at least 3.",
        _whole(3),
    ),
    Setting(
        "IMPORT_MAX_MB",
        None,
        "50",
        "Largest import file in MB; keep at most server.maxUploadSize and nginx's client_max_body_size.",
        _whole(1),
    ),
    Setting("IMPORT_MAX_ROWS", None, "2000000", "Most data rows in one import file.", _whole(1)),
    Setting("IMPORT_MAX_CELL", None, "2000", "Most characters in one imported cell.", _whole(1)),
    Setting(
        "STREAMLIT_SERVER_BASE_URL_PATH",
        None,
        "(none: served at /)",
        "Sub-path behind the proxy, e.g. alignment (Streamlit's server.baseUrlPath).",
        _base_path,
    ),
    Setting(
        "STREAMLIT_SERVER_COOKIE_SECRET",
        None,
        "(random per process)",
        "Signs Streamlit's upload (XSRF) cookie; set the same on every process when there is "
        "more than one and no sign-in (with sign-in the auth cookie secret is used).",
        _long_secret,
    ),
    Setting(
        "SEED_DEMO",
        None,
        "0",
        "1 fills an empty database with the demo data at start (demos and tests only).",
        _flag,
    ),
)


def _lookup(secrets: Mapping[str, Any], dotted: str) -> Any:
    value: Any = secrets
    for part in dotted.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return None
        value = value[part]
    return value


def read_secrets(paths: list[Path] | None = None) -> dict[str, Any]:
    """The secrets files merged (later files win per top-level section), as Streamlit reads them."""
    merged: dict[str, Any] = {}
    for path in paths if paths is not None else [SECRETS_PATH]:
        if path.is_file():
            with path.open("rb") as handle:
                merged |= tomllib.load(handle)
    return merged


def effective_auth(env: Mapping[str, str], secrets: Mapping[str, Any]) -> dict[str, Any]:
    """The [auth] section: the secrets file's, with the ALIGNMENT_AUTH_* variables over it."""
    auth = dict(secrets.get("auth") or {})
    for name, key in AUTH_ENV.items():
        if env.get(name, "").strip():
            auth[key] = env[name].strip()
    return auth


# Handled on the page by the app itself (the stricter default applies and the Trust page says
# so); serve.py still refuses to start with them.
HANDLED_IN_APP = frozenset({"SURVEY_MIN_GROUP"})


def problems(
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
    *,
    skip: frozenset[str] = frozenset(),
    auth_section: bool = True,
) -> list[str]:
    """Each bad or missing setting as "NAME (or [section] key) ...": names only, never a value.

    The ALIGNMENT_AUTH_* variables are checked one by one; the resulting [auth] section (the
    secrets file's with the variables over it) by access.auth_config, unless `auth_section`
    is False (the app's sign-in gate reports that section itself)."""
    env = os.environ if env is None else env
    secrets = read_secrets() if secrets is None else secrets
    found: list[str] = []
    for setting in SETTINGS:
        if setting.env in skip:
            continue
        where = setting.env + (
            f" (or [{setting.secret.rsplit('.', 1)[0]}] {setting.secret.rsplit('.', 1)[1]})"
            if setting.secret
            else ""
        )
        raw = env.get(setting.env)
        if raw is None and setting.secret and setting.env not in AUTH_ENV:
            raw = _lookup(secrets, setting.secret)
        if raw is None or (isinstance(raw, str) and not raw.strip() and setting.env not in AUTH_ENV):
            continue
        problem = setting.check(str(raw))
        if problem:
            found.append(f"{where} {problem}")
    auth = effective_auth(env, secrets)
    if any(env.get(name, "").strip() for name in AUTH_ENV):
        for name, key in AUTH_ENV.items():
            if not str(auth.get(key) or "").strip():
                found.append(
                    f"{name} (or [auth] {key}) is missing: sign-in needs all of {', '.join(AUTH_ENV)}"
                )
    if auth and auth_section:
        # The section as a whole (example values, cookie secret), unless named above already.
        named = {line.split(" ", 1)[0] for line in found}
        found.extend(
            problem
            for problem in auth_problems(auth)
            if not any(
                name in named and problem.startswith(f"[auth] {key} ") for name, key in AUTH_ENV.items()
            )
        )
    return found


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    return json.dumps(str(value))


def to_toml(data: Mapping[str, Any], prefix: str = "") -> str:
    """A TOML text for nested tables of strings, numbers, booleans and lists."""
    lines = [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in data.items() if not isinstance(v, Mapping)]
    for key, value in data.items():
        if isinstance(value, Mapping):
            name = f"{prefix}.{json.dumps(key)}" if prefix else json.dumps(key)
            lines.append(f"\n[{name}]")
            lines.append(to_toml(value, name))
    return "\n".join(lines)


def runtime_secrets_file(env: Mapping[str, str], secrets_paths: list[Path]) -> Path | None:
    """When ALIGNMENT_AUTH_* are set: the secrets files' content with that [auth], written to a
    new private file (mode 0600) for Streamlit; None when the environment sets no sign-in."""
    if not any(env.get(name, "").strip() for name in AUTH_ENV):
        return None
    secrets = read_secrets(secrets_paths)
    secrets["auth"] = effective_auth(env, secrets)
    folder = Path(tempfile.mkdtemp(prefix="alignment-secrets-"))
    path = folder / "secrets.toml"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(to_toml(secrets) + "\n")
    return path


def markdown_table() -> str:
    """The README's configuration table."""
    rows = ["| Environment variable | In secrets.toml | Default | What it sets |", "|---|---|---|---|"]
    for s in SETTINGS:
        secret = f"`[{s.secret.rsplit('.', 1)[0]}] {s.secret.rsplit('.', 1)[1]}`" if s.secret else "—"
        rows.append(f"| `{s.env}` | {secret} | {s.default} | {s.meaning} |")
    return "\n".join(rows)


if __name__ == "__main__":
    if sys.argv[1:] == ["--markdown"]:
        print(markdown_table())
    else:
        found = problems()
        for line in found:
            print(f"configuration error: {line}", file=sys.stderr)
        sys.exit(EXIT_CONFIG if found else 0)
