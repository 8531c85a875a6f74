"""What goes into a meeting pack: a small, frozen content model the PPTX and PDF builders read.

The caller fills a `Pack` with texts already translated and figures already formatted
(by the same pure functions and formatters the screen uses), so the pack shows exactly
what the screen shows. The builders only lay it out.

Confidentiality is the caller's job and must be done before the pack is built: every
survey figure or frame in a pack must come from the confidentiality gate (kpis.trust:
`pooled_index` / `latest_wave_trust`, and the gate of the survey issue), so no group below
the threshold can appear. Survey comments never go into a pack.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import pandas as pd

from i18n import translate
from i18n.format import format_day, format_month, format_number
from kpis.targets import Rag


@dataclass(frozen=True)
class KpiTile:
    """One headline figure: its name, the value as shown on screen, RAG (or None), change and note."""

    name: str
    value_text: str
    rag: Rag | None = None
    change_text: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class PackChart:
    """A chart with its slide title; rendered offline to PNG by vl-convert."""

    title: str
    chart: alt.TopLevelMixin
    note: str | None = None


@dataclass(frozen=True)
class PackTable:
    """A table: headers translated, cells formatted texts or real numbers and dates.

    Numbers and dates stay numbers and dates for Excel; the slides and the PDF show them in
    the pack's language via `cell_text`.
    """

    title: str
    frame: pd.DataFrame
    note: str | None = None


def _empty_table() -> PackTable:
    return PackTable(title="", frame=pd.DataFrame())


@dataclass(frozen=True)
class Pack:
    """A meeting pack: title page, KPI tiles, charts, tables, exceptions, decisions and actions."""

    title: str
    as_of: dt.date
    lang: str
    exported_at: dt.datetime
    filters_text: Sequence[str] = ()
    kpis: Sequence[KpiTile] = ()
    charts: Sequence[PackChart] = ()
    tables: Sequence[PackTable] = ()
    exceptions: Sequence[str] = ()
    decisions: PackTable = field(default_factory=_empty_table)
    actions: PackTable = field(default_factory=_empty_table)

    def text(self, key: str, /, **params: object) -> str:
        """A fixed text of the pack (section titles, page numbers) in the pack's language."""
        return translate(key, self.lang, **params)

    @property
    def as_of_text(self) -> str:
        return format_month(self.as_of, self.lang)

    @property
    def exported_text(self) -> str:
        return f"{format_day(self.exported_at.date(), self.lang)} {self.exported_at:%H:%M}"

    def all_tables(self) -> list[PackTable]:
        """Every table of the pack that has rows or columns, decisions and actions included."""
        return [table for table in (*self.tables, self.decisions, self.actions) if len(table.frame.columns)]


def numeric_columns(frame: pd.DataFrame) -> list[bool]:
    """Per column: True when it holds numbers (shown right-aligned in slides and PDF)."""
    return [
        pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
        for dtype in frame.dtypes
    ]


def fit_widths(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, total: float, measure: Callable[[str], float]
) -> list[float]:
    """Column widths summing to `total`: no word is broken while room allows, long texts wrap.

    Each column wants its longest text (`measure` gives a text's width, padding included)
    and needs at least its longest word; the room left after every column's minimum is
    shared out in proportion to what each still wants.
    """
    columns = [[header, *(row[index] for row in rows)] for index, header in enumerate(headers)]
    natural = [max(measure(text) for text in column) for column in columns]
    minimum = [max(measure(word) for text in column for word in (text.split() or [""])) for column in columns]
    natural = [max(n, m) for n, m in zip(natural, minimum, strict=True)]
    if sum(natural) <= total:
        return [n * total / sum(natural) for n in natural]
    if sum(minimum) >= total:
        return [m * total / sum(minimum) for m in minimum]
    extra = total - sum(minimum)
    flex = [n - m for n, m in zip(natural, minimum, strict=True)]
    return [m + f * extra / sum(flex) for m, f in zip(minimum, flex, strict=True)]


def cell_text(value: Any, lang: str) -> str:
    """A table cell as text for slides and PDF: numbers and dates in the language's convention."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return translate("reports.yes" if value else "reports.no", lang)
    if isinstance(value, numbers.Number):
        number = float(value)  # type: ignore[arg-type]
        if not math.isfinite(number):
            return ""
        decimals = 0 if isinstance(value, numbers.Integral) or number.is_integer() else 2
        return format_number(number, lang, decimals=decimals)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return format_day(value.date(), lang)
    if isinstance(value, dt.date):
        return format_day(value, lang)
    return str(value)
