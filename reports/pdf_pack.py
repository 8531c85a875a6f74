"""The meeting pack as a PDF (fpdf2): A4 landscape, the same sections as the slides.

Every page but the first has a header with the pack's title and as-of month; every page a
footer with "page X of Y" and the export date. Text is set in DejaVu Sans from the system
(Debian's fonts-dejavu-core), which has €, ë and –; charts are PNGs rendered offline.
"""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from charts.theme import GRID, MUTED, PRIMARY, RAG_COLORS, TEXT
from reports.content import KpiTile, Pack, PackTable, cell_text, fit_widths, numeric_columns
from reports.render import chart_png, png_size

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT = "DejaVu"
MARGIN = 14.0  # mm
TILES_PER_ROW = 5
NOTE_CHARS = 170  # a tile's note is cut here so the tile keeps its size


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
        for style, path in _font_paths().items():
            self.add_font(FONT, style, str(path))
        self.set_margins(MARGIN, 20, MARGIN)
        self.set_auto_page_break(auto=True, margin=16)
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

    def footer(self) -> None:
        self.set_y(-12)
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


def _title_page(pdf: _PackPdf, pack: Pack) -> None:
    pdf.add_page()
    pdf.set_fill_color(*_rgb(PRIMARY))
    pdf.rect(0, 0, pdf.w, 80, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(MARGIN, 28)
    pdf.set_font(FONT, "B", 30)
    pdf.multi_cell(pdf.content_width, 13, pack.title)
    pdf.set_x(MARGIN)
    pdf.set_font(FONT, "", 18)
    pdf.multi_cell(pdf.content_width, 10, pack.text("reports.as_of", month=pack.as_of_text))
    pdf.set_text_color(*_rgb(TEXT))
    pdf.set_xy(MARGIN, 95)
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(pdf.content_width, 8, pack.text("reports.filters_used"))
    pdf.set_font(FONT, "", 12)
    for line in pack.filters_text or [pack.text("reports.filters_none")]:
        pdf.set_x(MARGIN)
        pdf.multi_cell(pdf.content_width, 7, line)
    pdf.ln(6)
    pdf.set_x(MARGIN)
    pdf.set_text_color(*_rgb(MUTED))
    pdf.multi_cell(pdf.content_width, 7, pack.text("reports.exported_on", when=pack.exported_text))


def _tile(pdf: _PackPdf, pack: Pack, tile: KpiTile, *, x: float, y: float, w: float, h: float) -> None:
    pdf.set_draw_color(*_rgb(GRID))
    pdf.set_fill_color(247, 249, 250)
    pdf.rect(x, y, w, h, style="DF")
    bar_color = RAG_COLORS.get(tile.rag or "", MUTED)
    pdf.set_fill_color(*_rgb(bar_color))
    pdf.rect(x, y, w, 3, style="F")
    inner = w - 10
    pdf.set_xy(x + 5, y + 7)
    pdf.set_text_color(*_rgb(TEXT))
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(inner, 5, tile.name)
    pdf.set_xy(x + 5, y + 20)
    size = 22
    pdf.set_font(FONT, "B", size)
    while size > 10 and pdf.get_string_width(tile.value_text) > inner - 2 * pdf.c_margin - 1:
        size -= 2
        pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*_rgb(PRIMARY))
    pdf.multi_cell(inner, 11, tile.value_text)
    pdf.set_xy(x + 5, y + 34)
    pdf.set_font(FONT, "B", 10)
    pdf.set_text_color(*_rgb(bar_color if tile.rag != "amber" else TEXT))
    rag_word = pack.text(f"rag.{tile.rag}") if tile.rag else pack.text("rag.none")
    pdf.multi_cell(inner, 5, "● " + rag_word)
    pdf.set_font(FONT, "", 8.5)
    pdf.set_text_color(*_rgb(MUTED))
    for text in (tile.change_text, tile.note):
        if text:
            pdf.set_x(x + 5)
            cut = text if len(text) <= NOTE_CHARS else text[: NOTE_CHARS - 1].rstrip() + "…"
            pdf.multi_cell(inner, 4, cut)


def _kpi_page(pdf: _PackPdf, pack: Pack) -> None:
    if not pack.kpis:
        return
    gap = 6.0
    width = (pdf.content_width - gap * (TILES_PER_ROW - 1)) / TILES_PER_ROW
    for start in range(0, len(pack.kpis), TILES_PER_ROW * 2):
        pdf.section(pack.text("reports.section.kpis"))
        top = pdf.get_y() + 2
        # Tiles have a fixed size: no automatic page break half-way through one.
        pdf.set_auto_page_break(False)
        for index, tile in enumerate(pack.kpis[start : start + TILES_PER_ROW * 2]):
            row, col = divmod(index, TILES_PER_ROW)
            _tile(pdf, pack, tile, x=MARGIN + col * (width + gap), y=top + row * 78, w=width, h=74)
        pdf.set_auto_page_break(True, margin=pdf.b_margin)
        pdf.set_y(top + 2 * 78)


def _chart_pages(pdf: _PackPdf, pack: Pack) -> None:
    for item in pack.charts:
        pdf.section(item.title)
        png = chart_png(item.chart, lang=pack.lang)
        px_width, px_height = png_size(png)
        room_height = pdf.h - pdf.get_y() - 22 - (8 if item.note else 0)
        scale = min(pdf.content_width / px_width, room_height / px_height)
        width, height = px_width * scale, px_height * scale
        pdf.image(io.BytesIO(png), x=(pdf.w - width) / 2, y=pdf.get_y(), w=width, h=height)
        if item.note:
            pdf.set_y(pdf.get_y() + height + 2)
            pdf.set_font(FONT, "", 10)
            pdf.set_text_color(*_rgb(MUTED))
            pdf.multi_cell(0, 5, item.note)


def _exceptions_page(pdf: _PackPdf, pack: Pack) -> None:
    pdf.section(pack.text("reports.section.exceptions"))
    pdf.set_font(FONT, "", 13)
    if not pack.exceptions:
        pdf.set_text_color(*_rgb(MUTED))
        pdf.multi_cell(0, 7, pack.text("reports.no_exceptions"))
        return
    for item in pack.exceptions:
        pdf.set_x(MARGIN)
        pdf.multi_cell(0, 7, "• " + item)
        pdf.ln(1)


def _table_page(pdf: _PackPdf, pack: Pack, table: PackTable) -> None:
    pdf.section(table.title)
    headers = [str(column) for column in table.frame.columns]
    rows = [
        [cell_text(value, pack.lang) for value in row]
        for row in table.frame.itertuples(index=False, name=None)
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


def build_pdf(pack: Pack) -> bytes:
    """The pack as a PDF file (bytes); raises FontMissing when DejaVu Sans is not installed."""
    pdf = _PackPdf(pack)
    _title_page(pdf, pack)
    _kpi_page(pdf, pack)
    _chart_pages(pdf, pack)
    _exceptions_page(pdf, pack)
    for table in pack.tables:
        _table_page(pdf, pack, table)
    for table in (pack.decisions, pack.actions):
        if len(table.frame.columns):
            _table_page(pdf, pack, table)
    return bytes(pdf.output())
