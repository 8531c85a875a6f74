"""Browser: a file with other column names gets the mapping step on the Import page, pre-filled,
with a preview of the mapped rows, in Dutch and English."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.harness import ROOT, wait_for_app

pytestmark = pytest.mark.browser

EXPORT = b'Project ID;Dept;Committed;Owner\r\nP-001;MKT;"EUR 250.000";ann\r\nP-002;IT;"EUR 120.500";bob\r\n'
TEXTS = {
    "en": (
        "Import data",
        "Kind of data",
        "Funding",
        "Map columns",
        "The first rows as the mapping reads them",
    ),
    "nl": (
        "Gegevens inlezen",
        "Soort gegevens",
        "Financiering",
        "Kolommen koppelen",
        "De eerste rijen zoals de koppeling ze leest",
    ),
}


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_other_column_names_get_a_prefilled_mapping(
    page, app_url: str, output_dir: Path, tmp_path: Path, lang: str
) -> None:
    title, kind_label, kind, step, preview = TEXTS[lang]
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{app_url}/import?lang={lang}")
    wait_for_app(page)
    page.locator("[data-testid='stMain'] h1", has_text=title).first.wait_for()
    page.locator("[data-testid='stSelectbox']").filter(has_text=kind_label).click()
    page.get_by_role("option", name=kind, exact=True).click()
    wait_for_app(page)
    export = tmp_path / "ppm-export.csv"
    export.write_bytes(EXPORT)
    page.locator("input[type=file]").set_input_files(str(export))
    page.get_by_text(step, exact=True).wait_for()
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    chosen = main.locator("[data-testid='stSelectbox'] input").evaluate_all(
        "nodes => nodes.map(n => n.value)"
    )
    assert {"Project ID", "Dept", "Committed"} <= set(chosen), chosen
    assert main.get_by_text(preview).count() == 1
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stAlertContentError']").count() == 0
    main.get_by_text(step, exact=True).evaluate("node => node.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    folder = ROOT / "docs/screens" if os.environ.get("SAVE_SCREENS") == "1" else output_dir
    page.screenshot(path=str(folder / f"import-mapping-{lang}-1440x900.png"))
