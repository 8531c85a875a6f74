"""The drawing pieces of the pack's slides (python-pptx): the slide's geometry, text boxes,
titled slides on the "Title Only" layout, pictures with alternative text, KPI tiles with a
sparkline, and body text made to fit. reports.pptx_pack lays the sections out with them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.shapes.picture import Picture
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from charts.overview import trend_shares
from charts.theme import GRID, MUTED, PRIMARY, RAG_COLORS, TEXT
from reports.content import (
    KpiTile,
    Pack,
)
from reports.layout import LINE_SPACING, text_height, text_width, wrap

SLIDE_WIDTH = Emu(12192000)  # 13.333 in: 16:9 at 7.5 in high
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.5)
TITLE_TOP = Inches(0.3)
TITLE_HEIGHT = Inches(0.8)
BODY_TOP = Inches(1.35)
FOOTER_TOP = Inches(6.95)
FOOTER_HEIGHT = Inches(0.4)
BODY_BOTTOM = FOOTER_TOP - Inches(0.1)
TITLE_ONLY_LAYOUT = 5  # in python-pptx's default template
TILES_PER_ROW = 5
TABLE_SIZE = 12
CELL_MARGIN_X = Pt(5)
CELL_MARGIN_Y = Pt(3)
WHITE = "#FFFFFF"
EMU_PER_PT = 12700


def rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def pt(emu: int) -> float:
    return emu / EMU_PER_PT


def add_text(
    slide: Slide,
    text: str | Sequence[tuple[str, dict]],
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
    name: str | None = None,
) -> None:
    """A text box without inner margins; `text` is one string (lines split on newlines) or
    paragraphs as (text, style) with style keys size, bold, color, space_before."""
    box = slide.shapes.add_textbox(left, top, width, height)
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = anchor
    paragraphs = [(line, {}) for line in text.split("\n")] if isinstance(text, str) else list(text)
    for index, (line, style) in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = align
        if style.get("space_before"):
            paragraph.space_before = Pt(style["space_before"])
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(style.get("size", size))
        run.font.bold = style.get("bold", bold)
        run.font.color.rgb = rgb(style.get("color", color))


def add_slide(presentation: Presentation, title: str, *, title_width: int | None = None) -> Slide:
    """A slide on the Title Only layout with `title` in its title placeholder and a rule under it."""
    slide = presentation.slides.add_slide(presentation.slide_layouts[TITLE_ONLY_LAYOUT])
    placeholder = slide.shapes.title
    placeholder.left, placeholder.top = MARGIN, TITLE_TOP
    placeholder.width, placeholder.height = title_width or SLIDE_WIDTH - 2 * MARGIN, TITLE_HEIGHT
    frame = placeholder.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    size = 28 if text_width(title, size=28, bold=True) <= pt(placeholder.width) else 22
    frame.text = title
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size = Pt(size)
        run.font.bold = True
        run.font.color.rgb = rgb(PRIMARY)
    line = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, Inches(1.12), SLIDE_WIDTH - 2 * MARGIN, Pt(3))
    line.fill.solid()
    line.fill.fore_color.rgb = rgb(PRIMARY)
    line.line.fill.background()
    return slide


def set_notes(slide: Slide, text: str) -> None:
    if text:
        slide.notes_slide.notes_text_frame.text = text


def add_picture(
    slide: Slide, png: bytes, *, left: int, top: int, width: int, height: int, alt: str
) -> Picture:
    """A picture whose alternative text (descr) is `alt`, never the file name."""
    picture = slide.shapes.add_picture(io.BytesIO(png), left, top, width, height)
    picture._element.nvPicPr.cNvPr.set("descr", alt)
    picture.name = alt[:60]
    return picture


def add_sparkline(
    slide: Slide, values: Sequence[float | None], *, left: int, top: int, width: int, height: int
) -> None:
    """The trend as a thin line (None values left out); nothing with fewer than two values."""
    shares = trend_shares(values)
    if shares is None:
        return
    xy = [(int(left + width * across), int(top + height - height * up)) for across, up in shares]
    builder = slide.shapes.build_freeform(*xy[0], scale=1.0)
    builder.add_line_segments(xy[1:], close=False)
    shape = builder.convert_to_shape()
    shape.fill.background()
    shape.line.color.rgb = rgb(PRIMARY)
    shape.line.width = Pt(1.75)
    shape.name = "trend"


def add_tile(
    slide: Slide, pack: Pack, tile: KpiTile, *, left: int, top: int, width: int, height: int
) -> None:
    box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    box.fill.solid()
    box.fill.fore_color.rgb = rgb("#F7F9FA")
    box.line.color.rgb = rgb(GRID)
    box.name = "tile"
    bar_color = RAG_COLORS.get(tile.rag or "", MUTED)
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, Inches(0.08))
    bar.fill.solid()
    bar.fill.fore_color.rgb = rgb(bar_color)
    bar.line.fill.background()
    inner_left, inner_width = left + Inches(0.12), width - Inches(0.24)
    add_text(
        slide,
        tile.name,
        left=inner_left,
        top=top + Inches(0.14),
        width=inner_width,
        height=Inches(0.42),
        size=12,
        bold=True,
    )
    value_size = 22 if text_width(tile.value_text, size=22, bold=True) <= pt(inner_width) * 0.55 else 16
    add_text(
        slide,
        tile.value_text,
        left=inner_left,
        top=top + Inches(0.56),
        width=int(inner_width * 0.58),
        height=Inches(0.42),
        size=value_size,
        bold=True,
        color=PRIMARY,
    )
    add_sparkline(
        slide,
        tile.trend,
        left=inner_left + int(inner_width * 0.62),
        top=top + Inches(0.62),
        width=int(inner_width * 0.38),
        height=Inches(0.3),
    )
    rag_word = pack.text(f"rag.{tile.rag}") if tile.rag else pack.text("rag.none")
    add_text(
        slide,
        "● " + rag_word,
        left=inner_left,
        top=top + Inches(1.0),
        width=inner_width,
        height=Inches(0.22),
        size=12,
        bold=True,
        color=bar_color if tile.rag != "amber" else TEXT,
    )
    if tile.change_text:
        add_text(
            slide,
            tile.change_text,
            left=inner_left,
            top=top + Inches(1.22),
            width=inner_width,
            height=Inches(0.22),
            size=12,
            color=MUTED,
        )


def fit_paragraphs(
    paragraphs: list[tuple[str, dict]], *, width: int, height: int, smallest: int = 12
) -> list[tuple[str, dict]]:
    """The paragraphs with their body text made smaller (not below `smallest` pt) until they
    fit `height`; headings keep their size."""

    def needed(items: list[tuple[str, dict]]) -> float:
        return sum(paragraph_height(text, style, pt(width)) for text, style in items)

    while needed(paragraphs) > pt(height):
        sizes = [style["size"] for _, style in paragraphs if not style.get("bold")]
        if not sizes or max(sizes) <= smallest:
            break
        paragraphs = [
            (text, style if style.get("bold") else {**style, "size": style["size"] - 1})
            for text, style in paragraphs
        ]
    return paragraphs


def paragraph_height(text: str, style: dict, width: float) -> float:
    return text_height(text, width=width, size=style["size"], bold=style.get("bold", False)) + style.get(
        "space_before", 0
    )


def cell_width(text: str) -> float:
    """A cell's width in EMU at the table's font size, padding included."""
    return Pt(text_width(text, size=TABLE_SIZE, bold=True)) + 2 * CELL_MARGIN_X + Pt(2)


def row_height(values: Sequence[str], widths: Sequence[int], *, bold: bool = False) -> int:
    """A table row's height in EMU: its tallest cell wrapped to the column widths, padding included."""
    lines = max(
        len(wrap(value, width=pt(width - 2 * CELL_MARGIN_X) - 2, size=TABLE_SIZE, bold=bold))
        for value, width in zip(values, widths, strict=True)
    )
    return int(Pt(lines * TABLE_SIZE * LINE_SPACING) + 2 * CELL_MARGIN_Y + Pt(2))
