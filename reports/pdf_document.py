"""The PDF page of the meeting pack (fpdf2): A4 landscape in DejaVu Sans, header and footer,
paragraphs that never run into the footer, KPI tiles with a sparkline. reports.pdf_pack lays
the sections out on it.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

from charts.overview import trend_shares
from charts.theme import GRID, MUTED, PRIMARY, RAG_COLORS, TEXT
from reports.content import KpiTile, Pack

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
FONT = "DejaVu"
MARGIN = 14.0  # mm
FOOTER_Y = 12.0  # the footer's top, mm above the bottom edge
PAGE_BREAK_MARGIN = 17.0  # body text ends this far above the bottom edge (5 mm above the footer)
TILES_PER_ROW = 5


class FontMissing(RuntimeError):
    """The Unicode font for the PDF is not installed."""


def font_paths(font_dir: Path = FONT_DIR) -> dict[str, Path]:
    paths = {style: font_dir / name for style, name in FONT_FILES.items()}
    missing = [str(path) for path in paths.values() if not path.exists()]
    if missing:
        raise FontMissing(
            "The PDF needs the DejaVu fonts, which are missing: "
            + ", ".join(missing)
            + ". Install them with `apt-get install fonts-dejavu-core` (Debian/Ubuntu)."
        )
    return paths


def rgb(color: str) -> tuple[int, int, int]:
    color = color.lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


class PackPdf(FPDF):
    def __init__(self, pack: Pack) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.pack = pack
        self.continued_title = ""  # the title of a section's next page, when it runs over
        for style, path in font_paths().items():
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
        self.set_text_color(*rgb(MUTED))
        self.set_xy(MARGIN, 8)
        self.cell(0, 5, f"{self.pack.title} · {self.pack.as_of_text}")
        self.set_draw_color(*rgb(PRIMARY))
        self.set_line_width(0.6)
        self.line(MARGIN, 14.5, self.w - MARGIN, 14.5)
        self.set_y(20)
        if self.continued_title:  # a section that runs over keeps its title, marked continued
            font = (self.font_family, self.font_style, self.font_size_pt)
            colour = self.text_color
            self.set_font(FONT, "B", 20)
            self.set_text_color(*rgb(PRIMARY))
            self.set_x(MARGIN)
            self.multi_cell(0, 10, self.continued_title)
            self.ln(3)
            self.set_font(font[0], font[1], font[2])
            self.text_color = colour

    def footer(self) -> None:
        self.set_y(-FOOTER_Y)
        self.set_font(FONT, "", 9)
        self.set_text_color(*rgb(MUTED))
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
        self.set_text_color(*rgb(PRIMARY))
        self.multi_cell(0, 10, title)
        self.ln(3)
        self.set_text_color(*rgb(TEXT))
        self.set_fill_color(255, 255, 255)
        self.set_draw_color(*rgb(GRID))

    def multi_cell(self, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        """Left-aligned by default: fpdf2 justifies, which spreads short lines apart."""
        kwargs.setdefault("align", "L")
        return super().multi_cell(*args, **kwargs)


def add_paragraph(
    pdf: PackPdf,
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
    pdf.set_text_color(*rgb(color))
    width = w if w is not None else pdf.w - MARGIN - x
    height = line or size * 0.5
    needed = pdf.multi_cell(width, height, text, dry_run=True, output="HEIGHT")
    if pdf.get_y() + needed + keep > pdf.body_bottom:
        pdf.add_page()
        pdf.set_font(FONT, "B" if bold else "", size)
        pdf.set_text_color(*rgb(color))
    pdf.set_x(x)
    pdf.multi_cell(width, height, text)


def draw_sparkline(pdf: PackPdf, values, *, x: float, y: float, w: float, h: float) -> None:  # type: ignore[no-untyped-def]
    shares = trend_shares(values)
    if shares is None:
        return
    pdf.set_draw_color(*rgb(PRIMARY))
    pdf.set_line_width(0.5)
    pdf.polyline([(x + w * across, y + h - h * up) for across, up in shares])


def draw_tile(pdf: PackPdf, pack: Pack, tile: KpiTile, *, x: float, y: float, w: float, h: float) -> None:
    pdf.set_draw_color(*rgb(GRID))
    pdf.set_line_width(0.2)
    pdf.set_fill_color(247, 249, 250)
    pdf.rect(x, y, w, h, style="DF")
    bar_color = RAG_COLORS.get(tile.rag or "", MUTED)
    pdf.set_fill_color(*rgb(bar_color))
    pdf.rect(x, y, w, 1.6, style="F")
    inner = w - 6
    pdf.set_xy(x + 3, y + 4)
    pdf.set_text_color(*rgb(TEXT))
    pdf.set_font(FONT, "B", 10)
    pdf.multi_cell(inner, 4.5, tile.name, max_line_height=4.5)
    size = 20
    pdf.set_font(FONT, "B", size)
    while size > 10 and pdf.get_string_width(tile.value_text) > inner * 0.58 - 2 * pdf.c_margin:
        size -= 2
        pdf.set_font(FONT, "B", size)
    pdf.set_text_color(*rgb(PRIMARY))
    pdf.set_xy(x + 3, y + 15)
    pdf.cell(inner * 0.6, 10, tile.value_text)
    draw_sparkline(pdf, tile.trend, x=x + 3 + inner * 0.62, y=y + 16.5, w=inner * 0.36, h=7)
    pdf.set_xy(x + 3, y + 28)
    pdf.set_font(FONT, "B", 9.5)
    pdf.set_text_color(*rgb(bar_color if tile.rag != "amber" else TEXT))
    rag_word = pack.text(f"rag.{tile.rag}") if tile.rag else pack.text("rag.none")
    pdf.cell(inner, 4, "● " + rag_word)
    if tile.change_text:
        pdf.set_xy(x + 3, y + 33)
        pdf.set_font(FONT, "", 9.5)
        pdf.set_text_color(*rgb(MUTED))
        pdf.cell(inner, 4, tile.change_text)
