"""The meeting pack as PowerPoint slides (python-pptx), 16:9, in the organisation's colours.

Slides: the month (summary sentences, year-end forecast, KPI tiles with status, change and
a sparkline, the organisation's name and logo); one slide per chart (PNG rendered offline,
with alternative text); the exceptions grouped by kind; every table, decisions and actions
as native tables, split over slides by their measured height. Every slide uses the "Title
Only" layout, so its title is in the title placeholder (outline, slide sorter, screen
readers); speaker notes hold the definitions of the KPIs on the slide. Body text is at
least 12 pt; every slide carries "slide X of Y" and the export date in its footer.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.shapes.picture import Picture
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from charts.theme import GRID, MUTED, PRIMARY, RAG_COLORS, TEXT
from reports.content import (
    ExceptionGroupText,
    KpiTile,
    Pack,
    PackTable,
    cell_text,
    fit_widths,
    numeric_columns,
)
from reports.layout import LINE_SPACING, text_height, text_width, wrap
from reports.render import png_of, png_size

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


def _rgb(color: str) -> RGBColor:
    return RGBColor.from_string(color.lstrip("#").upper())


def _pt(emu: int) -> float:
    return emu / EMU_PER_PT


def _text(
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
        run.font.color.rgb = _rgb(style.get("color", color))


def _slide(presentation: Presentation, title: str, *, title_width: int | None = None) -> Slide:
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
    size = 28 if text_width(title, size=28, bold=True) <= _pt(placeholder.width) else 22
    frame.text = title
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.LEFT
    for run in paragraph.runs:
        run.font.size = Pt(size)
        run.font.bold = True
        run.font.color.rgb = _rgb(PRIMARY)
    line = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, MARGIN, Inches(1.12), SLIDE_WIDTH - 2 * MARGIN, Pt(3))
    line.fill.solid()
    line.fill.fore_color.rgb = _rgb(PRIMARY)
    line.line.fill.background()
    return slide


def _notes(slide: Slide, text: str) -> None:
    if text:
        slide.notes_slide.notes_text_frame.text = text


def _picture(slide: Slide, png: bytes, *, left: int, top: int, width: int, height: int, alt: str) -> Picture:
    """A picture whose alternative text (descr) is `alt`, never the file name."""
    picture = slide.shapes.add_picture(io.BytesIO(png), left, top, width, height)
    picture._element.nvPicPr.cNvPr.set("descr", alt)
    picture.name = alt[:60]
    return picture


def _sparkline(
    slide: Slide, values: Sequence[float | None], *, left: int, top: int, width: int, height: int
) -> None:
    """The trend as a thin line (None values left out); nothing with fewer than two values."""
    points = [
        (index, value) for index, value in enumerate(values) if value is not None and math.isfinite(value)
    ]
    if len(points) < 2:
        return
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = (high - low) or 1.0
    steps = max(1, len(values) - 1)
    xy = [
        (int(left + width * index / steps), int(top + height - height * (value - low) / span))
        for index, value in points
    ]
    builder = slide.shapes.build_freeform(*xy[0], scale=1.0)
    builder.add_line_segments(xy[1:], close=False)
    shape = builder.convert_to_shape()
    shape.fill.background()
    shape.line.color.rgb = _rgb(PRIMARY)
    shape.line.width = Pt(1.75)
    shape.name = "trend"


def _tile(slide: Slide, pack: Pack, tile: KpiTile, *, left: int, top: int, width: int, height: int) -> None:
    box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, height)
    box.fill.solid()
    box.fill.fore_color.rgb = _rgb("#F7F9FA")
    box.line.color.rgb = _rgb(GRID)
    box.name = "tile"
    bar_color = RAG_COLORS.get(tile.rag or "", MUTED)
    bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, left, top, width, Inches(0.08))
    bar.fill.solid()
    bar.fill.fore_color.rgb = _rgb(bar_color)
    bar.line.fill.background()
    inner_left, inner_width = left + Inches(0.12), width - Inches(0.24)
    _text(
        slide,
        tile.name,
        left=inner_left,
        top=top + Inches(0.14),
        width=inner_width,
        height=Inches(0.42),
        size=12,
        bold=True,
    )
    value_size = 22 if text_width(tile.value_text, size=22, bold=True) <= _pt(inner_width) * 0.55 else 16
    _text(
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
    _sparkline(
        slide,
        tile.trend,
        left=inner_left + int(inner_width * 0.62),
        top=top + Inches(0.62),
        width=int(inner_width * 0.38),
        height=Inches(0.3),
    )
    rag_word = pack.text(f"rag.{tile.rag}") if tile.rag else pack.text("rag.none")
    _text(
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
        _text(
            slide,
            tile.change_text,
            left=inner_left,
            top=top + Inches(1.22),
            width=inner_width,
            height=Inches(0.22),
            size=12,
            color=MUTED,
        )


def _fit(
    paragraphs: list[tuple[str, dict]], *, width: int, height: int, smallest: int = 12
) -> list[tuple[str, dict]]:
    """The paragraphs with their body text made smaller (not below `smallest` pt) until they
    fit `height`; headings keep their size."""

    def needed(items: list[tuple[str, dict]]) -> float:
        return sum(_paragraph_height(text, style, _pt(width)) for text, style in items)

    while needed(paragraphs) > _pt(height):
        sizes = [style["size"] for _, style in paragraphs if not style.get("bold")]
        if not sizes or max(sizes) <= smallest:
            break
        paragraphs = [
            (text, style if style.get("bold") else {**style, "size": style["size"] - 1})
            for text, style in paragraphs
        ]
    return paragraphs


def _month_slide(presentation: Presentation, pack: Pack) -> None:
    """Page one: the organisation and month, the sentences, the forecast and the tiles."""
    logo_width = Inches(1.6) if pack.logo_path else 0
    slide = _slide(
        presentation,
        f"{pack.title} · {pack.as_of_text}",
        title_width=SLIDE_WIDTH - 2 * MARGIN - (logo_width + Inches(0.2) if logo_width else 0),
    )
    if pack.logo_path:
        png = pack.logo_path.read_bytes()
        try:
            px_w, px_h = png_size(png)
        except ValueError:
            px_w, px_h = 4, 1
        scale = min(logo_width / px_w, Inches(0.75) / px_h)
        width, height = int(px_w * scale), int(px_h * scale)
        _picture(
            slide,
            png,
            left=SLIDE_WIDTH - MARGIN - width,
            top=TITLE_TOP + int((TITLE_HEIGHT - height) / 2),
            width=width,
            height=height,
            alt=pack.text("reports.alt.logo", name=pack.title),
        )
    subtitle = " · ".join([pack.subtitle, *pack.filters_text])
    _text(
        slide,
        subtitle,
        left=MARGIN,
        top=Inches(1.2),
        width=SLIDE_WIDTH - 2 * MARGIN,
        height=Inches(0.25),
        size=12,
        color=MUTED,
    )

    gap = Inches(0.12)
    height = Inches(1.5)
    tiles_top = BODY_BOTTOM - 2 * height - gap
    block_top, block_bottom = Inches(1.55), tiles_top - Inches(0.12)
    left_width = Inches(7.4)
    right_left = MARGIN + left_width + Inches(0.3)
    right_width = SLIDE_WIDTH - MARGIN - right_left
    paragraphs = [(pack.text("reports.section.since_last"), {"size": 16, "bold": True, "color": PRIMARY})]
    paragraphs += [("• " + sentence, {"size": 14, "space_before": 4}) for sentence in pack.summary]
    paragraphs = _fit(paragraphs, width=left_width, height=block_bottom - block_top)
    _text(slide, paragraphs, left=MARGIN, top=block_top, width=left_width, height=block_bottom - block_top)

    if pack.forecast is not None:
        box = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, right_left, block_top, right_width, block_bottom - block_top
        )
        box.fill.solid()
        box.fill.fore_color.rgb = _rgb("#F7F9FA")
        box.line.color.rgb = _rgb(GRID)
        box.name = "forecast"
        bar = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, right_left, block_top, Inches(0.08), block_bottom - block_top
        )
        bar.fill.solid()
        bar.fill.fore_color.rgb = _rgb(RAG_COLORS.get(pack.forecast.rag or "", PRIMARY))
        bar.line.fill.background()
        lines = [(pack.forecast.heading, {"size": 16, "bold": True, "color": PRIMARY})]
        if pack.forecast.rag:
            lines.append(("● " + pack.text(f"rag.{pack.forecast.rag}"), {"size": 12, "bold": True}))
        lines += [(line, {"size": 14, "space_before": 4}) for line in pack.forecast.lines]
        lines = _fit(lines, width=right_width - Inches(0.34), height=block_bottom - block_top - Inches(0.2))
        _text(
            slide,
            lines,
            left=right_left + Inches(0.22),
            top=block_top + Inches(0.1),
            width=right_width - Inches(0.34),
            height=block_bottom - block_top - Inches(0.2),
        )

    width = int((SLIDE_WIDTH - 2 * MARGIN - gap * (TILES_PER_ROW - 1)) / TILES_PER_ROW)
    for index, tile in enumerate(pack.kpis[: TILES_PER_ROW * 2]):
        row, col = divmod(index, TILES_PER_ROW)
        _tile(
            slide,
            pack,
            tile,
            left=MARGIN + col * (width + gap),
            top=tiles_top + row * (height + gap),
            width=width,
            height=height,
        )
    _notes(slide, pack.kpi_notes)
    if len(pack.kpis) > TILES_PER_ROW * 2:  # more tiles than page one holds: the rest follow
        rest = list(pack.kpis[TILES_PER_ROW * 2 :])
        for start in range(0, len(rest), TILES_PER_ROW * 3):
            extra = _slide(
                presentation, pack.text("reports.section.kpis") + " " + pack.text("reports.continued")
            )
            for index, tile in enumerate(rest[start : start + TILES_PER_ROW * 3]):
                row, col = divmod(index, TILES_PER_ROW)
                _tile(
                    extra,
                    pack,
                    tile,
                    left=MARGIN + col * (width + gap),
                    top=BODY_TOP + Inches(0.1) + row * (height + gap),
                    width=width,
                    height=height,
                )


def _chart_slides(presentation: Presentation, pack: Pack) -> None:
    for item in (*pack.health, *pack.charts):
        slide = _slide(presentation, item.title)
        png = png_of(item, lang=pack.lang, currency=pack.currency)
        px_width, px_height = png_size(png)
        room_width = SLIDE_WIDTH - 2 * MARGIN
        note_height = (
            Pt(text_height(item.note, width=_pt(room_width), size=12)) + Inches(0.1) if item.note else 0
        )
        room_height = BODY_BOTTOM - BODY_TOP - note_height
        scale = min(room_width / px_width, room_height / px_height)
        width, height = int(px_width * scale), int(px_height * scale)
        _picture(
            slide,
            png,
            left=Emu(int((SLIDE_WIDTH - width) / 2)),
            top=BODY_TOP,
            width=width,
            height=height,
            alt=item.alt_text or item.title,
        )
        if item.note:
            _text(
                slide,
                item.note,
                left=MARGIN,
                top=BODY_TOP + height + Inches(0.1),
                width=room_width,
                height=note_height - Inches(0.1),
                size=12,
                color=MUTED,
            )
        _notes(slide, item.notes)


HEADING = {"size": 15, "bold": True, "color": PRIMARY, "space_before": 8}
LINE = {"size": 13, "space_before": 2}
MORE = {"size": 12, "color": MUTED, "space_before": 2}


def _paragraph_height(text: str, style: dict, width: float) -> float:
    return text_height(text, width=width, size=style["size"], bold=style.get("bold", False)) + style.get(
        "space_before", 0
    )


def _exception_paragraphs(pack: Pack, group: ExceptionGroupText) -> list[tuple[str, dict]]:
    paragraphs = [(group.title, HEADING)] if group.title else []
    paragraphs += [("• " + line, LINE) for line in group.lines]
    if group.more:
        paragraphs.append((pack.text("reports.exception.more", count=group.more), MORE))
    return paragraphs


def _exception_slides(presentation: Presentation, pack: Pack) -> None:
    """The exceptions by kind; a kind moves whole to the next slide when it does not fit."""
    width = SLIDE_WIDTH - 2 * MARGIN
    room = _pt(BODY_BOTTOM - BODY_TOP - Inches(0.1))
    pages: list[list[tuple[str, dict]]] = [[]]
    used = 0.0
    for group in pack.groups:
        paragraphs = _exception_paragraphs(pack, group)
        needed = sum(_paragraph_height(text, style, _pt(width)) for text, style in paragraphs)
        if pages[-1] and used + needed > room:
            pages.append([])
            used = 0.0
        for text, style in paragraphs:  # a group taller than a slide is split by paragraph
            height = _paragraph_height(text, style, _pt(width))
            if pages[-1] and used + height > room:
                pages.append([])
                used = 0.0
            pages[-1].append((text, style))
            used += height
    for number, paragraphs in enumerate(pages):
        title = pack.text("reports.section.exceptions") + (
            " " + pack.text("reports.continued") if number else ""
        )
        slide = _slide(presentation, title)
        content = paragraphs or [(pack.text("reports.no_exceptions"), {"size": 16})]
        if content and content[0][1].get("space_before"):
            content[0] = (content[0][0], {**content[0][1], "space_before": 0})
        _text(
            slide,
            content,
            left=MARGIN,
            top=BODY_TOP + Inches(0.1),
            width=width,
            height=BODY_BOTTOM - BODY_TOP - Inches(0.1),
        )
        _notes(slide, pack.text("reports.notes.exceptions"))


def _cell_width(text: str) -> float:
    """A cell's width in EMU at the table's font size, padding included."""
    return Pt(text_width(text, size=TABLE_SIZE, bold=True)) + 2 * CELL_MARGIN_X + Pt(2)


def _row_height(values: Sequence[str], widths: Sequence[int], *, bold: bool = False) -> int:
    lines = max(
        len(wrap(value, width=_pt(width - 2 * CELL_MARGIN_X) - 2, size=TABLE_SIZE, bold=bold))
        for value, width in zip(values, widths, strict=True)
    )
    return int(Pt(lines * TABLE_SIZE * LINE_SPACING) + 2 * CELL_MARGIN_Y + Pt(2))


def _table_slides(presentation: Presentation, pack: Pack, table: PackTable) -> None:
    headers = [str(column) for column in table.frame.columns]
    rows = [
        [cell_text(value, pack.lang) for value in row]
        for row in table.slide_frame.itertuples(index=False, name=None)
    ]
    if not rows:
        slide = _slide(presentation, table.title)
        _text(
            slide,
            pack.text("reports.no_rows"),
            left=MARGIN,
            top=BODY_TOP + Inches(0.1),
            width=SLIDE_WIDTH - 2 * MARGIN,
            height=Inches(0.4),
            size=16,
            color=MUTED,
        )
        return
    total_width = SLIDE_WIDTH - 2 * MARGIN
    widths = [int(width) for width in fit_widths(headers, rows, total=total_width, measure=_cell_width)]
    widths[-1] = total_width - sum(widths[:-1])
    right = numeric_columns(table.frame)
    header_height = _row_height(headers, widths, bold=True)
    note_room = Inches(0.5) if table.note else 0
    room = BODY_BOTTOM - BODY_TOP - Inches(0.1) - note_room
    chunks: list[list[tuple[list[str], int]]] = [[]]
    used = header_height
    for values in rows:
        height = _row_height(values, widths)
        if chunks[-1] and used + height > room:
            chunks.append([])
            used = header_height
        chunks[-1].append((values, height))
        used += height
    for number, chunk in enumerate(chunks):
        title = table.title + (" " + pack.text("reports.continued") if number else "")
        slide = _slide(presentation, title)
        heights = [header_height, *(height for _, height in chunk)]
        shape = slide.shapes.add_table(
            len(chunk) + 1, len(headers), MARGIN, BODY_TOP + Inches(0.1), total_width, sum(heights)
        )
        grid = shape.table
        for index, width in enumerate(widths):
            grid.columns[index].width = width
        for index, height in enumerate(heights):
            grid.rows[index].height = height
        for row_index, values in enumerate([headers, *(values for values, _ in chunk)]):
            for col_index, value in enumerate(values):
                cell = grid.cell(row_index, col_index)
                cell.text = value
                cell.margin_top = cell.margin_bottom = CELL_MARGIN_Y
                cell.margin_left = cell.margin_right = CELL_MARGIN_X
                for paragraph in cell.text_frame.paragraphs:
                    paragraph.alignment = PP_ALIGN.RIGHT if right[col_index] else PP_ALIGN.LEFT
                    for run in paragraph.runs:
                        run.font.size = Pt(TABLE_SIZE)
                        run.font.bold = row_index == 0
                        run.font.color.rgb = _rgb(WHITE if row_index == 0 else TEXT)
                cell.fill.solid()
                cell.fill.fore_color.rgb = _rgb(
                    PRIMARY if row_index == 0 else ("#FFFFFF" if row_index % 2 else "#F2F5F7")
                )
        if table.note and number == len(chunks) - 1:
            _text(
                slide,
                table.note,
                left=MARGIN,
                top=BODY_BOTTOM - Inches(0.4),
                width=total_width,
                height=Inches(0.4),
                size=12,
                color=MUTED,
            )


def _footers(presentation: Presentation, pack: Pack) -> None:
    slides = list(presentation.slides)
    left_text = (
        f"{pack.title} · {pack.as_of_text} · {pack.text('reports.exported_on', when=pack.exported_text)}"
    )
    for number, slide in enumerate(slides, start=1):
        _text(
            slide,
            left_text,
            left=MARGIN,
            top=FOOTER_TOP,
            width=Inches(9.5),
            height=FOOTER_HEIGHT,
            size=12,
            color=MUTED,
            name="footer",
        )
        _text(
            slide,
            pack.text("reports.slide_of", number=number, total=len(slides)),
            left=SLIDE_WIDTH - MARGIN - Inches(2.5),
            top=FOOTER_TOP,
            width=Inches(2.5),
            height=FOOTER_HEIGHT,
            size=12,
            color=MUTED,
            align=PP_ALIGN.RIGHT,
            name="footer",
        )


def build_pptx(pack: Pack) -> bytes:
    """The pack as a .pptx file (bytes)."""
    presentation = Presentation()
    presentation.slide_width = SLIDE_WIDTH
    presentation.slide_height = SLIDE_HEIGHT
    presentation.core_properties.title = f"{pack.title} · {pack.subtitle}"
    presentation.core_properties.language = {"nl": "nl-NL", "en": "en-GB"}.get(pack.lang, pack.lang)
    _month_slide(presentation, pack)
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
