"""The organisation's name and logo for the meeting pack (and anything else that names it).

Read from the environment (`ORG_NAME`, `ORG_LOGO`), else from `.streamlit/secrets.toml`:

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

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def _logo(value: object) -> Path | None:
    text = str(value or "").strip()
    if not text:
        return None
    path = Path(text).expanduser()
    if not path.is_absolute():
        path = ROOT / path
    return path if path.is_file() and path.suffix.lower() in {".png", ".jpg", ".jpeg"} else None


def load_organisation(
    *, env: Mapping[str, str] | None = None, secrets: Mapping[str, Any] | None = None
) -> Organisation:
    """The organisation from ORG_NAME / ORG_LOGO, else secrets.toml [organisation] name / logo."""
    env = os.environ if env is None else env
    section = (_read_secrets(SECRETS_PATH) if secrets is None else secrets).get("organisation", {})
    section = section if isinstance(section, Mapping) else {}
    name = (env.get("ORG_NAME") or str(section.get("name") or "")).strip()
    logo = env.get("ORG_LOGO") or section.get("logo")
    currency = str(env.get("ORG_CURRENCY") or section.get("currency") or "EUR").strip().upper()
    fy_start = _month(env.get("ORG_FISCAL_YEAR_START") or section.get("fiscal_year_start_month"))
    zone = str(env.get("ORG_TIME_ZONE") or section.get("time_zone") or "Europe/Amsterdam").strip()
    return Organisation(
        name=name[:120] or None,
        logo_path=_logo(logo),
        currency=currency if _known_currency(currency) else "EUR",
        fiscal_year_start_month=fy_start,
        time_zone=zone if _known_zone(zone) else "Europe/Amsterdam",
    )


def _month(value: object) -> int:
    try:
        month = int(str(value).strip())
    except (TypeError, ValueError):
        return 1
    return month if 1 <= month <= 12 else 1


def _known_currency(code: str) -> bool:
    from babel.numbers import list_currencies

    return code in list_currencies()


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
