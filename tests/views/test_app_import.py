"""AppTest: the import page shows templates, previews an upload, applies it, logs it; editors only."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from access.roles import User
from data_access.engine import create_db_engine, upgrade_schema
from data_access.importer import export_rows, load_import_log, run_import
from i18n import load_catalog
from tests.apptest_helpers import ROOT, open_app

PAGE = "views/import_data.py"
DEPARTMENTS = b"code,name_nl,name_en\r\nMKT,Marketing,Marketing\r\nIT,IT,IT\r\n"


@pytest.fixture
def empty_sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'import.db'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    engine.dispose()
    return url


def test_every_importer_text_exists_in_both_languages() -> None:
    catalog = load_catalog()
    sources = [ROOT / PAGE, *sorted((ROOT / "data_access" / "importer").glob("*.py"))]
    keys = {
        k
        for path in sources
        for k in re.findall(r"""["'](importer\.[a-z0-9_.]+[a-z0-9_])["']""", path.read_text())
    }
    keys |= {k for k in re.findall(r"""t\(\s*["']([a-z0-9_.]+)["']""", (ROOT / PAGE).read_text())}
    assert len(keys) > 60
    missing = sorted(k for k in keys if k not in catalog)
    assert not missing
    from data_access.importer import IMPORT_KINDS
    from data_access.importer.schema import TYPES

    dynamic = [f"importer.kind.{k}" for k in IMPORT_KINDS] + [f"importer.type.{t}" for t in TYPES]
    dynamic += [f"importer.replaces.{r}" for r in ("upsert", "plan", "actuals", "ownership")]
    dynamic += [f"importer.action.{a}" for a in ("insert", "update", "unchanged")]
    dynamic += [f"importer.cli.{o}" for o in ("applied", "dry_run", "rejected")]
    dynamic += [f"importer.progress.{s}" for s in ("read", "validated", "written")]
    dynamic += [f"importer.severity.{s}" for s in ("error", "warning", "info")]
    assert not [k for k in dynamic if k not in catalog]


@pytest.mark.parametrize(("lang", "title"), [("nl", "Gegevens inlezen"), ("en", "Import data")])
def test_page_shows_templates_and_column_docs(monkeypatch, demo_sqlite_url, lang, title) -> None:
    import ui.i18n

    # AppTest formats the sidebar's month options outside a script run, where only the
    # default language is visible; make it the URL's language so the page switch works.
    monkeypatch.setattr(ui.i18n, "DEFAULT_LANGUAGE", lang)
    at = open_app(monkeypatch, demo_sqlite_url, query={"lang": lang}, page=PAGE)
    assert at.title[0].value == title
    docs = at.dataframe[0].value
    assert list(docs.iloc[:, 0]) == ["code", "name_nl", "name_en"]
    assert docs.columns[0] == {"nl": "Kolom", "en": "Column"}[lang]
    assert docs.iloc[1, 4] == {"nl": "Naam in het Nederlands", "en": "Name in Dutch"}[lang]
    assert [b.label for b in at.get("download_button")] == {
        "nl": ["Sjabloon (CSV)", "Sjabloon (Excel)"],
        "en": ["Template (CSV)", "Template (Excel)"],
    }[lang]
    assert {"nl": "Nog geen imports.", "en": "No imports yet."}[lang] in [c.value for c in at.caption]


def test_kind_choice_shows_its_columns(monkeypatch, demo_sqlite_url) -> None:
    # Widgets are changed in Dutch: AppTest formats the sidebar's month options outside a run,
    # where the language from the URL is not visible.
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    at.selectbox(key="import_kind").set_value("survey_responses").run()
    assert not at.exception
    docs = at.dataframe[0].value
    assert list(docs.iloc[:, 0]) == ["wave", "respondent_ref", "department", "item", "score"]
    assert docs.iloc[4].tolist() == ["score", "geheel getal", "ja", "4", "Score 1–5"]


