"""The meeting pack's Alignment health pages: after the month page in the PPTX and the PDF, and a sheet."""

from __future__ import annotations

import io

import openpyxl
from pypdf import PdfReader

from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from domain.filters import Filters
from reports.pack import build_pack
from reports.pack_files import pack_files
from services.health_page import compute_health
from tests.reports.test_reports_pack import pptx_texts

FILTERS = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH)


def test_pack_has_the_health_pages_after_the_month_page(demo_sqlite_engine) -> None:
    view = compute_health(engine=demo_sqlite_engine, filters=FILTERS, min_group=5)
    pack = build_pack(demo_sqlite_engine, filters=FILTERS, lang="nl")
    files = pack_files(pack)
    slides = pptx_texts(files["pack.pptx"])
    assert "Afstemming: volwassenheidsprofiel" in slides[1]
    assert f"Totaal: niveau {view.profile.level}" in slides[1]
    assert "Afstemming: vertrouwen naast levering" in slides[2]
    assert "geen oorzaak en gevolg" in slides[2]
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(files["pack.pdf"])).pages]
    assert "Afstemming: volwassenheidsprofiel" in pages[1]
    assert f"Totaal: niveau {view.profile.level}" in pages[1]
    assert "vertrouwen naast levering" in pages[2]
    workbook = openpyxl.load_workbook(io.BytesIO(files["tables.xlsx"]))
    [sheet] = [name for name in workbook.sheetnames if name.startswith("Afstemming")]
    cells = {str(cell.value) for row in workbook[sheet].iter_rows() for cell in row}
    assert {"Communicatie", "Scope en architectuur", "Gemengde teams"} <= cells


def test_english_pack_names_the_health_pages(demo_sqlite_engine) -> None:
    pack = build_pack(demo_sqlite_engine, filters=FILTERS, lang="en", render=False)
    assert [chart.title for chart in pack.health] == [
        "Alignment health: maturity profile",
        "Alignment health: trust beside delivery",
    ]
    assert pack.health[0].note.startswith("Overall: level")
    assert "not cause and effect" in pack.health[1].note
