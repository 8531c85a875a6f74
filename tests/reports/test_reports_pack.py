"""The meeting pack: same figures as the screen, real files that open, no comments, no formulas."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import altair as alt
import openpyxl
import pandas as pd
import pytest
from pptx import Presentation
from pptx.util import Pt
from pypdf import PdfReader
from sqlalchemy import select

from data_access.budget import load_budget_by_month, load_budget_totals
from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from data_access.models import SurveyComment
from data_access.steering import load_actions, load_decisions
from domain.filters import Filters
from i18n import translate
from kpis.steering import actions_for_meeting
from reports.cli import main
from reports.content import KpiTile, Pack, PackChart, PackTable, cell_text, pack_sections
from reports.pack import build_pack
from reports.pack_files import pack_tables
from reports.pdf_document import FontMissing, font_paths
from reports.pdf_pack import PAGES, build_pdf
from reports.pptx_pack import SLIDES, build_pptx
from reports.render import png_size
from reports.tables import to_xlsx_bytes
from tests.apptest_helpers import metric_values, open_app

EXPORTED = dt.datetime(2026, 11, 3, 8, 30, tzinfo=dt.UTC)  # 09:30 in Amsterdam (CET)
FILTERS = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH)


def pptx_texts(data: bytes) -> list[str]:
    """All text on each slide (shapes and table cells), one string per slide."""
    slides = []
    for slide in Presentation(io.BytesIO(data)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        slides.append("\n".join(parts))
    return slides


def pdf_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture(scope="module")
def packs(demo_sqlite_engine) -> dict[str, tuple[Pack, bytes, bytes]]:
    result = {}
    for lang in ("nl", "en"):
        pack = build_pack(demo_sqlite_engine, filters=FILTERS, lang=lang, exported_at=EXPORTED)
        result[lang] = (pack, build_pptx(pack), build_pdf(pack))
    return result


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_pack_shows_exactly_the_overview_figures(
    monkeypatch, demo_sqlite_engine, demo_sqlite_url, packs, lang
):
    at = open_app(monkeypatch, demo_sqlite_url, query={"lang": lang})
    assert at.session_state["filters"] == FILTERS
    shown = metric_values(at)
    pack, pptx_data, pdf_data = packs[lang]
    assert {tile.name: tile.value_text for tile in pack.kpis} == shown
    month_slide = pptx_texts(pptx_data)[0]  # page one is the month
    month_page = pdf_texts(pdf_data)[0]
    for name, value in shown.items():
        assert any(ch.isdigit() for ch in value)
        assert value in month_slide, f"{name} {value!r} not on the first slide"
        assert value in month_page, f"{name} {value!r} not on the first page"
    assert not at.get("download_button"), "the pack is made only when asked for"
    at.button(key="pack_make").click().run(timeout=120)
    assert not at.exception
    labels = [button.proto.label for button in at.get("download_button")]
    assert labels == [translate(f"reports.download.{kind}", lang) for kind in ("pptx", "pdf", "xlsx")]


def test_slides_hold_the_month_charts_exceptions_and_tables(packs) -> None:
    pack, data, _ = packs["nl"]
    presentation = Presentation(io.BytesIO(data))
    assert (presentation.slide_width, presentation.slide_height) == (Pt(960), Pt(540))  # 16:9
    texts = pptx_texts(data)
    total = len(texts)
    assert "oktober 2026" in texts[0]
    assert "Periode: januari 2026 t/m oktober 2026" in texts[0]
    assert "Geëxporteerd op 03-11-2026 09:30" in texts[0]
    assert all(f"dia {n} van {total}" in text for n, text in enumerate(texts, start=1))
    for tile in pack.kpis:
        assert tile.rag is not None
        assert tile.name in texts[0] and tile.value_text in texts[0]
    chart_slides = [
        slide
        for slide in list(presentation.slides)[1:]
        if any(shape.shape_type == 13 for shape in slide.shapes)
    ]
    # alignment health (profile, trust beside delivery), then budget with forecast, funding
    # drift, trust mirror, goal timeline, ownership matrix
    assert len(pack.health) == 2 and len(pack.charts) == 5
    assert len(chart_slides) == 7
    for slide, chart in zip(chart_slides, [*pack.health, *pack.charts], strict=True):
        pictures = [shape for shape in slide.shapes if shape.shape_type == 13]
        assert len(pictures) == 1 and png_size(pictures[0].image.blob)[0] > 400
        assert slide.shapes.title.text == chart.title
    everything = "\n".join(texts)
    for group in pack.exception_groups:
        assert group.title in everything
        for line in group.lines:
            assert line in everything, line
    for table in [*pack.tables, pack.decisions, pack.actions]:
        assert table.title in everything
        for row in table.slide_frame.itertuples(index=False, name=None):
            assert cell_text(row[0], "nl") in everything
        if table.slide_rows is not None:  # a long table: the rows that need attention, and a note
            assert len(table.slide_frame) == table.slide_rows < len(table.frame)
            assert table.note is not None and table.note in everything
    sizes = [
        run.font.size
        for slide in presentation.slides
        for shape in slide.shapes
        if shape.has_text_frame and not shape.is_placeholder
        for paragraph in shape.text_frame.paragraphs
        for run in paragraph.runs
    ]
    assert sizes and all(size is not None and size >= Pt(12) for size in sizes)
    assert any("Besluiten" in text for text in texts) and any("Acties" in text for text in texts)
    for slide in presentation.slides:
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0
            assert shape.left + shape.width <= presentation.slide_width + Pt(1)
            assert shape.top + shape.height <= presentation.slide_height + Pt(1)


def test_pdf_is_a4_landscape_with_page_numbers_and_export_date(packs) -> None:
    pack, _, data = packs["en"]
    reader = PdfReader(io.BytesIO(data))
    texts = pdf_texts(data)
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert width == pytest.approx(841.89, abs=0.5) and height == pytest.approx(595.28, abs=0.5)
    total = len(texts)
    for number, text in enumerate(texts, start=1):
        assert f"page {number} of {total}" in text
        assert "Exported on 3 Nov 2026 09:30" in text
    assert "October 2026" in texts[0] and "Since the last meeting" in texts[0]
    chart_pages = [page for page in reader.pages if len(page.images) == 1]
    assert len(chart_pages) == len(pack.health) + len(pack.charts) == 7
    assert pack.health[0].title in texts[1]  # the alignment health pages follow the month page
    assert pack.charts[0].title in texts[1 + len(pack.health)]
    assert any("Exceptions" in text and "Cost above earned value" in text for text in texts)
    assert any("Decisions" in text for text in texts) and any("Actions" in text for text in texts)


def test_pdf_page_renders_to_png(packs, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.fail("pdftoppm is missing: apt-get install poppler-utils (.ci/run installs it)")
    _, _, data = packs["nl"]
    (tmp_path / "pack.pdf").write_bytes(data)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "3",
            "-l",
            "3",
            str(tmp_path / "pack.pdf"),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    [png] = list(tmp_path.glob("page*.png"))
    from PIL import Image

    with Image.open(png) as image:
        assert image.width > image.height  # landscape
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
    assert colours is not None and len(colours) > 50, "the chart page looks blank"


def test_no_survey_comment_reaches_any_export(demo_sqlite_engine, packs) -> None:
    with demo_sqlite_engine.connect() as conn:
        comments = [text for text in conn.scalars(select(SurveyComment.text)) if len(text) > 15]
    assert comments, "the demo data has no comments to check against"
    for pack, pptx_data, pdf_data in packs.values():
        workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pack_tables(pack), lang=pack.lang)))
        cells = " ".join(str(c.value) for ws in workbook for row in ws.iter_rows() for c in row)
        everything = " ".join(pptx_texts(pptx_data) + pdf_texts(pdf_data)) + cells
        assert not [comment for comment in comments if comment[:40] in everything]


def test_a_small_group_alone_gives_no_trust_figure(demo_sqlite_engine) -> None:
    filters = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH, departments=("FIN",))
    pack = build_pack(demo_sqlite_engine, filters=filters, lang="nl", exported_at=EXPORTED)
    trust = next(tile for tile in pack.kpis if tile.name == "Vertrouwensindex")
    assert trust.value_text == "n.v.t." and trust.rag is None
    assert "Afdelingen: Financiën" in pack.filters_text


def test_budget_table_and_chart_data_add_up_to_the_totals(demo_engine) -> None:
    by_month = load_budget_by_month(engine=demo_engine, filters=FILTERS)
    totals = load_budget_totals(engine=demo_engine, filters=FILTERS)
    assert len(by_month) == 10
    assert by_month["planned"].sum() == pytest.approx(totals["planned"])
    assert by_month["actual"].sum() == pytest.approx(totals["actual"])
    assert pd.to_datetime(by_month["month"]).is_monotonic_increasing


def test_decisions_and_actions_of_the_month(demo_engine) -> None:
    decisions = load_decisions(engine=demo_engine, meeting_month=FILTERS.as_of)
    actions = actions_for_meeting(
        load_actions(engine=demo_engine, up_to_month=FILTERS.as_of), meeting_month=FILTERS.as_of
    )
    assert len(decisions) >= 1
    assert set(pd.to_datetime(decisions["meeting_month"]).dt.date) == {FILTERS.as_of}
    assert len(actions) >= 1
    months = pd.to_datetime(actions["meeting_month"]).dt.date
    assert (months <= FILTERS.as_of).all()
    assert ((months == FILTERS.as_of) | actions["status"].isin(["open", "in_progress"])).all()
    earlier = load_decisions(engine=demo_engine, meeting_month=dt.date(2026, 4, 1))
    assert earlier.empty


def _tiny_pack(**changes) -> Pack:
    base = Pack(
        title="Test pack",
        as_of=dt.date(2026, 10, 1),
        lang="nl",
        exported_at=EXPORTED,
        kpis=[KpiTile("Budgetrealisatie", "104,7%", "green", "+1", "note")],
        decisions=PackTable("Besluiten", pd.DataFrame({"Besluit": ['=HYPERLINK("http://x","y")']})),
        actions=PackTable(
            "Acties",
            pd.DataFrame({"Actie": [f"Actie {i}" for i in range(30)], "Bedrag": [-120.5] * 30}),
        ),
    )
    return Pack(**{**base.__dict__, **changes})


def test_long_tables_continue_on_the_next_slide_and_injection_is_neutralised() -> None:
    pack = _tiny_pack()
    texts = pptx_texts(build_pptx(pack))
    action_slides = [text for text in texts if "Acties" in text]
    # Split by measured height: 30 one-line rows take two slides, every row on one of them.
    assert len(action_slides) == 2 and "(vervolg)" in action_slides[1]
    assert "Actie 29" not in action_slides[0] and "Actie 29" in action_slides[1]
    assert "-120,5" in action_slides[0]
    workbook = openpyxl.load_workbook(io.BytesIO(to_xlsx_bytes(pack_tables(pack), lang="nl")))
    assert workbook["Besluiten"]["A2"].value.startswith("'=")
    assert workbook["Acties"]["B2"].value == -120.5
    assert all(c.data_type != "f" for ws in workbook for row in ws.iter_rows() for c in row)


def test_an_empty_pack_still_builds() -> None:
    pack = Pack(title="Leeg", as_of=dt.date(2026, 10, 1), lang="en", exported_at=EXPORTED)
    assert len(pptx_texts(build_pptx(pack))) == 2  # title and "no exceptions"
    assert "No exceptions this month." in " ".join(pdf_texts(build_pdf(pack)))


def test_slides_and_pdf_follow_one_section_order() -> None:
    chart = PackChart(title="", chart=alt.Chart(pd.DataFrame()).mark_point())
    pack = replace(
        _tiny_pack(),
        health=[replace(chart, title="Health")],
        charts=[replace(chart, title="Budget")],
        tables=[PackTable(title="Budget per maand", frame=pd.DataFrame({"a": [1]}))],
    )
    sections = pack_sections(pack)
    assert [section.kind for section in sections] == [
        "month",
        "chart",
        "chart",
        "exceptions",
        "table",
        "table",
        "table",
    ]
    assert [section.chart.title for section in sections if section.chart] == ["Health", "Budget"]
    assert [section.table.title for section in sections if section.table] == [
        "Budget per maand",
        "Besluiten",
        "Acties",
    ]
    assert set(SLIDES) == set(PAGES) == {"month", "chart", "exceptions", "table"}


def test_missing_font_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FontMissing, match="fonts-dejavu-core"):
        font_paths(tmp_path)


def test_command_line_writes_the_pack(demo_sqlite_url, tmp_path: Path, capsys) -> None:
    out = tmp_path / "pack"
    code = main(["--month", "2026-10", "--out", str(out), "--lang", "en", "--database-url", demo_sqlite_url])
    assert code == 0
    names = {path.name for path in out.iterdir()}
    assert {
        "pack.pptx",
        "pack.pdf",
        "tables.xlsx",
        "budget-per-month.csv",
        "actions.csv",
        "exceptions.csv",
    } <= names
    steps = capsys.readouterr().err
    assert "[1/6] Computing the key figures" in steps and "[6/6]" in steps and "Meeting pack ready" in steps
    goals_header = (out / "insight-goals.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert goals_header == "Project,Goal,Measure,Target value,Achieved,Target date,Reached on"
    workbook = openpyxl.load_workbook(out / "tables.xlsx")
    sheet = workbook["Budget per month"]
    assert sheet["A2"].is_date and isinstance(sheet["B2"].value, float)
    assert all(c.data_type != "f" for ws in workbook for row in ws.iter_rows() for c in row)
    assert (out / "budget-per-month.csv").read_bytes().startswith(b"\xef\xbb\xbfMonth,Planned")
    assert len(PdfReader(out / "pack.pdf").pages) >= 5


def test_command_line_reports_a_bad_database_clearly(tmp_path: Path, capsys) -> None:
    url = "postgresql+psycopg://alice:s3cret@127.0.0.1:1/none"
    assert main(["--month", "2026-10", "--out", str(tmp_path), "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert "cannot be reached" in err and "s3cret" not in err
    with pytest.raises(SystemExit):
        main(["--month", "2026-13", "--out", str(tmp_path)])
