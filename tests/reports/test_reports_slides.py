"""The meeting pack stands on its own (issue 22), on the October 2026 demo data in both languages:
the month first, a title on every slide, alternative text on every picture, KPI definitions in
the speaker notes, exceptions grouped by kind (biggest first, the rest in the spreadsheet),
every header translated, the organisation's name and logo, progress by step."""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
import zlib
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader

from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from data_access.reference import load_departments
from data_access.steering import load_actions
from domain.filters import Filters
from domain.months import add_months
from i18n import names_by_code, translate
from presentation.summary import meeting_summary
from reports.pack import PACK_STEPS, build_pack
from reports.pack_files import pack_files, pack_tables
from reports.pack_text import exception_kind_name
from reports.pdf_pack import build_pdf
from reports.pptx_pack import build_pptx
from services.organisation import Organisation, load_organisation
from services.single_view import compute_single_view
from services.single_view_model import period_for

EXPORTED = dt.datetime(2026, 11, 3, 8, 30, tzinfo=dt.UTC)  # 09:30 in Amsterdam (CET)
FILTERS = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH)
PICTURE = 13


def _png(width: int, height: int) -> bytes:
    """A plain teal PNG (a stand-in logo)."""
    row = b"\x00" + b"\x0f\x5c\x6e" * width
    raw = zlib.compress(row * height)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def logo(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("logo") / "logo.png"
    path.write_bytes(_png(120, 40))
    return path


@pytest.fixture(scope="module", params=["nl", "en"])
def made(request, demo_sqlite_engine, logo) -> dict:
    lang = request.param
    steps: list[tuple[int, int, str]] = []
    pack = build_pack(
        demo_sqlite_engine,
        filters=FILTERS,
        lang=lang,
        exported_at=EXPORTED,
        organisation=Organisation(name="Acme Retail", logo_path=logo),
        progress=lambda step, total, label: steps.append((step, total, label)),
    )
    files = pack_files(pack, progress=lambda step, total, label: steps.append((step, total, label)))
    return {"lang": lang, "pack": pack, "files": files, "steps": steps}


def test_the_first_slide_is_the_month(made) -> None:
    pack, lang = made["pack"], made["lang"]
    presentation = Presentation(io.BytesIO(made["files"]["pack.pptx"]))
    first = presentation.slides[0]
    assert first.shapes.title.text == f"Acme Retail · {pack.as_of_text}"
    text = "\n".join(shape.text_frame.text for shape in first.shapes if shape.has_text_frame)
    assert translate("reports.section.since_last", lang) in text
    assert pack.summary and all(sentence in text for sentence in pack.summary)
    assert pack.forecast is not None and pack.forecast.heading in text
    assert all(line in text for line in pack.forecast.lines)
    for tile in pack.kpis:
        assert tile.name in text and tile.value_text in text
        assert translate(f"rag.{tile.rag}", lang) in text
        if tile.change_text:
            assert tile.change_text in text
    trends = [shape for shape in first.shapes if shape.name == "trend"]
    assert len(trends) >= 5, "no sparklines on the tiles"
    page_one = PdfReader(io.BytesIO(made["files"]["pack.pdf"])).pages[0].extract_text()
    assert "Acme Retail" in page_one and pack.forecast.heading in page_one


def test_every_slide_has_a_title_in_its_placeholder(made) -> None:
    presentation = Presentation(io.BytesIO(made["files"]["pack.pptx"]))
    titles = []
    for slide in presentation.slides:
        title = slide.shapes.title
        assert title is not None and title.is_placeholder and title.text.strip()
        titles.append(title.text)
    pack = made["pack"]
    assert all(chart.title in titles for chart in pack.charts)
    assert translate("reports.section.exceptions", made["lang"]) in titles


def test_every_picture_has_alternative_text(made) -> None:
    presentation = Presentation(io.BytesIO(made["files"]["pack.pptx"]))
    pictures = [
        shape for slide in presentation.slides for shape in slide.shapes if shape.shape_type == PICTURE
    ]
    pack = made["pack"]
    assert len(pictures) == len(pack.health) + len(pack.charts) + 1  # the charts and the logo
    for picture in pictures:
        alt = picture._element.nvPicPr.cNvPr.get("descr") or ""
        assert len(alt) > 15 and not alt.lower().endswith((".png", ".jpg")), alt
    assert pictures[0]._element.nvPicPr.cNvPr.get("descr") == translate(
        "reports.alt.logo", made["lang"], name="Acme Retail"
    )


def test_speaker_notes_define_the_kpis_on_the_slide(made) -> None:
    lang = made["lang"]
    slides = list(Presentation(io.BytesIO(made["files"]["pack.pptx"])).slides)
    notes = slides[0].notes_slide.notes_text_frame.text
    for code in ("budget_realisation", "cpi", "trust_index", "perception_gap", "follow_through"):
        assert translate(f"catalogue.{code}.definition", lang) in notes
    by_title = {slide.shapes.title.text: slide for slide in slides}
    drift = by_title[translate("reports.chart.drift", lang)]
    assert translate("catalogue.funding_balance.definition", lang) in drift.notes_slide.notes_text_frame.text


def test_exceptions_are_grouped_by_kind_biggest_first_with_the_rest_in_the_spreadsheet(
    made, demo_sqlite_engine
) -> None:
    pack, lang = made["pack"], made["lang"]
    view = compute_single_view(engine=demo_sqlite_engine, filters=FILTERS, min_group=5)
    kinds = list(dict.fromkeys(item.kind for item in view.exceptions))
    titles = [group.title for group in pack.exception_groups]
    for kind, title in zip(kinds, titles, strict=False):
        assert title.startswith(exception_kind_name(kind, lang))
    over = pack.exception_groups[kinds.index("over_budget")]
    cpis = [float(re.search(r"CPI (\d+[.,]\d+)", line).group(1).replace(",", ".")) for line in over.lines]
    assert cpis == sorted(cpis) and len(cpis) == 5
    assert all(re.match(r"P-\d{3} \w", line) for line in over.lines), "no project name"
    assert not [line for line in pack.exceptions if re.search(r"\b[a-z]+_[a-z_]+\b", line)], (
        "a code in a line"
    )
    late = next(group for group in pack.exception_groups if group.more)
    assert late.more == int(re.search(r"\((\d+)\)", late.title).group(1)) - len(late.lines)
    texts = " ".join(
        shape.text_frame.text
        for slide in Presentation(io.BytesIO(made["files"]["pack.pptx"])).slides
        for shape in slide.shapes
        if shape.has_text_frame
    )
    assert translate("reports.exception.more", lang, count=late.more) in texts
    workbook = openpyxl.load_workbook(io.BytesIO(made["files"]["tables.xlsx"]))
    sheet = workbook[translate("reports.table.exceptions", lang)]
    listed = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert listed == list(pack.exceptions) and len(listed) >= len(view.exceptions)


def test_every_header_of_every_table_is_translated(made) -> None:
    lang = made["lang"]
    internal = re.compile(r"^[a-z]+(_[a-z]+)+$|^(goal|measure|code|project|month|planned|actual|status)$")
    for title, frame in pack_tables(made["pack"]).items():
        for header in frame.columns:
            assert not internal.match(str(header)), f"{title}: {header!r}"
    workbook = openpyxl.load_workbook(io.BytesIO(made["files"]["tables.xlsx"]))
    for sheet in workbook:
        for cell in next(sheet.iter_rows(max_row=1)):
            assert not internal.match(str(cell.value)), f"{sheet.title}: {cell.value!r}"
    goals = made["files"][f"{translate('reports.table.goals', lang).lower().replace(' ', '-')}.csv"]
    header = goals.decode("utf-8-sig").splitlines()[0]
    assert translate("reports.col.measure", lang) in header and "planned_start" not in header


def test_progress_is_reported_step_by_step(made) -> None:
    steps = made["steps"]
    assert [step for step, _, _ in steps] == list(range(1, len(PACK_STEPS) + 1))
    assert {total for _, total, _ in steps} == {len(PACK_STEPS)}
    assert steps[0][2] == translate("reports.step.figures", made["lang"])


def test_the_summary_is_the_overviews_since_the_last_meeting(demo_sqlite_engine) -> None:
    view = compute_single_view(engine=demo_sqlite_engine, filters=FILTERS, min_group=5)
    previous = compute_single_view(
        engine=demo_sqlite_engine, filters=period_for(FILTERS, add_months(FILTERS.as_of, -1)), min_group=5
    )
    pack = build_pack(demo_sqlite_engine, filters=FILTERS, lang="en", view=view, render=False)
    departments = load_departments(engine=demo_sqlite_engine)
    expected = meeting_summary(
        current=view,
        previous=previous,
        actions=load_actions(engine=demo_sqlite_engine, up_to_month=FILTERS.as_of),
        lang="en",
        department_names=names_by_code(departments, "en"),
    )
    assert pack.summary == expected
    assert len(expected) >= 2


def test_organisation_comes_from_the_environment_then_the_secrets(logo: Path, tmp_path: Path) -> None:
    assert load_organisation(env={"ORG_NAME": "Acme", "ORG_LOGO": str(logo)}, secrets={}) == Organisation(
        "Acme", logo
    )
    from_secrets = load_organisation(env={}, secrets={"organisation": {"name": "Beta BV", "logo": str(logo)}})
    assert from_secrets == Organisation("Beta BV", logo)
    missing = load_organisation(env={"ORG_LOGO": str(tmp_path / "none.png")}, secrets={})
    assert missing == Organisation(None, None)
    assert missing.display_name("nl") == translate("organisation.generic_name", "nl")
    assert missing.display_name("en") == "Marketing and IT steering group"


def test_a_pack_without_organisation_settings_has_the_generic_title(demo_sqlite_engine) -> None:
    pack = build_pack(
        demo_sqlite_engine, filters=FILTERS, lang="en", organisation=Organisation(), render=False
    )
    assert pack.title == "Marketing and IT steering group" and pack.logo_path is None
    slides = Presentation(io.BytesIO(build_pptx(pack))).slides
    assert slides[0].shapes.title.text == "Marketing and IT steering group · October 2026"
    assert not [s for s in slides[0].shapes if s.shape_type == PICTURE]
    assert len(PdfReader(io.BytesIO(build_pdf(pack))).pages[0].images) == 0


def test_every_chart_keeps_its_title_and_legend_inside_the_picture(made) -> None:
    """Padding all round: a clipped title, legend or axis would touch the picture's edge."""
    from PIL import Image

    for chart in made["pack"].charts:
        with Image.open(io.BytesIO(chart.png)) as image:
            rgb = image.convert("RGB")
            width, height = rgb.size
            edges = [
                *(
                    rgb.getpixel((x, y))
                    for x in range(width)
                    for y in (0, 1, 2, height - 3, height - 2, height - 1)
                ),
                *(
                    rgb.getpixel((x, y))
                    for y in range(height)
                    for x in (0, 1, 2, width - 3, width - 2, width - 1)
                ),
            ]
        assert all(min(pixel) >= 245 for pixel in edges), f"{chart.title}: something touches the edge"


def test_the_goal_table_puts_what_needs_attention_first() -> None:
    """Overdue, then reached late, then open, then reached on time; each by target date."""
    import pandas as pd

    from reports.pack_text import goals_table

    as_of = dt.date(2026, 9, 1)  # month end 30-09-2026
    day = dt.date
    goals = pd.DataFrame(
        [  # project, code, goal, measure, target value, achieved value, target date, achieved date
            ("P-1", "G1", "on time", "m", 1, 1, day(2026, 3, 1), day(2026, 2, 1)),
            ("P-2", "G1", "open", "m", 1, None, day(2026, 11, 1), None),
            ("P-3", "G1", "overdue later", "m", 1, None, day(2026, 8, 1), None),
            ("P-4", "G1", "late", "m", 1, 1, day(2026, 4, 1), day(2026, 6, 1)),
            ("P-5", "G1", "overdue first", "m", 1, None, day(2026, 2, 1), None),
            ("P-6", "G1", "reached after the month", "m", 1, 1, day(2026, 5, 1), day(2026, 10, 5)),
            ("P-7", "G1", "other year", "m", 1, None, day(2025, 5, 1), None),
        ],
        columns=[
            "project",
            "code",
            "goal",
            "measure",
            "target_value",
            "achieved_value",
            "target_date",
            "achieved_date",
        ],
    )
    table = goals_table(goals, filters=Filters.year_to_date(as_of), lang="en", project_names={})
    order = [text.split(": ", 1)[1] for text in table[translate("reports.col.goal", "en")]]
    assert order == ["overdue first", "reached after the month", "overdue later", "late", "open", "on time"]


def test_a_long_goal_table_is_bounded_on_slides_and_whole_in_the_spreadsheet(made) -> None:
    """At production scale the pack had 2,168 goals: over a hundred slides. The slides and the
    PDF show the SLIDE_GOALS that most need attention and say where the rest is."""
    from dataclasses import replace

    import pandas as pd

    from reports.content import PackTable
    from reports.pack_text import SLIDE_GOALS

    lang, pack = made["lang"], made["pack"]
    frame = pd.DataFrame(
        {"Project": [f"P-{i:04d}" for i in range(300)], "Goal": [f"goal {i}" for i in range(300)]}
    )
    note = f"{SLIDE_GOALS} of 300 (note)"
    long = replace(pack, tables=[PackTable(title="Goals", frame=frame, slide_rows=SLIDE_GOALS, note=note)])
    presentation = Presentation(io.BytesIO(build_pptx(long)))
    cells = [
        cell.text
        for slide in presentation.slides
        for shape in slide.shapes
        if shape.has_table
        for row in shape.table.rows
        for cell in row.cells
    ]
    shown = sorted(text for text in cells if re.fullmatch(r"P-\d{4}", text))
    assert shown == [f"P-{i:04d}" for i in range(SLIDE_GOALS)]
    texts = [s.text_frame.text for slide in presentation.slides for s in slide.shapes if s.has_text_frame]
    assert any(note in text for text in texts)
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(build_pdf(long))).pages)
    assert f"P-{SLIDE_GOALS - 1:04d}" in pdf_text and f"P-{SLIDE_GOALS:04d}" not in pdf_text
    assert len(pack_tables(long)["Goals"]) == 300
    real = next(t for t in pack.tables if t.title == translate("reports.table.goals", lang))
    assert (real.slide_rows is None) == (len(real.frame) <= SLIDE_GOALS)
