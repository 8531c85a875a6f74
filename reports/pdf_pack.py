"""The meeting pack as a PDF (fpdf2): A4 landscape, the same sections as the slides.

Its pages follow reports.content.pack_sections, as the slides do: page one is the month
(sentences, year-end forecast, KPI tiles with status, change and a sparkline); then the
Alignment health pages and the charts (with alternative text), the exceptions grouped by kind and the
tables. Every page but the first has a header with the pack's title and as-of month; every
page a footer with "page X of Y" and the export date; body text always ends above the
footer (a paragraph that would reach it starts a new page). Text is set in DejaVu Sans from the system
(Debian's fonts-dejavu-core), which has €, ë and –; charts are PNGs rendered offline.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from charts.theme import GRID, MUTED, PRIMARY, RAG_COLORS, TEXT
from reports.content import (
    KpiTile,
    Pack,
    PackSection,
    SectionKind,
    cell_text,
    fit_widths,
    numeric_columns,
    pack_sections,
)
from reports.render import png_of, png_size

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT = "DejaVu"
MARGIN = 14.0  # mm
FOOTER_Y = 12.0  # the footer's top, mm above the bottom edge
PAGE_BREAK_MARGIN = 17.0  # body text ends this far above the bottom edge (5 mm above the footer)
TILES_PER_ROW = 5


class FontMissing(RuntimeError):
    """The Unicode font for the PDF is not installed."""


def _font_paths(font_dir: Path = FONT_DIR) -> dict[str, Path]:
    paths = {style: font_dir / name for style, name in FONT_FILES.items()}
    missing = [str(path) for path in paths.values() if not path.exists()]
    if missing:
        raise FontMissing(
            "The PDF needs the DejaVu fonts, which are missing: "
            + ", ".join(missing)
            + ". Install them with `apt-get install fonts-dejavu-core` (Debian/Ubuntu)."
        )
    return paths


def _rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


class _PackPdf(FPDF):
    def __init__(self, pack: Pack) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.pack = pack
        self.continued_title = ""  # the title of a section's next page, when it runs over
        for style, path in _font_paths().items():
            self.add_font(FONT, style, str(path))
        self.set_margins(MARGIN, 20, MARGIN)
        self.set_auto_page_break(auto=True, margin=PAGE_BREAK_MARGIN)
        self.alias_nb_pages()
        self.set_title(pack.title)
        self.set_creator("Alignment dashboard")

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, "", 9)
        self.set_text_color(*_rgb(MUTED))
        self.set_xy(MARGIN, 8)
        self.cell(0, 5, f"{self.pack.title} · {self.pack.as_of_text}")
        self.set_draw_color(*_rgb(PRIMARY))
        self.set_line_width(0.6)
        self.line(MARGIN, 14.5, self.w - MARGIN, 14.5)
        self.set_y(20)
        if self.continued_title:  # a section that runs over keeps its title, marked continued
            font = (self.font_family, self.font_style, self.font_size_pt)
            colour = self.text_color
            self.set_font(FONT, "B", 20)
            self.set_text_color(*_rgb(PRIMARY))
            self.set_x(MARGIN)
            self.multi_cell(0, 10, self.continued_title)
            self.ln(3)
            self.set_font(font[0], font[1], font[2])
            self.text_color = colour

    def footer(self) -> None:
        self.set_y(-FOOTER_Y)
        self.set_font(FONT, "", 9)
        self.set_text_color(*_rgb(MUTED))
        self.cell(0, 5, self.pack.text("reports.exported_on", when=self.pack.exported_text))
        self.set_x(MARGIN)
        self.cell(
            0,
            5,
            self.pack.text("reports.page_of", number=self.page_no(), total=self.alias_nb_pages_text),
            align="R",
        )

    @property
    def alias_nb_pages_text(self) -> str:
        return self.str_alias_nb_pages

    @property
    def body_bottom(self) -> float:
        """Where body text must end: above the footer with room to spare."""
        return self.h - PAGE_BREAK_MARGIN

    @property
    def content_width(self) -> float:
        return self.w - 2 * MARGIN

    def section(self, title: str) -> None:
        self.add_page()
        self.set_font(FONT, "B", 20)
        self.set_text_color(*_rgb(PRIMARY))
        self.multi_cell(0, 10, title)
        self.ln(3)
        self.set_text_color(*_rgb(TEXT))
        self.set_fill_color(255, 255, 255)
        self.set_draw_color(*_rgb(GRID))

    def multi_cell(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        """Left-aligned by default: fpdf2 justifies, which spreads short lines apart."""
        kwargs.setdefault("align", "L")
        return super().multi_cell(*args, **kwargs)


def _paragraph(
    pdf: _PackPdf,
    text: str,
    *,
    size: float,
    bold: bool = False,
    color: str = TEXT,
    line: float | None = None,
    x: float = MARGIN,
    w: float | None = None,
    keep: float = 0.0,
) -> None:
    """A paragraph that starts on a new page when it (plus `keep` mm after it) would run into
    the footer; the footer never overprints text."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.set_text_color(*_rgb(color))
    width = w if w is not None else pdf.w - MARGIN - x
    height = line or size * 0.5
    needed = pdf.multi_cell(width, height, text, dry_run=True, output="HEIGHT")
    if pdf.get_y() + needed + keep > pdf.body_bottom:
        pdf.add_page()
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_text_color(*_rgb(color))
    pdf.set_x(x)
    pdf.multi_cell(width, height, text)


