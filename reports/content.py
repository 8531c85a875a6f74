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
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from domain.targets import Rag
from i18n import translate
from i18n.format import format_day, format_month, format_number
from i18n.times import format_moment

if TYPE_CHECKING:  # only for annotations: the Overview's server never loads Altair for it
    import altair as alt


# progress(step, steps, label): called before each step of making the pack (reports.pack,
# reports.pack_files).
Progress = Callable[[int, int, str], None]
PACK_STEPS = ("figures", "details", "charts", "slides", "pdf", "tables")


@dataclass(frozen=True)
class KpiTile:
    """One headline figure: its name, the value as shown on screen, RAG (or None), change and
    note; `trend` the values at the last months' close (oldest first, None where n/a) for a
    sparkline; `definition` what the KPI means and its formula (speaker notes)."""

    name: str
    value_text: str
    rag: Rag | None = None
    change_text: str | None = None
    note: str | None = None
    trend: tuple[float | None, ...] = ()
    definition: str | None = None


@dataclass(frozen=True)
class PackChart:
    """A chart with its slide title, the alternative text for its picture and the speaker
    notes (definitions of the KPIs it shows). `png` is the chart rendered offline by
    vl-convert once, when the pack is built, and shared by the slides and the PDF."""

    title: str
    chart: alt.TopLevelMixin
    note: str | None = None
    alt_text: str = ""
    notes: str = ""
    png: bytes = b""


@dataclass(frozen=True)
class ForecastText:
    """The year-end forecast against the year's budget as page one shows it: a heading, the
    lines (budget, forecasts and their variance) and the forecast's RAG (None: no target)."""

    heading: str
    lines: Sequence[str]
    rag: Rag | None = None


@dataclass(frozen=True)
class ExceptionGroupText:
    """The exceptions of one kind: a heading, the lines shown (biggest first) and how many
    more there are (those are in the spreadsheet's full list)."""

    title: str
    lines: Sequence[str]
    more: int = 0


@dataclass(frozen=True)
class PackTable:
    """A table: headers translated, cells formatted texts or real numbers and dates.

    Numbers and dates stay numbers and dates for Excel; the slides and the PDF show them in
    the pack's language via `cell_text`.
    """

    title: str
    frame: pd.DataFrame
    note: str | None = None
    # The slides and the PDF show the first `slide_rows` rows (the frame is ordered by what
    # needs attention first) and the note says so; the spreadsheet always has every row.
    slide_rows: int | None = None

    @property
    def slide_frame(self) -> pd.DataFrame:
        """The rows the slides and the PDF show."""
        return self.frame if self.slide_rows is None else self.frame.head(self.slide_rows)


def _empty_table() -> PackTable:
    return PackTable(title="", frame=pd.DataFrame())


@dataclass(frozen=True)
class Pack:
    """A meeting pack: page one (the month: summary sentences, KPI tiles, year-end forecast),
    charts, exceptions grouped by kind, tables, decisions and actions.

    `title` is the organisation's name (or the generic title); `exceptions` every exception
    line; `exception_groups` what the slides and the PDF show of them; `spreadsheet_tables`
    go only into the Excel workbook and the CSV files (e.g. the full exceptions list).
    """

    title: str
    as_of: dt.date
    lang: str
    exported_at: dt.datetime
    filters_text: Sequence[str] = ()
    kpis: Sequence[KpiTile] = ()
    charts: Sequence[PackChart] = ()
    health: Sequence[PackChart] = ()
    """The Alignment health pages (reports.pack_health): right after the month page."""
    tables: Sequence[PackTable] = ()
    exceptions: Sequence[str] = ()
    decisions: PackTable = field(default_factory=_empty_table)
    actions: PackTable = field(default_factory=_empty_table)
    summary: Sequence[str] = ()
    forecast: ForecastText | None = None
    exception_groups: Sequence[ExceptionGroupText] = ()
    spreadsheet_tables: Sequence[PackTable] = ()
    logo_path: Path | None = None
    kpi_notes: str = ""
    time_zone: str = "Europe/Amsterdam"
    """The organisation's zone: `exported_at` (naive: UTC) is shown in it."""
    currency: str = "EUR"
    """ISO 4217 code of every amount in the pack (the organisation's)."""

    def text(self, key: str, /, **params: object) -> str:
        """A fixed text of the pack (section titles, page numbers) in the pack's language."""
        return translate(key, self.lang, **params)

    @property
    def as_of_text(self) -> str:
        return format_month(self.as_of, self.lang)

    @property
    def exported_text(self) -> str:
        return format_moment(self.exported_at, self.lang, zone=self.time_zone)

    @property
    def subtitle(self) -> str:
        """`Vergaderpakket stuurgroep · stand per oktober 2026`."""
        return self.text("reports.subtitle", month=self.as_of_text)

    @property
    def groups(self) -> list[ExceptionGroupText]:
        """The exception groups; a pack made without groups shows its lines as one group."""
        if self.exception_groups:
            return list(self.exception_groups)
        return [ExceptionGroupText(title="", lines=list(self.exceptions))] if self.exceptions else []

    def all_tables(self) -> list[PackTable]:
        """Every table of the pack that has rows or columns: the slides' tables, decisions,
        actions and the spreadsheet-only tables."""
        return [
            table
            for table in (*self.tables, self.decisions, self.actions, *self.spreadsheet_tables)
            if len(table.frame.columns)
        ]


SectionKind = Literal["month", "chart", "exceptions", "table"]


@dataclass(frozen=True)
class PackSection:
    """One section of the pack in page order; a renderer lays it out on one page or more.

    `month` is page one (and the KPI tiles that do not fit it); `chart` one chart (`chart`);
    `exceptions` the exceptions grouped by kind; `table` one table (`table`).
    """

    kind: SectionKind
    chart: PackChart | None = None
    table: PackTable | None = None


def pack_sections(pack: Pack) -> list[PackSection]:
    """The pack's sections in page order, the one place that order is written (the slides and
    the PDF both walk it): the month, the Alignment health pages, the charts, the exceptions,
    the tables, then decisions and actions when they have columns."""
    return [
        PackSection("month"),
        *(PackSection("chart", chart=chart) for chart in (*pack.health, *pack.charts)),
        PackSection("exceptions"),
        *(PackSection("table", table=table) for table in pack.tables),
        *(
            PackSection("table", table=table)
            for table in (pack.decisions, pack.actions)
            if len(table.frame.columns)
        ),
    ]


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
        # No room for every word: the headers' words stay whole, long cell words may break.
        minimum = [max(measure(word) for word in (header.split() or [""])) for header in headers]
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
