"""Every UI text exists in Dutch and English; formats follow the locale."""

import datetime as dt
import re
import string

import pandas as pd
import pytest

from i18n import LANGUAGES, load_catalog, names_by_code, normalise_language, translate
from i18n.format import format_day, format_eur, format_eur_compact, format_month, format_number, format_pct
from tests.source_tree import code_files

KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_and_same_placeholders() -> None:
    catalog = load_catalog()
    assert catalog, "no messages loaded"
    for key, texts in catalog.items():
        for lang in LANGUAGES:
            assert texts.get(lang, "").strip(), f"{key!r} has no {lang} text"
        assert _placeholders(texts["nl"]) == _placeholders(texts["en"]), f"{key!r} placeholders differ"


def test_every_key_used_in_code_exists() -> None:
    catalog = load_catalog()
    used = {key for path in code_files() for key in KEY_CALL.findall(path.read_text(encoding="utf-8"))}
    assert used, "the scan found no t('...') calls; the pattern is broken"
    missing = sorted(key for key in used if key not in catalog)
    assert not missing, f"keys used in code but missing from i18n/messages: {missing}"


def test_translate_fills_placeholders_and_falls_back_to_the_key() -> None:
    assert translate("overview.joint_detail", "en", joint=3, total=5) == "3 of 5 projects jointly funded"
    assert (
        translate("overview.joint_detail", "nl", joint=3, total=5)
        == "3 van 5 projecten gezamenlijk gefinancierd"
    )
    assert translate("no.such.key", "nl") == "no.such.key"


@pytest.mark.parametrize(
    ("value", "expected"), [("en", "en"), ("EN", "en"), ("fr", "nl"), (None, "nl"), ("", "nl")]
)
def test_normalise_language(value: object, expected: str) -> None:
    assert normalise_language(value) == expected


def test_euro_amounts_follow_the_locale() -> None:
    assert format_eur(1234567, "nl") == "€ 1.234.567"
    assert format_eur(1234567, "en") == "€1,234,567"
    assert format_eur(-1234.5, "nl", decimals=2) == "−€ 1.234,50"
    assert format_eur(float("nan"), "nl") == "n/a"
    assert format_eur(None, "en") == "n/a"
    assert format_eur_compact(2_450_000, "nl") == "€\u00a02,5\u00a0mln"
    assert format_eur_compact(2_450_000, "en") == "€2.5m"


def test_percentages_numbers_and_months() -> None:
    assert format_pct(0.9534, "nl", decimals=1) == "95,3%"
    assert format_pct(0.9534, "en", decimals=1) == "95.3%"
    assert format_pct(float("inf"), "en") == "n/a"
    assert format_number(1234.5, "nl", decimals=1) == "1.234,5"
    assert format_month(dt.date(2026, 10, 1), "nl") == "oktober 2026"
    assert format_month(dt.date(2026, 10, 1), "en") == "October 2026"
    assert format_day(dt.date(2026, 10, 31), "nl") == "31-10-2026"


def test_signed_changes_round_before_choosing_the_sign() -> None:
    from i18n.format import format_signed

    assert format_signed(-0.04, "nl") == "±0,0"
    assert format_signed(2.345, "en", suffix=" pt") == "+2.3 pt"
    assert format_signed(-1.25, "nl") == "−1,3"


def test_formats_equal_babels_own_functions() -> None:
    """The formatters parse each pattern once; the text is Babel's, for any amount."""
    import random

    from babel.numbers import format_currency, format_decimal, format_percent

    from i18n.format import _locale, format_eur, format_number, format_pct, half_up

    rng = random.Random(7)
    values = [rng.uniform(-1e9, 1e9) for _ in range(300)] + [rng.uniform(-2, 2) for _ in range(300)]
    for value in [*values, 0.0, 0.5, -0.5, 1.005, 2.675, 999.5]:
        for lang in ("nl", "en"):
            for decimals in (0, 1, 2):
                number = "#,##0" + ("." + "0" * decimals if decimals else "")
                money = f"¤ {number};−¤ {number}" if lang == "nl" else f"¤{number};−¤{number}"
                locale = _locale(lang)
                rounded = half_up(value, decimals)
                unsigned_zero = rounded if rounded else abs(rounded)  # no "−€ 0"
                assert format_eur(value, lang, decimals=decimals) == format_currency(
                    unsigned_zero, "EUR", format=money, locale=locale, currency_digits=False
                )
                assert format_number(value, lang, decimals=decimals) == format_decimal(
                    rounded, format=number, locale=locale
                )
                assert format_pct(value, lang, decimals=decimals) == format_percent(
                    half_up(value, decimals + 2), format=number + "%", locale=locale
                )


def test_names_by_code_maps_codes_to_the_language_asked() -> None:
    rows = pd.DataFrame(
        {"code": ["MKT", "IT"], "name_nl": ["Marketing NL", "ICT"], "name_en": ["Marketing", "IT"]}
    )
    assert names_by_code(rows, "nl") == {"MKT": "Marketing NL", "IT": "ICT"}
    assert names_by_code(rows, "en") == {"MKT": "Marketing", "IT": "IT"}
    assert names_by_code(rows.iloc[:0], "en") == {}