def _sparkline(pdf: _PackPdf, values, *, x: float, y: float, w: float, h: float) -> None:  # type: ignore[no-untyped-def]
    points = [(i, v) for i, v in enumerate(values) if v is not None and math.isfinite(v)]
    if len(points) < 2:
        return
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = (high - low) or 1.0
    steps = max(1, len(values) - 1)
    pdf.set_draw_color(*_rgb(PRIMARY))
    pdf.set_line_width(0.5)
    pdf.polyline([(x + w * i / steps, y + h - h * (v - low) / span) for i, v in points])


def _tile(pdf: _PackPdf, pack: Pack, tile: KpiTile, *, x: float, y: float, w: float, h: float) -> None:
    pdf.set_draw_color(*_rgb(GRID))
    pdf.set_line_width(0.2)
    pdf.set_fill_color(247, 249, 250)
    pdf.rect(x, y, w, h, style="DF")
    bar_color = RAG_COLORS.get(tile.rag or "", MUTED)
    pdf.set_fill_color(*_rgb(bar_color))
    pdf.rect(x, y, w, 1.6, style="F")
    inner = w - 6
    pdf.set_xy(x + 3, y + 4)
    pdf.set_text_color(*_rgb(TEXT))
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(inner, 4.5, tile.name, max_line_height=4.5)
    size = 20
    pdf.set_font(FONT, "B", size)
    while size > 10 and pdf.get_string_width(tile.value_text) > inner * 0.58 - 2 * pdf.c_margin:
        size -= 2
        pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*_rgb(PRIMARY))
    pdf.set_xy(x + 3, y + 15)
    pdf.cell(inner * 0.6, 10, tile.value_text)
    _sparkline(pdf, tile.trend, x=x + 3 + inner * 0.62, y=y + 16.5, w=inner * 0.36, h=7)
    pdf.set_xy(x + 3, y + 28)
    pdf.set_font(FONT, "B", 9.5)
    pdf.set_text_color(*_rgb(bar_color if tile.rag != "amber" else TEXT))
    rag_word = pack.text(f"rag.{tile.rag}") if tile.rag else pack.text("rag.none")
    pdf.cell(inner, 4, "● " + rag_word)
    if tile.change_text:
        pdf.set_xy(x + 3, y + 33)
        pdf.set_font(FONT, "", 9.5)
        pdf.set_text_color(*_rgb(MUTED))
        pdf.cell(inner, 4, tile.change_text)


