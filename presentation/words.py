"""Texts and number formats in one language and currency, for the pure page models.

The same formats as ui.i18n (which reads the language from the session): a page model
takes `Words(lang, currency)` and gives the strings the page shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from domain.filters import Filters
from i18n import format as fmt
from i18n import translate
from i18n.format import DEFAULT_CURRENCY


@dataclass(frozen=True)
class Words:
    lang: str
    currency: str = DEFAULT_CURRENCY

    def t(self, key: str, /, **params: object) -> str:
        return translate(key, self.lang, **params)

    def money(self, amount: float | None, *, decimals: int = 0) -> str:
        return fmt.format_money(amount, self.lang, currency=self.currency, decimals=decimals)

    def money_compact(self, amount: float | None) -> str:
        return fmt.format_money_compact(amount, self.lang, currency=self.currency)

    def pct(self, ratio: float | None, *, decimals: int = 0) -> str:
        return fmt.format_pct(ratio, self.lang, decimals=decimals)

    def number(self, value: float | None, *, decimals: int = 0) -> str:
        return fmt.format_number(value, self.lang, decimals=decimals)

    def signed(self, value: float | None, *, decimals: int = 1, suffix: str = "") -> str:
        return fmt.format_signed(value, self.lang, decimals=decimals, suffix=suffix)

    def month(self, value: dt.date, *, short: bool = False) -> str:
        return fmt.format_month(value, self.lang, short=short)

    def day(self, value: dt.date | None) -> str:
        return fmt.format_day(value, self.lang)

    def currency_symbol(self) -> str:
        return fmt.currency_symbol(self.currency, self.lang)

    def currency_name(self) -> str:
        return fmt.currency_name(self.currency, self.lang)

    def fiscal_year(self, filters: Filters) -> str:
        return fmt.format_fiscal_year(
            filters.year_start.year, self.lang, start_month=filters.fiscal_year_start_month
        )
