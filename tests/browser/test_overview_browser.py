"""The Overview as a user sees it in Chromium: real numbers, no exception, both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.harness import wait_for_app, wait_for_charts

pytestmark = pytest.mark.browser


def test_overview_shows_kpi_tiles_with_numbers(page, app_url: str, output_dir: Path) -> None:
    page.goto(app_url)
    wait_for_app(page)
    page.locator("[data-testid='stMetric']").first.wait_for()

    values = page.locator("[data-testid='stMetric'] [data-testid='stMetricValue']").all_inner_texts()
    with_digits = [value for value in values if re.search(r"\d", value)]
    assert len(with_digits) >= 4, f"expected at least 4 KPI tiles with a number, got {values!r}"
    assert page.locator("[data-testid='stException']").count() == 0

    wait_for_charts(page)
    page.screenshot(path=str(output_dir / "overview.png"), full_page=True)


def test_overview_in_english(page, app_url: str, output_dir: Path) -> None:
    page.goto(f"{app_url}/?lang=en")
    wait_for_app(page)

    title = page.locator("[data-testid='stMain'] h1", has_text="Overview")
    title.first.wait_for()
    assert page.locator("[data-testid='stException']").count() == 0
    page.screenshot(path=str(output_dir / "overview-en.png"), full_page=True)