def _month_page(pdf: _PackPdf, pack: Pack, section: PackSection) -> None:
    """Page one: the organisation and month, the sentences, the forecast and the tiles."""
    pdf.add_page()
    pdf.set_fill_color(*_rgb(PRIMARY))
    pdf.rect(0, 0, pdf.w, 30, style="F")
    logo_w = 0.0
    if pack.logo_path:
        logo_w = 40.0
        pdf.set_fill_color(255, 255, 255)
        pdf.rect(pdf.w - MARGIN - logo_w - 2, 4, logo_w + 4, 22, style="F")
        pdf.image(
            str(pack.logo_path),
            x=pdf.w - MARGIN - logo_w,
            y=6,
            w=logo_w,
            h=18,
            keep_aspect_ratio=True,
            alt_text=pack.text("reports.alt.logo", name=pack.title),
        )
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(MARGIN, 6)
    pdf.set_font(FONT, "B", 20)
    pdf.multi_cell(pdf.content_width - logo_w - 6, 9, f"{pack.title} · {pack.as_of_text}", max_line_height=9)
    pdf.set_x(MARGIN)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(
        pdf.content_width - logo_w - 6, 5, " · ".join([pack.subtitle, *pack.filters_text]), max_line_height=5
    )
    tile_h, gap = 40.0, 4.0
    tiles_top = pdf.body_bottom - 2 * tile_h - gap
    top = 35.0
    left_w = pdf.content_width * 0.58
    pdf.set_xy(MARGIN, top)
    pdf.set_font(FONT, "B", 13)
    pdf.set_text_color(*_rgb(PRIMARY))
    pdf.multi_cell(left_w, 7, pack.text("reports.section.since_last"))
    size = 11.0
    room = tiles_top - 3 - pdf.get_y()
    pdf.set_font(FONT, "", size)
    while (
        size > 8
        and sum(
            pdf.multi_cell(left_w, size * 0.5, "• " + s, dry_run=True, output="HEIGHT") + 1
            for s in pack.summary
        )
        > room
    ):
        size -= 0.5
        pdf.set_font(FONT, "", size)
    pdf.set_text_color(*_rgb(TEXT))
    for sentence in pack.summary:
        pdf.set_x(MARGIN)
        pdf.multi_cell(left_w, size * 0.5, "• " + sentence)
        pdf.ln(1)
    if pack.forecast is not None:
        fx = MARGIN + left_w + 6
        fw = pdf.w - MARGIN - fx
        fh = tiles_top - 4 - top
        pdf.set_draw_color(*_rgb(GRID))
        pdf.set_fill_color(247, 249, 250)
        pdf.rect(fx, top, fw, fh, style="DF")
        pdf.set_fill_color(*_rgb(RAG_COLORS.get(pack.forecast.rag or "", PRIMARY)))
        pdf.rect(fx, top, 1.6, fh, style="F")
        pdf.set_xy(fx + 5, top + 3)
        pdf.set_font(FONT, "B", 13)
        pdf.set_text_color(*_rgb(PRIMARY))
        pdf.multi_cell(fw - 8, 7, pack.forecast.heading)
        if pack.forecast.rag:
            pdf.set_x(fx + 5)
            pdf.set_font(FONT, "B", 10)
            pdf.set_text_color(*_rgb(TEXT))
            pdf.multi_cell(fw - 8, 5, "● " + pack.text(f"rag.{pack.forecast.rag}"))
        size = 11.0
        pdf.set_font(FONT, "", size)
        room = top + fh - 2 - pdf.get_y()
        while (
            size > 8
            and sum(
                pdf.multi_cell(fw - 8, size * 0.5, line, dry_run=True, output="HEIGHT") + 1
                for line in pack.forecast.lines
            )
            > room
        ):
            size -= 0.5
            pdf.set_font(FONT, "", size)
        pdf.set_text_color(*_rgb(TEXT))
        for line in pack.forecast.lines:
            pdf.set_x(fx + 5)
            pdf.multi_cell(fw - 8, size * 0.5, line)
            pdf.ln(1)
    width = (pdf.content_width - gap * (TILES_PER_ROW - 1)) / TILES_PER_ROW
    pdf.set_auto_page_break(False)
    for index, tile in enumerate(pack.kpis[: TILES_PER_ROW * 2]):
        row, col = divmod(index, TILES_PER_ROW)
        _tile(
            pdf,
            pack,
            tile,
            x=MARGIN + col * (width + gap),
            y=tiles_top + row * (tile_h + gap),
            w=width,
            h=tile_h,
        )
    pdf.set_auto_page_break(True, margin=PAGE_BREAK_MARGIN)
    rest = list(pack.kpis[TILES_PER_ROW * 2 :])
    for start in range(0, len(rest), TILES_PER_ROW * 3):
        pdf.section(pack.text("reports.section.kpis") + " " + pack.text("reports.continued"))
        top = pdf.get_y() + 2
        pdf.set_auto_page_break(False)
        for index, tile in enumerate(rest[start : start + TILES_PER_ROW * 3]):
            row, col = divmod(index, TILES_PER_ROW)
            _tile(
                pdf,
                pack,
                tile,
                x=MARGIN + col * (width + gap),
                y=top + row * (tile_h + gap),
                w=width,
                h=tile_h,
            )
        pdf.set_auto_page_break(True, margin=PAGE_BREAK_MARGIN)


