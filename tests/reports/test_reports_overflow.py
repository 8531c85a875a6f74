"""Nothing in the meeting pack overflows: every slide rendered by LibreOffice and every PDF
page, in Dutch and English, on the October 2026 demo data.

Slides: LibreOffice (headless) turns the PPTX into a PDF; `pdftotext -bbox` gives every
word's box on each page; each word must lie inside the bounds of a text shape or table of
that slide (shape bounds from the PPTX), body shapes must end above the footer, and a word
in the footer band must be a footer word. PDF: every word inside the side margins, body
words above the footer band, footer words only in it. On both, no two words overprint.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from pptx import Presentation

from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from domain.filters import Filters
from reports.pack import build_pack
from reports.pdf_document import FOOTER_Y, MARGIN, PAGE_BREAK_MARGIN
from reports.pdf_pack import build_pdf
from reports.pptx_pack import build_pptx
from reports.pptx_shapes import EMU_PER_PT, FOOTER_TOP

EXPORTED = dt.datetime(2026, 11, 3, 8, 30, tzinfo=dt.UTC)  # 09:30 in Amsterdam (CET)
FILTERS = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH)  # October 2026
TOLERANCE = 2.5  # points: font ascent and descent reach a little past a line's box
MM = 72 / 25.4
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str = ""

    def inside(self, other: Box, tolerance: float = TOLERANCE) -> bool:
        return (
            self.x0 >= other.x0 - tolerance
            and self.y0 >= other.y0 - tolerance
            and self.x1 <= other.x1 + tolerance
            and self.y1 <= other.y1 + tolerance
        )

    def overlap(self, other: Box) -> float:
        """The share of the smaller box covered by the other one."""
        width = min(self.x1, other.x1) - max(self.x0, other.x0)
        height = min(self.y1, other.y1) - max(self.y0, other.y0)
        if width <= 0 or height <= 0:
            return 0.0
        smaller = min(
            (self.x1 - self.x0) * (self.y1 - self.y0), (other.x1 - other.x0) * (other.y1 - other.y0)
        )
        return width * height / smaller if smaller > 0 else 0.0


def _need(tool: str) -> None:
    if shutil.which(tool) is None:
        pytest.fail(f"{tool} is missing: .ci/run installs it (libreoffice-impress, poppler-utils)")


def pdf_words(pdf: Path) -> list[tuple[float, float, list[Box]]]:
    """Per page: (width, height, words) from `pdftotext -bbox`, in points from the top left."""
    _need("pdftotext")
    out = pdf.with_suffix(".html")
    subprocess.run(["pdftotext", "-bbox", str(pdf), str(out)], check=True, timeout=120)
    pages = []
    for width, height, body in PAGE.findall(out.read_text(encoding="utf-8")):
        words = [
            Box(float(a), float(b), float(c), float(d), html.unescape(text))
            for a, b, c, d, text in WORD.findall(body)
        ]
        pages.append((float(width), float(height), words))
    return pages


def overprinted(words: list[Box]) -> list[tuple[str, str]]:
    """Pairs of words that print over each other (more than a third of the smaller covered)."""
    pairs = []
    for index, word in enumerate(words):
        for other in words[index + 1 :]:
            if word.overlap(other) > 0.34:
                pairs.append((word.text, other.text))
    return pairs


def render_slides(pptx: bytes, folder: Path) -> Path:
    """The slides as a PDF made by LibreOffice, with a profile of its own (no shared lock)."""
    _need("soffice")
    deck = folder / "pack.pptx"
    deck.write_bytes(pptx)
    profile = folder / "lo-profile"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(deck),
        ],
        check=True,
        timeout=300,
        capture_output=True,
        env=os.environ | {"HOME": str(folder)},
    )
    return folder / "pack.pdf"


def slide_boxes(pptx: bytes) -> list[tuple[list[Box], list[Box]]]:
    """Per slide: (body text boxes, footer boxes) in points: text shapes, placeholders, tables."""
    slides = []
    for slide in Presentation(io.BytesIO(pptx)).slides:
        body, footer = [], []
        for shape in slide.shapes:
            has_text = (shape.has_text_frame and shape.text_frame.text.strip()) or shape.has_table
            if not has_text:
                continue
            box = Box(
                shape.left / EMU_PER_PT,
                shape.top / EMU_PER_PT,
                (shape.left + shape.width) / EMU_PER_PT,
                (shape.top + shape.height) / EMU_PER_PT,
                shape.text_frame.text if shape.has_text_frame else "",
            )
            (footer if shape.name == "footer" else body).append(box)
        slides.append((body, footer))
    return slides


@pytest.fixture(scope="module", params=["nl", "en"])
def rendered(request, demo_sqlite_engine, tmp_path_factory) -> dict:
    lang = request.param
    pack = build_pack(demo_sqlite_engine, filters=FILTERS, lang=lang, exported_at=EXPORTED)
    folder = tmp_path_factory.mktemp(f"overflow-{lang}")
    pptx, pdf = build_pptx(pack), build_pdf(pack)
    (folder / "direct.pdf").write_bytes(pdf)
    return {
        "lang": lang,
        "pptx": pptx,
        "slides": pdf_words(render_slides(pptx, folder)),
        "pages": pdf_words(folder / "direct.pdf"),
    }


def test_no_text_leaves_its_shape_on_any_slide(rendered) -> None:
    boxes = slide_boxes(rendered["pptx"])
    assert len(rendered["slides"]) == len(boxes), "LibreOffice made another number of pages"
    footer_top = FOOTER_TOP / EMU_PER_PT
    problems = []
    for number, ((width, height, words), (body, footer)) in enumerate(
        zip(rendered["slides"], boxes, strict=True), start=1
    ):
        assert (round(width), round(height)) == (960, 540)
        assert words, f"slide {number} has no text"
        problems += [
            f"slide {number}: body shape {box.text[:30]!r} reaches the footer"
            for box in body
            if box.y1 > footer_top + 0.5
        ]
        footer_words = {word for box in footer for word in box.text.split()}
        for word in words:
            in_body = any(word.inside(box) for box in body)
            in_footer = any(word.inside(box) for box in footer) and word.text in footer_words
            if not (in_body or in_footer):
                problems.append(f"slide {number}: {word.text!r} at {word} is outside every text shape")
        problems += [f"slide {number}: {a!r} overprints {b!r}" for a, b in overprinted(words)]
    assert not problems, "\n".join(problems[:40])


def test_no_text_runs_into_the_footer_or_margins_on_any_pdf_page(rendered) -> None:
    problems = []
    for number, (width, height, words) in enumerate(rendered["pages"], start=1):
        footer_top = height - FOOTER_Y * MM
        body_bottom = height - PAGE_BREAK_MARGIN * MM
        footer_text = {
            "nl": f"Geëxporteerd op 03-11-2026 09:30 pagina {number} van {len(rendered['pages'])}",
            "en": f"Exported on 3 Nov 2026 09:30 page {number} of {len(rendered['pages'])}",
        }[rendered["lang"]].split()
        for word in words:
            if word.x0 < MARGIN * MM - TOLERANCE or word.x1 > width - MARGIN * MM + TOLERANCE:
                problems.append(f"page {number}: {word.text!r} outside the side margins")
            if word.y1 > footer_top - 0.5:
                if word.text not in footer_text or word.y0 < footer_top - TOLERANCE:
                    problems.append(f"page {number}: {word.text!r} at {word} is in the footer band")
            elif word.y1 > body_bottom + TOLERANCE:
                problems.append(f"page {number}: {word.text!r} at {word} runs below the body")
        problems += [f"page {number}: {a!r} overprints {b!r}" for a, b in overprinted(words)]
    assert not problems, "\n".join(problems[:40])
