"""The meeting pack as PowerPoint slides (python-pptx), 16:9, in the organisation's colours.

The slides walk the pack's sections in the order of reports.content.pack_sections, the
order the PDF has too: the month (summary sentences, year-end forecast, KPI tiles with
status, change and a sparkline, the organisation's name and logo); one slide per chart (PNG
rendered offline, with alternative text); the exceptions grouped by kind; every table,
decisions and actions as native tables, split over slides by their measured height. Every
slide uses the "Title Only" layout, so its title is in the title placeholder (outline, slide
sorter, screen readers); speaker notes hold the definitions of the KPIs on the slide. Body
text is at least 12 pt; every slide carries "slide X of Y" and the export date in its
footer. The drawing pieces (text boxes, tiles, pictures) are in reports.pptx_shapes.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Inches, Pt

from charts.theme import GRID, MUTED, PRIMARY, RAG_COLORS, TEXT
from reports.content import (
    ExceptionGroupText,
    Pack,
    PackSection,
    SectionKind,
    cell_text,
    fit_widths,
    numeric_columns,
    pack_sections,
)
from reports.layout import text_height
from reports.pptx_shapes import (
    BODY_BOTTOM,
    BODY_TOP,
    CELL_MARGIN_X,
    CELL_MARGIN_Y,
    FOOTER_HEIGHT,
    FOOTER_TOP,
    MARGIN,
    SLIDE_HEIGHT,
    SLIDE_WIDTH,
    TABLE_SIZE,
    TILES_PER_ROW,
    TITLE_HEIGHT,
    TITLE_TOP,
    WHITE,
    add_picture,
    add_slide,
    add_text,
    add_tile,
    cell_width,
    fit_paragraphs,
    paragraph_height,
    pt,
    rgb,
    row_height,
    set_notes,
)
from reports.render import png_of, png_size


def _month_slide(presentation: Presentation, pack: Pack, section: PackSection) -> None:
    """Page one: the organisation and month, the sentences, the forecast and the tiles."""
    logo_width = Inches(1.6) if pack.logo_path else 0
    slide = add_slide(
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
        add_picture(
            slide,
            png,
            left=SLIDE_WIDTH - MARGIN - width,
            top=TITLE_TOP + int((TITLE_HEIGHT - height) / 2),
            width=width,
            height=height,
            alt=pack.text("reports.alt.logo", name=pack.title),
        )
    subtitle = " · ".join([pack.subtitle, *pack.filters_text])
    add_text(
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
    paragraphs = fit_paragraphs(paragraphs, width=left_width, height=block_bottom - block_top)
    add_text(slide, paragraphs, left=MARGIN, top=block_top, width=left_width, height=block_bottom - block_top)

    if pack.forecast is not None:
        box = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, right_left, block_top, right_width, block_bottom - block_top
        )
        box.fill.solid()
        box.fill.fore_color.rgb = rgb("#F7F9FA")
        box.line.color.rgb = rgb(GRID)
        box.name = "forecast"
        bar = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, right_left, block_top, Inches(0.08), block_bottom - block_top
        )
        bar.fill.solid()
        bar.fill.fore_color.rgb = rgb(RAG_COLORS.get(pack.forecast.rag or "", PRIMARY))
        bar.line.fill.background()
        lines = [(pack.forecast.heading, {"size": 16, "bold": True, "color": PRIMARY})]
        if pack.forecast.rag:
            lines.append(("● " + pack.text(f"rag.{pack.forecast.rag}"), {"size": 12, "bold": True}))
        lines += [(line, {"size": 14, "space_before": 4}) for line in pack.forecast.lines]
        lines = fit_paragraphs(
            lines, width=right_width - Inches(0.34), height=block_bottom - block_top - Inches(0.2)
        )
        add_text(
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
        add_tile(
            slide,
            pack,
            tile,
            left=MARGIN + col * (width + gap),
            top=tiles_top + row * (height + gap),
            width=width,
            height=height,
        )
    set_notes(slide, pack.kpi_notes)
    if len(pack.kpis) > TILES_PER_ROW * 2:  # more tiles than page one holds: the rest follow
        rest = list(pack.kpis[TILES_PER_ROW * 2 :])
        for start in range(0, len(rest), TILES_PER_ROW * 3):
            extra = add_slide(
                presentation, pack.text("reports.section.kpis") + " " + pack.text("reports.continued")
            )
            for index, tile in enumerate(rest[start : start + TILES_PER_ROW * 3]):
                row, col = divmod(index, TILES_PER_ROW)
                add_tile(
                    extra,
                    pack,
                    tile,
                    left=MARGIN + col * (width + gap),
                    top=BODY_TOP + Inches(0.1) + row * (height + gap),
                    width=width,
                    height=height,
                )


def _chart_slide(presentation: Presentation, pack: Pack, section: PackSection) -> None:
    """One chart on its slide, scaled to the room, its note under it."""
    item = section.chart
    assert item is not None
    slide = add_slide(presentation, item.title)
    png = png_of(item, lang=pack.lang, currency=pack.currency)
    px_width, px_height = png_size(png)
    room_width = SLIDE_WIDTH - 2 * MARGIN
    note_height = Pt(text_height(item.note, width=pt(room_width), size=12)) + Inches(0.1) if item.note else 0
    room_height = BODY_BOTTOM - BODY_TOP - note_height
    scale = min(room_width / px_width, room_height / px_height)
    width, height = int(px_width * scale), int(px_height * scale)
    add_picture(
        slide,
        png,
        left=Emu(int((SLIDE_WIDTH - width) / 2)),
        top=BODY_TOP,
        width=width,
        height=height,
        alt=item.alt_text or item.title,
    )
    if item.note:
        add_text(
            slide,
            item.note,
            left=MARGIN,
            top=BODY_TOP + height + Inches(0.1),
            width=room_width,
            height=note_height - Inches(0.1),
            size=12,
            color=MUTED,
        )
    set_notes(slide, item.notes)


HEADING = {"size": 15, "bold": True, "color": PRIMARY, "space_before": 8}
LINE = {"size": 13, "space_before": 2}
MORE = {"size": 12, "color": MUTED, "space_before": 2}


def _exception_paragraphs(pack: Pack, group: ExceptionGroupText) -> list[tuple[str, dict]]:
    paragraphs = [(group.title, HEADING)] if group.title else []
    paragraphs += [("• " + line, LINE) for line in group.lines]
    if group.more:
        paragraphs.append((pack.text("reports.exception.more", count=group.more), MORE))
    return paragraphs


def _exception_slides(presentation: Presentation, pack: Pack, section: PackSection) -> None:
    """The exceptions by kind; a kind moves whole to the next slide when it does not fit."""
    width = SLIDE_WIDTH - 2 * MARGIN
    room = pt(BODY_BOTTOM - BODY_TOP - Inches(0.1))
    pages: list[list[tuple[str, dict]]] = [[]]
    used = 0.0
    for group in pack.groups:
        paragraphs = _exception_paragraphs(pack, group)
        needed = sum(paragraph_height(text, style, pt(width)) for text, style in paragraphs)
        if pages[-1] and used + needed > room:
            pages.append([])
            used = 0.0
        for text, style in paragraphs:  # a group taller than a slide is split by paragraph
            height = paragraph_height(text, style, pt(width))
            if pages[-1] and used + height > room:
                pages.append([])
                used = 0.0
            pages[-1].append((text, style))
            used += height
    for number, paragraphs in enumerate(pages):
        title = pack.text("reports.section.exceptions") + (
            " " + pack.text("reports.continued") if number else ""
        )
        slide = add_slide(presentation, title)
        content = paragraphs or [(pack.text("reports.no_exceptions"), {"size": 16})]
        if content and content[0][1].get("space_before"):
            content[0] = (content[0][0], {**content[0][1], "space_before": 0})
        add_text(
            slide,
            content,
            left=MARGIN,
            top=BODY_TOP + Inches(0.1),
            width=width,
            height=BODY_BOTTOM - BODY_TOP - Inches(0.1),
        )
        set_notes(slide, pack.text("reports.notes.exceptions"))


def _table_slides(presentation: Presentation, pack: Pack, section: PackSection) -> None:
    """One table over as many slides as its measured rows need, titled "continued" after the first."""
    table = section.table
    assert table is not None
    headers = [str(column) for column in table.frame.columns]
    rows = [
        [cell_text(value, pack.lang) for value in row]
        for row in table.slide_frame.itertuples(index=False, name=None)
    ]
    if not rows:
        slide = add_slide(presentation, table.title)
        add_text(
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
    widths = [int(width) for width in fit_widths(headers, rows, total=total_width, measure=cell_width)]
    widths[-1] = total_width - sum(widths[:-1])
    right = numeric_columns(table.frame)
    header_height = row_height(headers, widths, bold=True)
    note_room = Inches(0.5) if table.note else 0
    room = BODY_BOTTOM - BODY_TOP - Inches(0.1) - note_room
    chunks: list[list[tuple[list[str], int]]] = [[]]
    used = header_height
    for values in rows:
        height = row_height(values, widths)
        if chunks[-1] and used + height > room:
            chunks.append([])
            used = header_height
        chunks[-1].append((values, height))
        used += height
    for number, chunk in enumerate(chunks):
        title = table.title + (" " + pack.text("reports.continued") if number else "")
        slide = add_slide(presentation, title)
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
                        run.font.color.rgb = rgb(WHITE if row_index == 0 else TEXT)
                cell.fill.solid()
                cell.fill.fore_color.rgb = rgb(
                    PRIMARY if row_index == 0 else ("#FFFFFF" if row_index % 2 else "#F2F5F7")
                )
        if table.note and number == len(chunks) - 1:
            add_text(
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
        add_text(
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
        add_text(
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


# How each kind of section becomes slides; the order of the sections is reports.content's.
SLIDES: dict[SectionKind, Callable[[Presentation, Pack, PackSection], None]] = {
    "month": _month_slide,
    "chart": _chart_slide,
    "exceptions": _exception_slides,
    "table": _table_slides,
}


def build_pptx(pack: Pack) -> bytes:
    """The pack as a .pptx file (bytes)."""
    presentation = Presentation()
    presentation.slide_width = SLIDE_WIDTH
    presentation.slide_height = SLIDE_HEIGHT
    presentation.core_properties.title = f"{pack.title} · {pack.subtitle}"
    presentation.core_properties.language = {"nl": "nl-NL", "en": "en-GB"}.get(pack.lang, pack.lang)
    for section in pack_sections(pack):
        SLIDES[section.kind](presentation, pack, section)
    _footers(presentation, pack)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()
