"""Numbers, money, percentages and months in the chosen language's conventions (Babel)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import NumberPattern, parse_pattern

LOCALES = {"nl": "nl_NL", "en": "en_GB"}
NOT_AVAILABLE = "n/a"


def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES["nl"])


@lru_cache(maxsize=8)
def _babel_locale(lang: str) -> Locale:
    return Locale.parse(_locale(lang))


@lru_cache(maxsize=64)
def _pattern(pattern: str) -> NumberPattern:
    """A parsed CLDR number pattern; Babel's format_* functions parse it again on every call,
    which is most of their cost in a table of thousands of cells."""
    return parse_pattern(pattern)


def _apply(pattern: str, number: Decimal, lang: str, *, currency: str | None = None) -> str:
    """Babel's format_currency/format_decimal/format_percent with an explicit pattern (what
    they do inside), with the pattern and the locale parsed once."""
    return _pattern(pattern).apply(number, _babel_locale(lang), currency=currency, currency_digits=False)


def half_up(value: float, decimals: int) -> Decimal:
    """Round half away from zero, as people and finance systems do (not banker's rounding)."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def format_eur(amount: float | None, lang: str, *, decimals: int = 0) -> str:
    """Euros: `€ 1.234.567` in Dutch, `€1,234,567` in English; n/a when missing."""
    if _missing(amount):
        return NOT_AVAILABLE
    number = "#,##0" + ("." + "0" * decimals if decimals else "")
    pattern = f"¤ {number};¤ -{number}" if lang == "nl" else f"¤{number};-¤{number}"
    assert amount is not None
    return _apply(pattern, half_up(amount, decimals), lang, currency="EUR")


def format_eur_compact(amount: float | None, lang: str) -> str:
    """Euros in thousands or millions for tiles: `€ 1,2 mln` / `€1.2m` (no-break spaces in Dutch)."""
    if _missing(amount):
        return NOT_AVAILABLE
    assert amount is not None
    size = abs(amount)
    if size >= 1_000_000:
        number = _apply("#,##0.0", half_up(amount / 1_000_000, 1), lang)
        return f"€\u00a0{number}\u00a0mln" if lang == "nl" else f"€{number}m"
    if size >= 10_000:
        number = _apply("#,##0", half_up(amount / 1_000, 0), lang)
        return f"€\u00a0{number}k" if lang == "nl" else f"€{number}k"
    return format_eur(amount, lang)


def format_pct(ratio: float | None, lang: str, *, decimals: int = 0) -> str:
    """A ratio as a percentage: 0.953 -> `95%` (`95,3%` with one decimal in Dutch)."""
    if _missing(ratio):
        return NOT_AVAILABLE
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    assert ratio is not None
    return _apply(pattern, half_up(ratio, decimals + 2), lang)


def format_number(value: float | None, lang: str, *, decimals: int = 0) -> str:
    """A plain number with the language's grouping and decimal separators."""
    if _missing(value):
        return NOT_AVAILABLE
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    assert value is not None
    return _apply(pattern, half_up(value, decimals), lang)


def format_signed(value: float | None, lang: str, *, decimals: int = 1, suffix: str = "") -> str:
    """A change with its sign: `+2,5` / `−1.0`; suffix such as ` pt` appended."""
    if _missing(value):
        return NOT_AVAILABLE
    assert value is not None
    rounded = float(half_up(value, decimals))
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return f"{sign}{format_number(abs(rounded), lang, decimals=decimals)}{suffix}"


def format_month(month: dt.date, lang: str, *, short: bool = False) -> str:
    """A month: `oktober 2026` / `October 2026` (short: `okt 2026` / `Oct 2026`)."""
    return format_date(month, "MMM y" if short else "MMMM y", locale=_locale(lang))


def format_day(day: dt.date | None, lang: str) -> str:
    """A date: `31-10-2026` in Dutch, `31 Oct 2026` in English."""
    if day is None:
        return NOT_AVAILABLE
    return format_date(day, "dd-MM-y" if lang == "nl" else "d MMM y", locale=_locale(lang))
