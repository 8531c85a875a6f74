"""Money in any ISO 4217 currency, in Dutch and English (i18n.format.format_money*)."""

from __future__ import annotations

import pytest

from i18n.format import currency_name, currency_symbol, format_money, format_money_compact

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("currency", "lang", "expected"),
    [
        ("EUR", "nl", "€ 1.234.567"),
        ("EUR", "en", "€1,234,567"),
        ("CHF", "nl", "CHF 1.234.567"),
        ("CHF", "en", "CHF 1,234,567"),
        ("USD", "nl", "US$ 1.234.567"),
        ("USD", "en", "US$1,234,567"),
        ("JPY", "nl", "JP¥ 1.234.567"),
        ("JPY", "en", "JP¥1,234,567"),
    ],
)
def test_whole_amounts_in_each_currency_and_language(currency: str, lang: str, expected: str) -> None:
    assert format_money(1234567, lang, currency=currency) == expected


def test_decimals_follow_the_currency() -> None:
    assert format_money(1234.5, "nl", currency="CHF", decimals=2) == "CHF 1.234,50"
    assert format_money(1234.5, "en", currency="USD", decimals=2) == "US$1,234.50"
    # The yen has no minor unit: never decimals, rounded half up.
    assert format_money(1234.5, "en", currency="JPY", decimals=2) == "JP¥1,235"
    assert format_money(1234.5, "nl", currency="JPY", decimals=2) == "JP¥ 1.235"


def test_negative_amounts_start_with_the_minus_sign() -> None:
    assert format_money(-1234.5, "nl", currency="EUR", decimals=2) == "−€ 1.234,50"
    assert format_money(-1234567, "en", currency="EUR") == "−€1,234,567"
    assert format_money(-1234567, "en", currency="CHF") == "−CHF 1,234,567"
    # Rounding to zero drops the sign.
    assert format_money(-0.4, "en", currency="EUR") == "€0"


def test_compact_amounts() -> None:
    assert format_money_compact(1_234_567, "nl", currency="CHF") == f"CHF{NBSP}1,2{NBSP}mln"
    assert format_money_compact(1_234_567, "en", currency="CHF") == f"CHF{NBSP}1.2m"
    assert format_money_compact(2_450_000, "nl", currency="EUR") == f"€{NBSP}2,5{NBSP}mln"
    assert format_money_compact(2_450_000, "en", currency="EUR") == "€2.5m"
    assert format_money_compact(322_000, "en", currency="USD") == "US$322k"
    assert format_money_compact(322_000, "nl", currency="JPY") == f"JP¥{NBSP}322k"
    assert format_money_compact(9_999, "en", currency="CHF") == "CHF 9,999"


def test_compact_negative_amounts_never_put_the_minus_after_the_symbol() -> None:
    assert format_money_compact(-1_483_200_000, "en", currency="EUR") == "−€1.48bn"
    assert format_money_compact(5_728_600_000, "nl", currency="CHF") == f"CHF{NBSP}5,73{NBSP}mld"
    assert format_money_compact(999_949_999, "en", currency="EUR") == "€999.9m"
    assert format_money_compact(999_950_000, "en", currency="EUR") == "€1.00bn"
    assert format_money_compact(-1_500_000, "nl", currency="EUR") == f"−€{NBSP}1,5{NBSP}mln"
    assert format_money_compact(-1_500_000, "en", currency="CHF") == f"−CHF{NBSP}1.5m"
    assert format_money_compact(-25_000, "nl", currency="EUR") == f"−€{NBSP}25k"
    assert "€-" not in format_money_compact(-1_483_200_000, "en", currency="EUR")


def test_missing_amounts_are_not_available() -> None:
    assert format_money(None, "nl", currency="CHF") == "n/a"
    assert format_money_compact(float("nan"), "en", currency="CHF") == "n/a"


def test_currency_symbols_and_names_come_from_babel() -> None:
    assert currency_symbol("EUR", "nl") == "€"
    assert currency_symbol("CHF", "en") == "CHF"
    assert currency_name("EUR", "en") == "euros"
    assert currency_name("CHF", "en") == "Swiss francs"
    assert currency_name("CHF", "nl") == "Zwitserse frank"


def test_the_catalogue_names_the_organisations_currency_as_the_unit_of_money_kpis() -> None:
    import pandas as pd

    from kpis.catalogue import catalogue_table

    changes = pd.DataFrame(columns=["kpi", "updated_by", "updated_at", "effective_from"])
    table = catalogue_table(
        targets={}, changes=changes, translate=lambda key: f"<{key}>", currency_name="Swiss francs"
    ).set_index("code")
    assert table.loc["eac", "unit"] == "Swiss francs"
    assert table.loc["cpi", "unit"] == "<catalogue.unit.ratio>"
    euro = catalogue_table(targets={}, changes=changes, translate=lambda key: f"<{key}>").set_index("code")
    assert euro.loc["eac", "unit"] == "<catalogue.unit.eur>"


def test_format_number_is_babels_pattern_on_many_values() -> None:
    """format_number writes the half-up rounded decimal with Python's formatting and the
    language's symbols; Babel's own pattern formatting of the same decimal is the reference."""
    import random

    from i18n.format import _apply, format_number, half_up

    rng = random.Random(23)
    values = [
        0.0,
        -0.0,
        0.5,
        -0.5,
        0.05,
        -0.04,
        999.5,
        1000.0,
        -1234.5,
        1e15,
        -1e20,
        2.675,
        1 / 3,
        123456789.125,
    ]
    values += [rng.uniform(-1e9, 1e9) for _ in range(300)] + [rng.uniform(-2, 2) for _ in range(300)]
    values += [round(rng.uniform(-1e6, 1e6), 2) + 0.005 for _ in range(200)]
    for lang in ("nl", "en"):
        for decimals in range(4):
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
            for value in values:
                expected = _apply(pattern, half_up(value, decimals), lang)
                assert format_number(value, lang, decimals=decimals) == expected, (value, lang, decimals)


def test_format_pct_is_babels_pattern_on_many_values() -> None:
    import random

    from i18n.format import _apply, format_pct, half_up

    rng = random.Random(7)
    values = [0.0, -0.0, 0.005, -0.004, 0.9535, 1.0, 12.345, -0.125] + [
        rng.uniform(-3, 3) for _ in range(400)
    ]
    for lang in ("nl", "en"):
        for decimals in range(3):
            pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
            for value in values:
                expected = _apply(pattern, half_up(value, decimals + 2), lang)
                assert format_pct(value, lang, decimals=decimals) == expected, (value, lang, decimals)


def test_format_money_is_the_sign_symbol_and_babels_number() -> None:
    import random

    from i18n.format import MINUS, _apply, _money_prefix, format_money, half_up

    rng = random.Random(11)
    values = [0.0, -0.0, -0.4, 0.5, -0.5, 1234.5, -1234.5, 999999.995] + [
        rng.uniform(-1e8, 1e8) for _ in range(400)
    ]
    for currency in ("EUR", "CHF", "JPY", "USD"):
        for lang in ("nl", "en"):
            for decimals in (0, 2):
                for value in values:
                    places = 0 if currency == "JPY" else decimals
                    rounded = half_up(value, places)
                    pattern = "#,##0" + ("." + "0" * places if places else "")
                    expected = (
                        (MINUS if rounded < 0 else "")
                        + _money_prefix(currency, lang, space=" ")
                        + _apply(pattern, half_up(float(abs(rounded)), places), lang)
                    )
                    assert format_money(value, lang, currency=currency, decimals=decimals) == expected, (
                        value,
                        currency,
                        lang,
                        decimals,
                    )
