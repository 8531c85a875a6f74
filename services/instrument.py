"""The survey instrument's dimensions as the pages, charts and the pack name them.

Input is data_access.survey.load_survey_dimensions' frame (code, name_nl, name_en,
sort_order); every function keeps the instrument's order (sort_order, then code).
"""

from __future__ import annotations

import pandas as pd

from i18n import translate
from kpis.survey_stats import OVERALL


def _ordered(dimensions: pd.DataFrame) -> pd.DataFrame:
    return dimensions.sort_values(["sort_order", "code"], kind="stable")


def dimension_codes(dimensions: pd.DataFrame) -> list[str]:
    """The dimensions' codes in the instrument's order: frame -> ["ability", ...]."""
    return [str(code) for code in _ordered(dimensions)["code"]]


def dimension_names(dimensions: pd.DataFrame, lang: str) -> dict[str, str]:
    """Code -> name in `lang`, in the instrument's order: frame -> {"ability": "Bekwaamheid", ...}."""
    ordered = _ordered(dimensions)
    return {str(c): str(n) for c, n in zip(ordered["code"], ordered[f"name_{lang}"], strict=True)}


def dimension_labels(dimensions: pd.DataFrame, lang: str) -> dict[str, str]:
    """The overall index first, then every dimension: {OVERALL: "Totaal", "ability": ...}."""
    return {OVERALL: translate("trust.dim.overall", lang)} | dimension_names(dimensions, lang)


def names_by_language(dimensions: pd.DataFrame) -> dict[str, dict[str, str]]:
    """Code -> {"nl": name, "en": name}, for texts built before the language is known."""
    return {
        str(c): {"nl": str(nl), "en": str(en)}
        for c, nl, en in zip(dimensions["code"], dimensions["name_nl"], dimensions["name_en"], strict=True)
    }


def instrument_rows(instrument: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The instrument for the catalogue, in its order: frame with items -> position, code, name, items."""
    ordered = _ordered(instrument).reset_index(drop=True)
    return pd.DataFrame(
        {
            "position": range(1, len(ordered) + 1),
            "code": ordered["code"].astype(str),
            "name": ordered[f"name_{lang}"].astype(str),
            "items": ordered["items"].astype(int),
        }
    )
