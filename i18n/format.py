"""Numbers, money, percentages and months in the chosen language's conventions (Babel)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import (
    NumberPattern,
    get_currency_name,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    parse_pattern,
)

from i18n import translate

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


MINUS = "\u2212"
DEFAULT_CURRENCY = "EUR"


@lru_cache(maxsize=64)
def currency_symbol(currency: str, lang: str) -> str:
    """The currency's symbol in the language (Babel/CLDR): `€`, `CHF`, `US$`, `JP¥`."""
    return get_currency_symbol(currency, locale=_babel_locale(lang))


@lru_cache(maxsize=64)
def currency_name(currency: str, lang: str) -> str:
    """The currency's name as used in "amounts in ...": `euro` / `euros`, `Zwitserse frank` /
    `Swiss francs` (Babel's plural form; Dutch keeps the singular after "in")."""
    return get_currency_name(currency, count=2, locale=_babel_locale(lang))


@lru_cache(maxsize=64)
def currency_digits(currency: str) -> int:
    """The decimals the currency has at most (ISO 4217 minor unit): 2 for EUR, 0 for JPY."""
    return get_currency_precision(currency)


def _money_prefix(currency: str, lang: str, *, space: str) -> str:
    """The symbol and the space after it: always in Dutch (`€ 5`), in English only after a
    symbol that ends in a letter (`€5`, `CHF 5`)."""
    symbol = currency_symbol(currency, lang)
    return symbol + (space if lang == "nl" or symbol[-1:].isalpha() else "")


def format_money(amount: float | None, lang: str, *, currency: str, decimals: int = 0) -> str:
    """An amount in the currency (ISO 4217): `€ 1.234.567` / `CHF 1.234.567` in Dutch,
    `€1,234,567` / `CHF 1,234,567` in English; a negative amount starts with the minus sign
    (`−€ 1.234`); never more decimals than the currency has (JPY none); n/a when missing."""
    if _missing(amount):
        return NOT_AVAILABLE
    assert amount is not None
    decimals = min(decimals, currency_digits(currency))
    rounded = half_up(amount, decimals)
    number = _grouped(abs(rounded), decimals, lang)
    return (MINUS if rounded < 0 else "") + _money_prefix(currency, lang, space=" ") + number


def money_column_pattern(lang: str) -> str:
    """A printf pattern (Streamlit's NumberColumn `format`) for whole amounts grouped as the
    language groups them, whatever the browser's language: `%'.,.0f` shows `1.234.567` in
    Dutch, `%,.0f` `1,234,567` in English (`-855` when negative). Streamlit's "euro" and
    "localized" formats follow the browser: `€159,237` on a Dutch page in an English browser,
    which a Dutch reader takes for 159 euros."""
    group = get_group_symbol(_babel_locale(lang))
    return "%,.0f" if group == "," else "%_.0f" if group == "_" else f"%'{group},.0f"


def format_money_compact(amount: float | None, lang: str, *, currency: str) -> str:
    """An amount in thousands, millions or billions for tiles: `€ 1,2 mln` / `€1.2m`,
    `CHF 1,2 mln` / `CHF 1.2m`, `−€ 1,5 mln` / `−€1.5m`, `CHF 5,73 mld` / `CHF 5.73bn`
    (no-break spaces); below 10,000 the whole amount. Short enough for a tile at 1280 px."""
    if _missing(amount):
        return NOT_AVAILABLE
    assert amount is not None
    size = abs(amount)
    if size < 10_000:
        return format_money(amount, lang, currency=currency)
    prefix = _money_prefix(currency, lang, space="\u00a0")
    if size >= 999_950_000:  # from what would round to 1,000.0 million
        rounded = half_up(amount / 1_000_000_000, 2)
        number = _apply("#,##0.00", abs(rounded), lang) + ("\u00a0mld" if lang == "nl" else "bn")
    elif size >= 1_000_000:
        rounded = half_up(amount / 1_000_000, 1)
        number = _apply("#,##0.0", abs(rounded), lang) + ("\u00a0mln" if lang == "nl" else "m")
    else:
        rounded = half_up(amount / 1_000, 0)
        number = _apply("#,##0", abs(rounded), lang) + "k"
    return (MINUS if rounded < 0 else "") + prefix + number


def format_eur(amount: float | None, lang: str, *, decimals: int = 0) -> str:
    """Euros (format_money in EUR)."""
    return format_money(amount, lang, currency=DEFAULT_CURRENCY, decimals=decimals)


def format_eur_compact(amount: float | None, lang: str) -> str:
    """Euros in thousands or millions (format_money_compact in EUR)."""
    return format_money_compact(amount, lang, currency=DEFAULT_CURRENCY)


def format_pct(ratio: float | None, lang: str, *, decimals: int = 0) -> str:
    """A ratio as a percentage: 0.953 -> `95%` (`95,3%` with one decimal in Dutch)."""
    if _missing(ratio):
        return NOT_AVAILABLE
    assert ratio is not None
    # Babel's pattern `#,##0%` (with decimals `#,##0.0…%`): the rounded ratio × 100, exactly.
    number = half_up(ratio, decimals + 2).scaleb(2)
    return _grouped(number, decimals, lang) + _percent_sign(lang)


@lru_cache(maxsize=8)
def _percent_sign(lang: str) -> str:
    """The language's percent sign (CLDR, as Babel's percent patterns write it)."""
    return _pattern("0%").apply(Decimal(0), _babel_locale(lang))[1:]


@lru_cache(maxsize=8)
def _number_symbols(lang: str) -> dict[int, str]:
    """Python's grouping, decimal and minus characters -> the language's (CLDR, via Babel)."""
    locale = _babel_locale(lang)
    return str.maketrans(
        {
            ",": get_group_symbol(locale),
            ".": get_decimal_symbol(locale),
            "-": get_minus_sign_symbol(locale),
        }
    )


def _grouped(number: Decimal, decimals: int, lang: str) -> str:
    """An exact decimal with `decimals` places, grouped by thousands, in the language's
    symbols: what Babel's pattern `#,##0` (`#,##0.0…`) writes for it."""
    return f"{number:,.{decimals}f}".translate(_number_symbols(lang))


def format_number(value: float | None, lang: str, *, decimals: int = 0) -> str:
    """A plain number with the language's grouping and decimal separators.

    What Babel's pattern `#,##0` (`#,##0.0…` with decimals) gives for the half-up rounded
    decimal, written by Python's exact decimal formatting with the language's symbols: a
    table of thousands of amounts spends most of its time here (tests/i18n compare both)."""
    if _missing(value):
        return NOT_AVAILABLE
    assert value is not None
    return _grouped(half_up(value, decimals), decimals, lang)


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


def format_fiscal_year(start_year: int, lang: str, *, start_month: int = 1) -> str:
    """A (fiscal) year by the calendar year it starts in: `2026` for a calendar year (start
    month 1), `bj 2026/27` / `FY 2026/27` for a year from April 2026 to March 2027."""
    if start_month == 1:
        return str(start_year)
    return translate("common.fiscal_year", lang, start=start_year, end=f"{(start_year + 1) % 100:02d}")