def test_upload_preview_apply_and_log(monkeypatch, empty_sqlite_url) -> None:
    at = open_app(monkeypatch, empty_sqlite_url, page=PAGE)
    at.selectbox(key="import_kind").set_value("departments").run()
    at.file_uploader(key="import_file").set_value(("departments.csv", DEPARTMENTS, "text/csv")).run()
    assert not at.exception
    assert at.info[0].value == "Geen fouten: 2 rijen gecontroleerd. Er is nog niets opgeslagen."
    counts = at.dataframe[1].value
    assert counts.iloc[0].tolist() == ["Afdelingen", 2, 2, 0, 0, 0]
    engine = create_db_engine(empty_sqlite_url)
    assert export_rows(engine=engine, kind="departments") == []
    at.button(key="import_apply").click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Ingelezen: 2 nieuw, 0 bijgewerkt, 0 ongewijzigd, 0 vervangen.")
    assert [r["code"] for r in export_rows(engine=engine, kind="departments")] == ["IT", "MKT"]
    log = load_import_log(engine=engine)
    assert log[["user_name", "kind", "file_name", "inserted", "outcome"]].values.tolist() == [
        ["local", "departments", "departments.csv", 2, "applied"]
    ]
    assert at.dataframe[-1].value["file_name"].tolist() == ["departments.csv"]
    # The same file again: all unchanged.
    assert at.dataframe[1].value.iloc[0].tolist() == ["Afdelingen", 2, 0, 0, 2, 0]
    engine.dispose()


def test_bad_upload_shows_the_errors_and_offers_no_apply(
    monkeypatch, demo_sqlite_engine, demo_sqlite_url
) -> None:
    data = b"wave,respondent_ref,department,item,score\nW2026-1,R1,MKT,ABI-MKT-1,9\n"
    expected = run_import(
        engine=demo_sqlite_engine,
        kind="survey_responses",
        file_name="r.csv",
        data=data,
        dry_run=True,
        user_name="x",
    )
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    at.selectbox(key="import_kind").set_value("survey_responses").run()
    at.file_uploader(key="import_file").set_value(("r.csv", data, "text/csv")).run()
    assert not at.exception
    assert at.error[0].value.startswith("1 fout(en) gevonden: er wordt niets opgeslagen.")
    issues = at.dataframe[1].value
    assert issues[["row", "column", "value", "message"]].values.tolist() == [
        [2, "score", "9", "De waarde moet tussen 1 en 5 liggen."]
    ]
    assert [b.label for b in at.get("download_button")][-1] == "Foutenrapport downloaden (CSV)"
    assert len(expected.errors) == 1
    assert not [b for b in at.button if b.key == "import_apply"]
    assert load_import_log(engine=demo_sqlite_engine).empty


def test_viewers_cannot_open_the_import_page(monkeypatch, demo_sqlite_url) -> None:
    import ui.auth

    monkeypatch.setattr(ui.auth, "current_user", lambda: User(name="v", email=None, role="viewer"))
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DATABASE_URL", demo_sqlite_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    # The import page is not in a viewer's navigation, so it cannot be reached by URL ...
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(PAGE)
    # ... and run on its own it refuses (the page checks the role itself).
    alone = AppTest.from_file(str(ROOT / PAGE), default_timeout=60).run()
    assert not alone.exception
    assert alone.error and not alone.file_uploader


def test_preview_says_how_amounts_were_read(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    row = export_rows(engine=demo_sqlite_engine, kind="budget_actuals")[0]
    line = ",".join(str(row[c]) for c in ("project", "month", "department", "category"))
    data = f'project,month,department,category,actual\n{line},"$1,234,567.50"\n'.encode()
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    at.selectbox(key="import_kind").set_value("budget_actuals").run()
    at.file_uploader(key="import_file").set_value(("a.csv", data, "text/csv")).run()
    assert not at.exception
    assert not at.error
    captions = [c.value for c in at.caption]
    assert (
        "Bedragen gelezen met '.' als decimaalteken en ',' als duizendtalscheiding; "
        "valutateken \\$ en spaties genegeerd." in captions
    )
