"""The meeting pack as a PDF (fpdf2): A4 landscape, the same sections as the slides.

Its pages follow reports.content.pack_sections, as the slides do: page one is the month
(sentences, year-end forecast, KPI tiles with status, change and a sparkline); then the
Alignment health pages and the charts (with alternative text), the exceptions grouped by
kind and the tables. Every page but the first has a header with the pack's title and as-of
month; every page a footer with "page X of Y" and the export date; body text always ends
above the footer (a paragraph that would reach it starts a new page). The page itself (fonts,
header, footer, paragraphs, tiles) is reports.pdf_document; text is set in DejaVu Sans from
the system (Debian's fonts-dejavu-core), which has €, ë and –; charts are PNGs rendered
offline.
"""

from __future__ import annotations

import io
from collections.abc import Callable

from fpdf.fonts import FontFace

from charts.theme import GRID, MUTED, PRIMARY, RAG_COLORS, TEXT
from reports.content import (
    Pack,
    PackSection,
    SectionKind,
    cell_text,
    fit_widths,
    numeric_columns,
    pack_sections,
)
from reports.pdf_document import (
    FONT,
    MARGIN,
    PAGE_BREAK_MARGIN,
    TILES_PER_ROW,
    PackPdf,
    add_paragraph,
    draw_tile,
    rgb,
)
from reports.render import png_of, png_size


def _month_page(pdf: PackPdf, pack: Pack, section: PackSection) -> None:
    """Page one: the organisation and month, the sentences, the forecast and the tiles."""
    pdf.add_page()
    pdf.set_fill_color(*rgb(PRIMARY))
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
    pdf.set_text_color(*rgb(PRIMARY))
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
    pdf.set_text_color(*rgb(TEXT))
    for sentence in pack.summary:
        pdf.set_x(MARGIN)
        pdf.multi_cell(left_w, size * 0.5, "• " + sentence)
        pdf.ln(1)
    if pack.forecast is not None:
        fx = MARGIN + left_w + 6
        fw = pdf.w - MARGIN - fx
        fh = tiles_top - 4 - top
        pdf.set_draw_color(*rgb(GRID))
        pdf.set_fill_color(247, 249, 250)
        pdf.rect(fx, top, fw, fh, style="DF")
        pdf.set_fill_color(*rgb(RAG_COLORS.get(pack.forecast.rag or "", PRIMARY)))
        pdf.rect(fx, top, 1.6, fh, style="F")
        pdf.set_xy(fx + 5, top + 3)
        pdf.set_font(FONT, "B", 13)
        pdf.set_text_color(*rgb(PRIMARY))
        pdf.multi_cell(fw - 8, 7, pack.forecast.heading)
        if pack.forecast.rag:
            pdf.set_x(fx + 5)
            pdf.set_font(FONT, "B", 10)
            pdf.set_text_color(*rgb(TEXT))
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
        pdf.set_text_color(*rgb(TEXT))
        for line in pack.forecast.lines:
            pdf.set_x(fx + 5)
            pdf.multi_cell(fw - 8, size * 0.5, line)
            pdf.ln(1)
    width = (pdf.content_width - gap * (TILES_PER_ROW - 1)) / TILES_PER_ROW
    pdf.set_auto_page_break(False)
    for index, tile in enumerate(pack.kpis[: TILES_PER_ROW * 2]):
        row, col = divmod(index, TILES_PER_ROW)
        draw_tile(
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
            draw_tile(
                pdf,
                pack,
                tile,
                x=MARGIN + col * (width + gap),
                y=top + row * (tile_h + gap),
                w=width,
                h=tile_h,
            )
        pdf.set_auto_page_break(True, margin=PAGE_BREAK_MARGIN)


def _chart_page(pdf: PackPdf, pack: Pack, section: PackSection) -> None:
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
        pdf.set_text_color(*rgb(MUTED))
        pdf.multi_cell(0, 5, item.note)


def _exceptions_page(pdf: PackPdf, pack: Pack, section: PackSection) -> None:
    pdf.section(pack.text("reports.section.exceptions"))
    pdf.continued_title = pack.text("reports.section.exceptions") + " " + pack.text("reports.continued")
    if not pack.groups:
        pdf.continued_title = ""
        add_paragraph(pdf, pack.text("reports.no_exceptions"), size=13, color=MUTED, line=7)
        return
    for group in pack.groups:
        if group.title:
            pdf.ln(2)
            # A heading keeps at least its first line with it.
            add_paragraph(pdf, group.title, size=13, bold=True, color=PRIMARY, line=7, keep=6)
        for line in group.lines:
            add_paragraph(pdf, "• " + line, size=11, line=5.6)
        if group.more:
            add_paragraph(
                pdf, pack.text("reports.exception.more", count=group.more), size=10, color=MUTED, line=5.4
            )
    pdf.continued_title = ""


def _table_page(pdf: PackPdf, pack: Pack, section: PackSection) -> None:
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
        pdf.set_text_color(*rgb(MUTED))
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
    heading = FontFace(emphasis="BOLD", color=(255, 255, 255), fill_color=rgb(PRIMARY))
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
        pdf.set_text_color(*rgb(MUTED))
        pdf.multi_cell(0, 5, table.note)
    pdf.continued_title = ""


# How each kind of section becomes pages; the order of the sections is reports.content's.
PAGES: dict[SectionKind, Callable[[PackPdf, Pack, PackSection], None]] = {
    "month": _month_page,
    "chart": _chart_page,
    "exceptions": _exceptions_page,
    "table": _table_page,
}


def build_pdf(pack: Pack) -> bytes:
    """The pack as a PDF file (bytes); raises FontMissing when DejaVu Sans is not installed."""
    pdf = PackPdf(pack)
    for section in pack_sections(pack):
        PAGES[section.kind](pdf, pack, section)
    return bytes(pdf.output())
