"""Browser: the import page uploads a real file, shows its errors, and serves the templates."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_access.importer import template_csv
from tests.browser.harness import wait_for_app

pytestmark = pytest.mark.browser


def test_upload_shows_errors_and_templates_download(
    page, app_url: str, output_dir: Path, tmp_path: Path
) -> None:
    page.goto(f"{app_url}/import?lang=en")
    wait_for_app(page)
    page.locator("[data-testid='stSelectbox']").filter(has_text="Kind of data").click()
    page.get_by_role("option", name="Actuals", exact=True).click()
    wait_for_app(page)
    page.get_by_text("Template and columns").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Template (CSV)").click()
    assert Path(download.value.path()).read_bytes() == template_csv("budget_actuals")
    assert download.value.suggested_filename == "budget_actuals.csv"

    bad = tmp_path / "actuals.csv"
    bad.write_bytes(b"project;month;department;category;actual\r\nP-001;2026-10;MKT;personnel;NaN\r\n")
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_text("1 error(s) found").wait_for()
    wait_for_app(page)
    error = page.locator("[data-testid='stAlertContentError']").first.inner_text()
    assert "1 error(s) found: nothing will be saved." in error
    assert page.get_by_role("button", name="Import and save").count() == 0
    assert page.get_by_role("button", name="Download the error report (CSV)").count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(output_dir / "import_errors_en.png"), full_page=True)