def _chart_page(pdf: _PackPdf, pack: Pack, section: PackSection) -> None:
    """One chart on its page, scaled to the room, its note under it."""
    item = section.chart
    assert item is not None
    pdf.section(item.title)
    png = png_of(item, lang=pack.lang, currency=pack.currency)
    px_width, px_height = png_size(png)
    note_height = 0.0
    if item.note:
        pdf.set_font(FONT, "", 10)
        note_height = pdf.multi_cell(pdf.content_width, 5, item.note, dry_run=True, output="HEIGHT") + 2
    room_height = pdf.body_bottom - pdf.get_y() - note_height
    scale = min(pdf.content_width / px_width, room_height / px_height)
    width, height = px_width * scale, px_height * scale
    pdf.image(
        io.BytesIO(png),
        x=(pdf.w - width) / 2,
        y=pdf.get_y(),
        w=width,
        h=height,
        alt_text=item.alt_text or item.title,
    )
    if item.note:
        pdf.set_y(pdf.get_y() + height + 2)
        pdf.set_font(FONT, "", 10)
        pdf.set_text_color(*_rgb(MUTED))
        pdf.multi_cell(0, 5, item.note)


def _exceptions_page(pdf: _PackPdf, pack: Pack, section: PackSection) -> None:
    pdf.section(pack.text("reports.section.exceptions"))
    pdf.continued_title = pack.text("reports.section.exceptions") + " " + pack.text("reports.continued")
    if not pack.groups:
        pdf.continued_title = ""
        _paragraph(pdf, pack.text("reports.no_exceptions"), size=13, color=MUTED, line=7)
        return
    for group in pack.groups:
        if group.title:
            pdf.ln(2)
            # A heading keeps at least its first line with it.
            _paragraph(pdf, group.title, size=13, bold=True, color=PRIMARY, line=7, keep=6)
        for line in group.lines:
            _paragraph(pdf, "• " + line, size=11, line=5.6)
        if group.more:
            _paragraph(
                pdf, pack.text("reports.exception.more", count=group.more), size=10, color=MUTED, line=5.4
            )
    pdf.continued_title = ""


def _table_page(pdf: _PackPdf, pack: Pack, section: PackSection) -> None:
    """One table, its title repeated ("continued") on the pages it runs over to."""
    table = section.table
    assert table is not None
    pdf.section(table.title)
    pdf.continued_title = table.title + " " + pack.text("reports.continued")
    headers = [str(column) for column in table.frame.columns]
    rows = [
        [cell_text(value, pack.lang) for value in row]
        for row in table.slide_frame.itertuples(index=False, name=None)
    ]
    pdf.set_font(FONT, "", 11)
    if not rows:
        pdf.set_text_color(*_rgb(MUTED))
        pdf.multi_cell(0, 6, pack.text("reports.no_rows"))
        return
    pdf.set_font(FONT, "B", 11)
    widths = fit_widths(
        headers,
        rows,
        total=pdf.content_width,
        measure=lambda text: min(pdf.get_string_width(text), 110.0) + 4.5,
    )
    pdf.set_font(FONT, "", 11)
    heading = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=_rgb(PRIMARY))
    with pdf.table(
        col_widths=tuple(widths),
        width=pdf.content_width,
        headings_style=heading,
        line_height=6.5,
        cell_fill_color=(242, 245, 247),
        cell_fill_mode="ROWS",
        borders_layout="HORIZONTAL_LINES",
        text_align=tuple("RIGHT" if numeric else "LEFT" for numeric in numeric_columns(table.frame)),
    ) as grid:
        for values in [headers, *rows]:
            grid_row = grid.row()
            for value in values:
                grid_row.cell(value)
    if table.note:
        pdf.ln(2)
        pdf.set_text_color(*_rgb(MUTED))
        pdf.multi_cell(0, 5, table.note)
    pdf.continued_title = ""


# How each kind of section becomes pages; the order of the sections is reports.content's.
PAGES: dict[SectionKind, Callable[[_PackPdf, Pack, PackSection], None]] = {
    "month": _month_page,
    "chart": _chart_page,
    "exceptions": _exceptions_page,
    "table": _table_page,
}


def build_pdf(pack: Pack) -> bytes:
    """The pack as a PDF file (bytes); raises FontMissing when DejaVu Sans is not installed."""
    pdf = _PackPdf(pack)
    for section in pack_sections(pack):
        PAGES[section.kind](pdf, pack, section)
    return bytes(pdf.output())
