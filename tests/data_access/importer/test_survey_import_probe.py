"""Survey data cannot be probed through the import preview (issue 17.6): survey answers and
comments import per wave as a whole, and a dry run of one row looks the same whatever the
existing answer is."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from data_access.engine import create_db_engine, upgrade_schema
from data_access.importer import issue_message, run_import
from data_access.importer.pipeline import preview_frame, results_frame
from data_access.models import SurveyResponse
from tests.factories import insert_tiny_portfolio

HEADER = "wave,respondent_ref,department,item,score\r\n"


@pytest.fixture
def tiny(tmp_path: Path) -> Iterator[Engine]:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'tiny.db'}")
    upgrade_schema(engine)
    insert_tiny_portfolio(engine)
    yield engine
    engine.dispose()


def _dry_run(engine: Engine, line: str, kind: str = "survey_responses"):  # noqa: ANN202
    data = (HEADER + line + "\r\n").encode()
    return run_import(engine=engine, kind=kind, file_name="r.csv", data=data, dry_run=True, user_name="ed")


def _everything_shown(report) -> str:  # noqa: ANN001
    issues = [issue_message(i, "en") for i in report.issues]
    previews = [preview_frame(r, "en").to_csv() for r in report.results]
    return repr((issues, results_frame(report, "en").to_csv(), previews, report.outcome))


def test_a_one_row_dry_run_reveals_nothing_about_an_existing_answer(tiny: Engine) -> None:
    # FIN respondent F0 answered 1 on T1 (a group of 2: too small to show on any page)
    right = _everything_shown(_dry_run(tiny, "W1,F0,FIN,T1,1"))
    wrong = _everything_shown(_dry_run(tiny, "W1,F0,FIN,T1,5"))
    new = _everything_shown(_dry_run(tiny, "W1,ZZ9,FIN,T1,1"))
    assert right == wrong == new.replace("ZZ9", "F0")
    assert (
        "score" not in right and ",1,1,0,0,12" in right
    )  # counts: rows, inserted, updated, unchanged, removed


def test_the_preview_is_counts_per_wave_only(tiny: Engine) -> None:
    report = _dry_run(tiny, "W1,F0,FIN,T1,1")
    [result] = report.results
    assert result.preview == [{"wave": "W1", "rows_in_file": 1, "rows_now": 12, "action": "replace_wave"}]
    assert (result.inserted, result.updated, result.unchanged, result.removed) == (1, 0, 0, 12)
    assert report.outcome == "dry_run"
    assert any(
        issue_message(i, "en").startswith("Note: this file replaces wave(s) W1 as a whole")
        for i in report.warnings
    )


def test_applying_replaces_the_wave_as_a_whole(tiny: Engine) -> None:
    data = (HEADER + "W1,F0,FIN,T1,2\r\nW1,F1,FIN,T1,3\r\n").encode()
    report = run_import(
        engine=tiny, kind="survey_responses", file_name="r.csv", data=data, dry_run=False, user_name="ed"
    )
    assert report.applied, [issue_message(i, "en") for i in report.issues]
    with tiny.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(SurveyResponse)) == 2
        assert sorted(conn.execute(select(SurveyResponse.score)).scalars()) == [2, 3]
