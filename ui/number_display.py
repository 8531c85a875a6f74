"""Numeric table columns shown in the reader's language: the frame keeps its numbers (so a
column sorts by value), a pandas Styler gives each cell its text (`72,3` in Dutch, `72.3` in
English). st.column_config's printf formats (`%.1f`) always write a decimal point, and its
"localized" follows the browser, not the language chosen in the app."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd
from pandas.io.formats.style import Styler

from i18n.format import format_number, format_signed

WHOLE = "whole"  # 1.200.000
PLAIN = "plain"  # whole numbers as such, others with two decimals: 85 / 85,50
DECIMAL_1 = "decimal_1"
DECIMAL_2 = "decimal_2"
SIGNED_1 = "signed_1"
PERCENT_1 = "percent_1"  # a share 0..1 shown as 72,3%


def cell_text(kind: str, lang: str) -> Callable[[object], str]:
    """The text of one number of `kind` in `lang` (empty for a missing one): 72.345 -> "72,3"."""

    def text(value: object) -> str:
        if value is None or pd.isna(value):  # type: ignore[call-overload]
            return ""
        number = float(value)  # type: ignore[arg-type]
        if kind == WHOLE:
            return format_number(number, lang, decimals=0)
        if kind == PLAIN:
            return format_number(number, lang, decimals=0 if number.is_integer() else 2)
        if kind == DECIMAL_1:
            return format_number(number, lang, decimals=1)
        if kind == DECIMAL_2:
            return format_number(number, lang, decimals=2)
        if kind == SIGNED_1:
            return format_signed(number, lang, decimals=1)
        if kind == PERCENT_1:
            return format_number(number * 100, lang, decimals=1) + "%"
        raise ValueError(f"unknown number display {kind!r}")

    return text


def localised(frame: pd.DataFrame, lang: str, columns: Mapping[str, str]) -> Styler:
    """`frame` (numbers untouched) with display texts for `columns` (name -> kind) in `lang`."""
    present = {name: kind for name, kind in columns.items() if name in frame.columns}
    return frame.style.format({name: cell_text(kind, lang) for name, kind in present.items()})
