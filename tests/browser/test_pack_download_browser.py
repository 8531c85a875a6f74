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
    make = page.get_by_role("button", name="Make the meeting pack")
    make.scroll_into_view_if_needed()
    metric_values = page.locator("[data-testid='stMetricValue']").all_inner_texts()
    make.click()
    # The steps show while the pack is made; then its three downloads appear.
    page.locator("[data-testid='stDownloadButton'] button").first.wait_for(timeout=120_000)
    wait_for_app(page)
    ready = page.get_by_text("Ready in", exact=False)
    assert ready.count() == 1
    ready.scroll_into_view_if_needed()
    page.screenshot(path=str(output_dir / "overview-pack-section.png"), full_page=True)

    with page.expect_download(timeout=60_000) as slides:
        page.get_by_role("button", name="Slides (PowerPoint)").click()
    assert slides.value.suggested_filename.endswith(".pptx")
    presentation = Presentation(io.BytesIO(Path(slides.value.path()).read_bytes()))
    kpi_text = " ".join(
        shape.text_frame.text for shape in presentation.slides[0].shapes if shape.has_text_frame
    )  # page one is the month
    assert all(value.strip() in kpi_text for value in metric_values), (metric_values, kpi_text)

    with page.expect_download(timeout=60_000) as pdf:
        page.get_by_role("button", name="PDF").click()
    reader = PdfReader(io.BytesIO(Path(pdf.value.path()).read_bytes()))
    assert "page 1 of" in reader.pages[0].extract_text()
    assert page.locator("[data-testid='stException']").count() == 0
