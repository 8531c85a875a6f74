"""AppTest: the Import page's column-mapping step (issue 18.5): pre-filled choosers, a preview
of the mapped rows, a bad mapping stops the apply, a saved mapping is recognised next time."""

from __future__ import annotations

from pathlib import Path

import pytest

from data_access.engine import create_db_engine, upgrade_schema
from data_access.import_mappings import load_import_mappings
from data_access.importer import export_rows
from tests.apptest_helpers import open_app

PAGE = "views/import_data.py"
EXPORT = b"Id;Naam;English name;Owner\r\nMKT;Marketing;Marketing;ann\r\nIT;Informatievoorziening;IT;bob\r\n"


@pytest.fixture
def empty_sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'import.db'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    engine.dispose()
    return url


def _upload(monkeypatch, url: str):
    at = open_app(monkeypatch, url, page=PAGE)
    at.selectbox(key="import_kind").set_value("departments").run()
    at.file_uploader(key="import_file").set_value(("export.csv", EXPORT, "text/csv")).run()
    assert not at.exception
    return at


def _chooser(at, column: str):
    return next(
        s for s in at.selectbox if s.key and s.key.startswith("import_map_") and s.key.endswith(column)
    )


def _issues(at):
    return next(d.value for d in at.dataframe if "message" in d.value.columns)


def test_mapping_step_prefills_previews_saves_and_is_recognised(monkeypatch, empty_sqlite_url) -> None:
    at = _upload(monkeypatch, empty_sqlite_url)
    assert "Kolommen koppelen" in [h.value for h in at.subheader]
    assert [_chooser(at, c).value for c in ("code", "name_nl", "name_en")] == ["Id", "Naam", "English name"]
    preview = at.dataframe[1].value  # after the column docs
    assert list(preview.columns) == ["code", "name_nl", "name_en"]
    assert preview.iloc[1].tolist() == ["IT", "Informatievoorziening", "IT"]
    assert at.info[-1].value.startswith("Geen fouten: 2 rijen gecontroleerd.")

    at.text_input(key=next(t.key for t in at.text_input if t.key.startswith("import_mapping_name_"))).input(
        "Finance export"
    ).run()
    at.button(key="import_mapping_save").click().run()
    assert not at.exception
    assert any("Koppeling 'Finance export' opgeslagen" in s.value for s in at.success)
    engine = create_db_engine(empty_sqlite_url)
    saved = load_import_mappings(engine=engine, kind="departments")
    assert [(m.name, m.mapping) for m in saved] == [
        ("Finance export", {"code": "Id", "name_nl": "Naam", "name_en": "English name"})
    ]

    at.button(key="import_apply").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Ingelezen: 2 nieuw")
    assert sorted((r["code"], r["name_nl"]) for r in export_rows(engine=engine, kind="departments")) == [
        ("IT", "Informatievoorziening"),
        ("MKT", "Marketing"),
    ]
    engine.dispose()

    again = _upload(monkeypatch, empty_sqlite_url)
    assert any("koppeling 'Finance export' is gebruikt" in i.value for i in again.info)
    assert "Gebruikte koppeling: Finance export" in [c.value for c in again.caption]


def test_one_column_for_two_targets_is_refused_and_offers_no_apply(monkeypatch, empty_sqlite_url) -> None:
    at = _upload(monkeypatch, empty_sqlite_url)
    _chooser(at, "name_en").set_value("Naam").run()
    assert not at.exception
    assert at.error[0].value.startswith("1 fout(en) gevonden")
    issues = _issues(at)
    assert issues["column"].tolist() == ["Naam"]
    assert "meer sjabloonkolommen (name_en, name_nl)" in issues["message"].iloc[0]
    assert not [b for b in at.button if b.key == "import_apply"]
    _chooser(at, "code").set_value("").run()  # a required column left unmapped
    assert "Verplichte sjabloonkolom" in " ".join(_issues(at)["message"])
