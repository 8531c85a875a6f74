"""Translation: one function, Dutch and English catalogues side by side.

Catalogues are TOML files in i18n/messages/, one per area of the app, each key a table
with `nl` and `en`:

    ["overview.title"]
    nl = "Overzicht"
    en = "Overview"

Placeholders use str.format names: `"{count} projecten"`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"
MESSAGES_DIR = Path(__file__).resolve().parent / "messages"


@cache
def load_catalog() -> dict[str, dict[str, str]]:
    """All messages: key -> {language: text}, merged from every file in i18n/messages/."""
    catalog: dict[str, dict[str, str]] = {}
    for path in sorted(MESSAGES_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            for key, texts in tomllib.load(handle).items():
                if key in catalog:
                    raise ValueError(f"Message key {key!r} is defined twice (again in {path.name})")
                catalog[key] = texts
    return catalog


def translate(key: str, lang: str, /, **params: object) -> str:
    """The text for `key` in `lang`, with placeholders filled; the key itself if unknown."""
    texts = load_catalog().get(key)
    if texts is None:
        return key
    template = texts.get(lang) or texts.get(DEFAULT_LANGUAGE) or key
    return template.format(**params) if params else template


def normalise_language(value: object) -> str:
    """A supported language code from user input (URL, setting); the default otherwise."""
    text = str(value or "").strip().lower()[:2]
    return text if text in LANGUAGES else DEFAULT_LANGUAGE


def names_by_code(rows: pd.DataFrame, lang: str) -> dict[str, str]:
    """Code -> name in `lang` of reference rows (code, name_nl, name_en): {"MKT": "Marketing", ...}."""
    # .tolist() first: iterating an Arrow-backed string column value by value costs ~1 µs each.
    return dict(zip(rows["code"].tolist(), rows[f"name_{lang}"].tolist(), strict=True))
