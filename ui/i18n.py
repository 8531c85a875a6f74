"""Translation and formatting at the Streamlit edge: the language lives in session state."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from domain.filters import Filters
from i18n import DEFAULT_LANGUAGE, translate
from i18n import format as fmt
from ui.organisation import organisation

LANG_KEY = "lang"


def lang() -> str:
    return st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)


def t(key: str, /, **params: object) -> str:
    """The UI text for `key` in the chosen language."""
    return translate(key, lang(), **params)


def currency() -> str:
    """The organisation's currency (ISO 4217) that every amount is in."""
    return organisation().currency


def currency_symbol() -> str:
    """The currency's symbol in the chosen language: `€`, `CHF`, `US$`."""
    return fmt.currency_symbol(currency(), lang())


def currency_name() -> str:
    """The currency's name for "amounts in ...": `euro` / `euros`, `Zwitserse frank` / `Swiss francs`."""
    return fmt.currency_name(currency(), lang())


def fiscal_year(filters: Filters) -> str:
    """The year of the filters' as-of month as people name it: `2026`, or `bj 2026/27` /
    `FY 2026/27` when the organisation's fiscal year does not start in January."""
    return fmt.format_fiscal_year(
        filters.year_start.year, lang(), start_month=filters.fiscal_year_start_month
    )


def eur(amount: float | None, *, decimals: int = 0) -> str:
    """An amount in the organisation's currency (the name is historical)."""
    return fmt.format_money(amount, lang(), currency=currency(), decimals=decimals)


def eur_compact(amount: float | None) -> str:
    """An amount in the organisation's currency, in thousands or millions."""
    return fmt.format_money_compact(amount, lang(), currency=currency())


def pct(ratio: float | None, *, decimals: int = 0) -> str:
    return fmt.format_pct(ratio, lang(), decimals=decimals)


def number(value: float | None, *, decimals: int = 0) -> str:
    return fmt.format_number(value, lang(), decimals=decimals)


def signed(value: float | None, *, decimals: int = 1, suffix: str = "") -> str:
    return fmt.format_signed(value, lang(), decimals=decimals, suffix=suffix)


def month(value: dt.date, *, short: bool = False) -> str:
    return fmt.format_month(value, lang(), short=short)


def day(value: dt.date | None) -> str:
    return fmt.format_day(value, lang())
