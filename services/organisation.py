"""The organisation's name and logo for the meeting pack (and anything else that names it).

Each setting comes from the row an admin saved on the page "Organisation" (table
organisation_settings, when an engine is given), else from the environment (`ORG_NAME`,
`ORG_LOGO`, ...), else from `.streamlit/secrets.toml`, else the default:

    [organisation]
    name = "Acme Retail"
    logo = "/srv/alignment/logo.png"   # PNG or JPEG; a relative path is taken from the app folder
    currency = "CHF"                     # ISO 4217 (ORG_CURRENCY); default EUR
    fiscal_year_start_month = 4          # ORG_FISCAL_YEAR_START; default 1 (calendar year)
    time_zone = "Europe/Zurich"          # ORG_TIME_ZONE; default Europe/Amsterdam

Without a name the pack uses a translated generic title (`organisation.generic_name`); a
logo file that does not exist is ignored (the pack is still made, without a logo).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine

from data_access.organisation_settings import (
    LOGO_TYPES,
    NAME_MAX,
    OrganisationSettings,
    known_currency,
    known_zone,
    logo_media_type,
)
from i18n import translate

ROOT = Path(__file__).resolve().parent.parent
SECRETS_PATH = ROOT / ".streamlit" / "secrets.toml"


@dataclass(frozen=True)
class Organisation:
    """The organisation's name (None: not set) and the path of its logo (None: no usable logo)."""

    name: str | None = None
    logo_path: Path | None = None
    currency: str = "EUR"
    """ISO 4217 code of every amount in the data (formatted by Babel)."""
    fiscal_year_start_month: int = 1
    """1 = January (calendar year), 4 = April, 7 = July ..."""
    time_zone: str = "Europe/Amsterdam"
    """IANA name; every time shown to a person is in this zone."""

    def display_name(self, lang: str) -> str:
        """The name, or the generic title in `lang` when none is set."""
        return self.name or translate("organisation.generic_name", lang)


def _read_secrets(path: Path) -> Mapping[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return {}


LOGO_SUFFIXES = (".png", ".jpg", ".jpeg")


def logo_file(text: str) -> Path:
    """Where a logo path from the environment or secrets points: `~` expanded, a relative
    path taken from the app folder."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else ROOT / path


def _logo(value: object) -> Path | None:
    text = str(value or "").strip()
    if not text:
        return None
    path = logo_file(text)
    return path if path.is_file() and path.suffix.lower() in LOGO_SUFFIXES else None


FIELDS = ("name", "logo", "currency", "fiscal_year_start_month", "time_zone")
DEFAULT = Organisation()
ENV_NAMES = {
    "name": "ORG_NAME",
    "logo": "ORG_LOGO",
    "currency": "ORG_CURRENCY",
    "fiscal_year_start_month": "ORG_FISCAL_YEAR_START",
    "time_zone": "ORG_TIME_ZONE",
}
SECRET_NAMES = {name: name for name in ENV_NAMES}


def cleaned_settings(
    *,
    name: str | None,
    logo: bytes | None,
    currency: str | None,
    fiscal_year_start_month: int | None,
    time_zone: str | None,
) -> OrganisationSettings:
    """Form input as it would be stored: text stripped (empty: not set), the currency in
    capitals, the logo's media type from its bytes."""

    def cleaned(value: str | None) -> str | None:
        value = (value or "").strip()
        return value or None

    currency_code = cleaned(currency)
    return OrganisationSettings(
        name=cleaned(name),
        logo=logo or None,
        logo_media_type=logo_media_type(logo) if logo else None,
        currency=currency_code.upper() if currency_code else None,
        fiscal_year_start_month=fiscal_year_start_month,
        time_zone=cleaned(time_zone),
    )


@lru_cache(maxsize=1)
def _logo_folder() -> Path:
    """A folder private to this process's user for stored logos (the pack embeds a file)."""
    return Path(tempfile.mkdtemp(prefix="alignment-logo-"))


def stored_logo_path(data: bytes, media_type: str | None) -> Path:
    """A file holding the stored logo `data` (written once per content), for the pack."""
    suffix = LOGO_TYPES.get(media_type or "", (b"", "", ".png"))[2]
    path = _logo_folder() / f"{hashlib.sha256(data).hexdigest()}{suffix}"
    if not path.is_file():
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)
    return path


def describe_organisation(
    *,
    stored: OrganisationSettings | None,
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
) -> tuple[Organisation, dict[str, str]]:
    """The organisation and where each setting comes from: "stored", "environment",
    "secrets" or "default" (per setting, the first of those that is set and valid)."""
    env = os.environ if env is None else env
    section = (_read_secrets(SECRETS_PATH) if secrets is None else secrets).get("organisation", {})
    section = section if isinstance(section, Mapping) else {}
    stored = stored or OrganisationSettings()
    sources: dict[str, str] = {}

    def pick(name: str, stored_value: object, parse: Any, default: Any) -> Any:
        candidates = (
            ("stored", stored_value),
            ("environment", env.get(ENV_NAMES[name])),
            ("secrets", section.get(SECRET_NAMES[name])),
        )
        for source, raw in candidates:
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            value = parse(raw) if source != "stored" else raw
            if value is not None:
                sources[name] = source
                return value
        sources[name] = "default"
        return default

    def parse_name(raw: object) -> str | None:
        return str(raw).strip()[:NAME_MAX] or None

    stored_logo = stored_logo_path(stored.logo, stored.logo_media_type) if stored.logo else None
    organisation = Organisation(
        name=pick("name", stored.name, parse_name, None),
        logo_path=pick("logo", stored_logo, _logo, None),
        currency=pick("currency", stored.currency, parse_currency, DEFAULT.currency),
        fiscal_year_start_month=pick(
            "fiscal_year_start_month",
            stored.fiscal_year_start_month,
            parse_month,
            DEFAULT.fiscal_year_start_month,
        ),
        time_zone=pick("time_zone", stored.time_zone, parse_zone, DEFAULT.time_zone),
    )
    return organisation, sources


