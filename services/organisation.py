"""The organisation's name and logo for the meeting pack (and anything else that names it).

Read from the environment (`ORG_NAME`, `ORG_LOGO`), else from `.streamlit/secrets.toml`:

    [organisation]
    name = "Acme Retail"
    logo = "/srv/alignment/logo.png"   # PNG or JPEG; a relative path is taken from the app folder

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
    return Organisation(name=name[:120] or None, logo_path=_logo(logo))
