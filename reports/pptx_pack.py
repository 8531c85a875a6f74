"""The meeting pack as PowerPoint slides (python-pptx), 16:9, in the organisation's colours.

Slides: title (as-of month, filters, export date); KPI tiles (RAG colour bar and RAG word,
never colour alone); one slide per chart (PNG rendered offline); exceptions; every table,
decisions and actions as native tables, split over slides when long. Body text is at
least 12 pt; each slide but the title carries "slide X of Y" and the export date.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from charts.theme import GRID, MUTED, PRIMARY, RAG_COLORS, TEXT
from reports.content import KpiTile, Pack, PackTable, cell_text, fit_widths, numeric_columns
from reports.render import chart_png, png_size

SLIDE_WIDTH = Emu(12192000)  # 13.333 in: 16:9 at 7.5 in high
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.5)
BODY_TOP = Inches(1.35)
FOOTER_TOP = Inches(6.95)
TABLE_ROWS_PER_SLIDE = 12
EXCEPTIONS_PER_SLIDE = 9
TILES_PER_ROW = 4
WHITE = "#FFFFFF"


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def _text(
    slide: Slide,
    text: str,
    *,
    left: int,
    top: int,
    width: int,
    height: int,
    size: int = 16,
    bold: bool = False,
    color: str = TEXT,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for index, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = _rgb(color)


def _blank(presentation: Presentation, title: str) -> Slide:
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])
    _text(
        slide,
        title,
        left=MARGIN,
        top=Inches(0.35),
        width=SLIDE_WIDTH - 2 * MARGIN,
        height=Inches(0.8),
        size=28,
        bold=True,
        color=PRIMARY,
        anchor=MSO_ANCHOR.MIDDLE,
    )
    line = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, Inches(1.12), SLIDE_WIDTH - 2 * MARGIN, Pt(3))
    line.fill.solid()
    line.fill.fore_color.rgb = _rgb(PRIMARY)
    line.line.fill.background()
    return slide


def _title_slide(presentation: Presentation, pack: Pack) -> None:
    slide = presentation.slides.add_slide(presentation.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, SLIDE_WIDTH, Inches(3.4))
    band.fill.solid()
    band.fill.fore_color.rgb = _rgb(PRIMARY)
    band.line.fill.background()
    _text(
        slide,
        pack.title,
        left=MARGIN,
        top=Inches(1.0),
        width=SLIDE_WIDTH - 2 * MARGIN,
        height=Inches(1.2),
        size=40,
        bold=True,
        color=WHITE,
    )
    _text(
        slide,
        pack.text("reports.as_of", month=pack.as_of_text),
        left=MARGIN,
        top=Inches(2.2),
        width=SLIDE_WIDTH - 2 * MARGIN,
        height=Inches(0.7),
        size=24,
        color=WHITE,
    )
    filters = "\n".join(pack.filters_text) or pack.text("reports.filters_none")
    _text(
        slide,
        pack.text("reports.filters_used"),
        left=MARGIN,
        top=Inches(3.8),
        width=Inches(8),
        height=Inches(0.5),
        size=18,
        bold=True,
    )
    _text(
        slide,
        filters,
        left=MARGIN,
        top=Inches(4.3),
        width=SLIDE_WIDTH - 2 * MARGIN,
        height=Inches(1.8),
        size=16,
    )
    _text(
        slide,
        pack.text("reports.exported_on", when=pack.exported_text),
        left=MARGIN,
        top=Inches(6.4),
        width=Inches(8),
        height=Inches(0.5),
        size=14,
        color=MUTED,
    )


def _tile(slide: Slide, pack: Pack, tile: KpiTile, *, left: int, top: int, width: int, height: int) -> None:
    box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    box.fill.solid()
    box.fill.fore_color.rgb = _rgb("#F7F9FA")
    box.line.color.rgb = _rgb(GRID)
    bar_color = RAG_COLORS.get(tile.rag or "", MUTED)
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, Inches(0.18))
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(bar_color)
    bar.line.fill.background()
    inner_left, inner_width = left + Inches(0.2), width - Inches(0.4)
    _text(
        slide,
        tile.name,
        left=inner_left,
        top=top + Inches(0.3),
        width=inner_width,
        height=Inches(0.6),
        size=16,
        bold=True,
    )
    _text(
        slide,
        tile.value_text,
        left=inner_left,
        top=top + Inches(0.9),
        width=inner_width,
        height=Inches(0.9),
        size=36,
        bold=True,
        color=PRIMARY,
    )
    rag_word = pack.text(f"rag.{tile.rag}") if tile.rag else pack.text("rag.none")
    _text(
        slide,
        "● " + rag_word,
        left=inner_left,
        top=top + Inches(1.8),
        width=inner_width,
        height=Inches(0.4),
        size=14,
        bold=True,
        color=bar_color if tile.rag != "amber" else TEXT,
    )
    details = "\n".join(text for text in (tile.change_text, tile.note) if text)
    if details:
        _text(
            slide,
            details,
            left=inner_left,
            top=top + Inches(2.25),
            width=inner_width,
            height=height - Inches(2.35),
            size=12,
            color=MUTED,
        )


def _kpi_slides(presentation: Presentation, pack: Pack) -> None:
    tiles = list(pack.kpis)
    if not tiles:
        return
    rows_per_slide = 1
    per_slide = TILES_PER_ROW * rows_per_slide
    for start in range(0, len(tiles), per_slide):
        slide = _blank(presentation, pack.text("reports.section.kpis"))
        chunk = tiles[start : start + per_slide]
        gap = Inches(0.25)
        width = int((SLIDE_WIDTH - 2 * MARGIN - gap * (TILES_PER_ROW - 1)) / TILES_PER_ROW)
        for index, tile in enumerate(chunk):
            _tile(
                slide,
                pack,
                tile,
                left=MARGIN + index * (width + gap),
                top=BODY_TOP + Inches(0.3),
                width=width,
                height=Inches(4.4),
            )


def _chart_slides(presentation: Presentation, pack: Pack) -> None:
    for item in pack.charts:
        slide = _blank(presentation, item.title)
        png = chart_png(item.chart, lang=pack.lang)
        px_width, px_height = png_size(png)
        room_width = SLIDE_WIDTH - 2 * MARGIN
        room_height = FOOTER_TOP - BODY_TOP - (Inches(0.6) if item.note else Inches(0.1))
        scale = min(room_width / px_width, room_height / px_height)
        width, height = int(px_width * scale), int(px_height * scale)
        slide.shapes.add_picture(
            io.BytesIO(png), Emu(int((SLIDE_WIDTH - width) / 2)), BODY_TOP, width, height
        )
        if item.note:
            _text(
                slide,
                item.note,
                left=MARGIN,
                top=BODY_TOP + height + Inches(0.05),
                width=room_width,
                height=Inches(0.5),
                size=12,
                color=MUTED,
            )


def _exception_slides(presentation: Presentation, pack: Pack) -> None:
    items = list(pack.exceptions) or [pack.text("reports.no_exceptions")]
    for start in range(0, len(items), EXCEPTIONS_PER_SLIDE):
        title = pack.text("reports.section.exceptions")
        if start:
            title += " " + pack.text("reports.continued")
        slide = _blank(presentation, title)
        lines = [
            ("• " + item) if pack.exceptions else item for item in items[start : start + EXCEPTIONS_PER_SLIDE]
        ]
        _text(
            slide,
            "\n".join(lines),
            left=MARGIN,
            top=BODY_TOP + Inches(0.1),
            width=SLIDE_WIDTH - 2 * MARGIN,
            height=FOOTER_TOP - BODY_TOP - Inches(0.2),
            size=18,
        )


def _text_width(text: str) -> float:
    """Rough width of `text` at 12 pt in EMU (average glyph about 0.55 em), padding included."""
    return min(len(text), 70) * Pt(12) * 0.55 + Inches(0.25)


def _column_widths(headers: Sequence[str], rows: Sequence[Sequence[str]], total: int) -> list[int]:
    return [int(width) for width in fit_widths(headers, rows, total=total, measure=_text_width)]


def _table_slides(presentation: Presentation, pack: Pack, table: PackTable) -> None:
    headers = [str(column) for column in table.frame.columns]
    rows = [
        [cell_text(value, pack.lang) for value in row]
        for row in table.frame.itertuples(index=False, name=None)
    ]
    if not rows:
        slide = _blank(presentation, table.title)
        _text(
            slide,
            pack.text("reports.no_rows"),
            left=MARGIN,
            top=BODY_TOP + Inches(0.1),
            width=SLIDE_WIDTH - 2 * MARGIN,
            height=Inches(0.6),
            size=16,
            color=MUTED,
        )
        return
    total_width = SLIDE_WIDTH - 2 * MARGIN
    widths = _column_widths(headers, rows, total_width)
    right = numeric_columns(table.frame)
    for start in range(0, len(rows), TABLE_ROWS_PER_SLIDE):
        chunk = rows[start : start + TABLE_ROWS_PER_SLIDE]
        title = table.title + (" " + pack.text("reports.continued") if start else "")
        slide = _blank(presentation, title)
        height = Inches(0.4) * (len(chunk) + 1)
        shape = slide.shapes.add_table(
            len(chunk) + 1, len(headers), MARGIN, BODY_TOP + Inches(0.1), total_width, height
        )
        grid = shape.table
        for index, width in enumerate(widths):
            grid.columns[index].width = width
        for row_index, values in enumerate([headers, *chunk]):
            for col_index, value in enumerate(values):
                cell = grid.cell(row_index, col_index)
                cell.text = value
                cell.margin_top = cell.margin_bottom = Pt(3)
                for paragraph in cell.text_frame.paragraphs:
                    paragraph.alignment = PP_ALIGN.RIGHT if right[col_index] else PP_ALIGN.LEFT
                    for run in paragraph.runs:
                        run.font.size = Pt(12)
                        run.font.bold = row_index == 0
                        run.font.color.rgb = _rgb(WHITE if row_index == 0 else TEXT)
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(
                    PRIMARY if row_index == 0 else ("#FFFFFF" if row_index % 2 else "#F2F5F7")
                )
        if table.note and start + TABLE_ROWS_PER_SLIDE >= len(rows):
            _text(
                slide,
                table.note,
                left=MARGIN,
                top=FOOTER_TOP - Inches(0.5),
                width=total_width,
                height=Inches(0.4),
                size=12,
                color=MUTED,
            )


def _footers(presentation: Presentation, pack: Pack) -> None:
    slides = list(presentation.slides)
    for number, slide in enumerate(slides, start=1):
        if number == 1:
            continue
        left_text = (
            f"{pack.title} · {pack.as_of_text} · {pack.text('reports.exported_on', when=pack.exported_text)}"
        )
        _text(
            slide,
            left_text,
            left=MARGIN,
            top=FOOTER_TOP,
            width=Inches(9.5),
            height=Inches(0.4),
            size=12,
            color=MUTED,
        )
        _text(
            slide,
            pack.text("reports.slide_of", number=number, total=len(slides)),
            left=SLIDE_WIDTH - MARGIN - Inches(3),
            top=FOOTER_TOP,
            width=Inches(3),
            height=Inches(0.4),
            size=12,
            color=MUTED,
            align=PP_ALIGN.RIGHT,
        )


def build_pptx(pack: Pack) -> bytes:
    """The pack as a .pptx file (bytes)."""
    presentation = Presentation()
    presentation.slide_width = SLIDE_WIDTH
    presentation.slide_height = SLIDE_HEIGHT
    presentation.core_properties.title = pack.title
    _title_slide(presentation, pack)
    _kpi_slides(presentation, pack)
    _chart_slides(presentation, pack)
    _exception_slides(presentation, pack)
    for table in pack.tables:
        _table_slides(presentation, pack, table)
    for table in (pack.decisions, pack.actions):
        if len(table.frame.columns):
            _table_slides(presentation, pack, table)
    _footers(presentation, pack)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()