def load_organisation(
    *,
    env: Mapping[str, str] | None = None,
    secrets: Mapping[str, Any] | None = None,
    engine: Engine | None = None,
) -> Organisation:
    """The organisation: the row saved in the database (with `engine`), else ORG_NAME / ORG_LOGO /
    ORG_CURRENCY / ORG_FISCAL_YEAR_START / ORG_TIME_ZONE, else secrets.toml [organisation], else
    the defaults; setting by setting."""
    stored = None
    if engine is not None:
        from data_access.organisation import load_organisation_settings

        stored = load_organisation_settings(engine=engine)
    return describe_organisation(stored=stored, env=env, secrets=secrets)[0]


def parse_currency(raw: object) -> str | None:
    """An ISO 4217 code as written in the environment or secrets (`chf` is CHF); None if unknown."""
    code = str(raw).strip().upper()
    return code if known_currency(code) else None


def parse_zone(raw: object) -> str | None:
    """An IANA time zone name; None if unknown."""
    zone = str(raw).strip()
    return zone if known_zone(zone) else None


def parse_month(value: object) -> int | None:
    """A month number 1-12 (the fiscal year's first month); None otherwise."""
    try:
        month = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return month if 1 <= month <= 12 else None


def currency_codes() -> tuple[str, ...]:
    """Every ISO 4217 code Babel knows, sorted."""
    from babel.numbers import list_currencies

    return tuple(sorted(list_currencies()))


def currency_label(code: str, lang: str) -> str:
    """`CHF – Zwitserse frank` / `CHF – Swiss Franc`: the code and its name in the language."""
    from babel.numbers import get_currency_name

    from i18n.format import LOCALES

    return f"{code} – {get_currency_name(code, locale=LOCALES.get(lang, LOCALES['nl']))}"


def month_name(month: int, lang: str) -> str:
    """The month's name in the language: `april` / `April`."""
    from babel.dates import get_month_names

    from i18n.format import LOCALES

    return str(get_month_names("wide", locale=LOCALES.get(lang, LOCALES["nl"]))[month])


def time_zone_names() -> tuple[str, ...]:
    """Every IANA time zone name on this system, sorted."""
    from zoneinfo import available_timezones

    return tuple(sorted(available_timezones()))


def _logo_text(size: int, sha256: str, lang: str) -> str:
    return translate("orgsettings.logo_audit", lang, size_kb=-(-size // 1024), sha=sha256[:12])


def describe_logo(data: bytes, lang: str) -> str:
    """A stored logo as a person can tell it apart: `3 kB (SHA-256 4f2a9c01b7e3…)`."""
    return _logo_text(len(data), hashlib.sha256(data).hexdigest(), lang)


def describe_audit_values(values: object, lang: str, *, settings: tuple[str, ...] = FIELDS) -> str:
    """An audit row's JSON of these settings in plain words: `Valuta: CHF – Zwitserse frank; …`;
    a setting not set in the app as "(not set here)", the logo as its size and hash."""
    import json

    if not isinstance(values, str) or not values:
        return ""  # no values (the first save has no "before"; pandas may hand NaN)
    data = json.loads(values)
    not_set = translate("orgsettings.not_set", lang)
    parts = []
    for setting in settings:
        value = data.get(setting)
        if value is None:
            text = not_set
        elif setting == "currency":
            text = currency_label(str(value), lang) if known_currency(str(value)) else str(value)
        elif setting == "fiscal_year_start_month":
            text = month_name(int(value), lang)
        elif setting == "logo" and isinstance(value, dict):
            text = _logo_text(int(value.get("bytes", 0)), str(value.get("sha256", "")), lang)
        else:
            text = str(value)
        parts.append(f"{translate(f'orgsettings.{setting}', lang)}: {text}")
    return "; ".join(parts)


def describe_audit_change(old: object, new: object, lang: str) -> tuple[str, str]:
    """An audit row as (was, became) in plain words, naming only the settings that changed
    (a first save: nothing before, every setting after)."""
    import json

    if not isinstance(new, str) or not new:
        return describe_audit_values(old, lang), ""
    if not isinstance(old, str) or not old:
        return "", describe_audit_values(new, lang)
    before, after = json.loads(old), json.loads(new)
    changed = tuple(setting for setting in FIELDS if before.get(setting) != after.get(setting))
    if not changed:
        same = translate("orgsettings.no_change", lang)
        return same, same
    return (
        describe_audit_values(old, lang, settings=changed),
        describe_audit_values(new, lang, settings=changed),
    )
