"""The meeting pack downloads from the Overview in a real browser and opens as slides and PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from tests.browser.harness import wait_for_app

pytestmark = pytest.mark.browser


def test_pack_downloads_open(page, app_url: str, output_dir: Path) -> None:
    page.goto(f"{app_url}/?lang=en")
    wait_for_app(page)
    buttons = page.locator("[data-testid='stDownloadButton'] button")
    buttons.first.wait_for()
    page.get_by_text("Meeting pack", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / "overview-pack-section.png"), full_page=True)
    metric_values = page.locator("[data-testid='stMetricValue']").all_inner_texts()

    with page.expect_download(timeout=60_000) as slides:
        page.get_by_role("button", name="Slides (PowerPoint)").click()
    assert slides.value.suggested_filename.endswith(".pptx")
    presentation = Presentation(io.BytesIO(Path(slides.value.path()).read_bytes()))
    kpi_text = " ".join(
        shape.text_frame.text
        for slide in presentation.slides
        for shape in slide.shapes
        if shape.has_text_frame
        and any(s.has_text_frame and s.text_frame.text == "Key figures" for s in slide.shapes)
    )
    assert all(value.strip() in kpi_text for value in metric_values), (metric_values, kpi_text)

    with page.expect_download(timeout=60_000) as pdf:
        page.get_by_role("button", name="PDF").click()
    reader = PdfReader(io.BytesIO(Path(pdf.value.path()).read_bytes()))
    assert "page 1 of" in reader.pages[0].extract_text()
    assert page.locator("[data-testid='stException']").count() == 0
