"""Progress on long work (issue 18.7, import side): rows read, validated, written."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from data_access.importer import progress_fraction, run_import
from data_access.importer.__main__ import main as cli_main
from tests.data_access.importer import test_importer_bad_files as bad_files
from tests.data_access.importer.test_importer_bad_files import ACTUALS_HEADER, csv_bytes, dump_database

tiny_engine = bad_files.tiny_engine


def test_progress_fraction_runs_from_zero_to_one() -> None:
    assert progress_fraction("read", 10, 10) == pytest.approx(0.2)
    assert progress_fraction("validated", 5, 10) == pytest.approx(0.45)
    assert progress_fraction("validated", 10, 10) == pytest.approx(0.7)
    assert progress_fraction("written", 10, 10) == pytest.approx(1.0)
    assert progress_fraction("written", 0, 0) == pytest.approx(1.0)  # nothing to write: done


def test_an_applied_import_tells_read_validated_written(tiny_engine: Engine) -> None:
    steps: list[tuple[str, int, int]] = []
    data = csv_bytes(
        ACTUALS_HEADER + "A,2026-01,MKT,people,10\nA,2026-02,MKT,people,11\nB,2026-01,IT,people,3\n"
    )
    report = run_import(
        engine=tiny_engine,
        kind="budget_actuals",
        file_name="a.csv",
        data=data,
        dry_run=False,
        user_name="t",
        progress=lambda *step: steps.append(step),
    )
    assert report.applied
    assert steps == [("read", 3, 3), ("validated", 3, 3), ("written", 3, 3)]


def test_a_rejected_file_is_read_and_validated_but_nothing_written(tiny_engine: Engine) -> None:
    steps: list[tuple[str, int, int]] = []
    before = dump_database(tiny_engine)
    data = csv_bytes(ACTUALS_HEADER + "A,2026-01,MKT,people,x\n")
    report = run_import(
        engine=tiny_engine,
        kind="budget_actuals",
        file_name="a.csv",
        data=data,
        dry_run=False,
        user_name="t",
        progress=lambda *step: steps.append(step),
    )
    assert not report.applied
    assert [s[0] for s in steps] == ["read", "validated"]
    assert dump_database(tiny_engine) == before


def test_the_command_line_prints_its_steps(
    tiny_engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(ACTUALS_HEADER + "A,2026-03,MKT,people,10\nA,2026-04,MKT,people,11\n"))
    url = tiny_engine.url.render_as_string(hide_password=False)
    assert cli_main(["budget_actuals", str(path), "--database-url", url, "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "2 rows read" in err
    assert "2 of 2 rows validated" in err
    assert "written" not in err  # a dry run writes nothing
    assert cli_main(["budget_actuals", str(path), "--database-url", url, "--lang", "nl"]) == 0
    assert "2 van 2 rijen geschreven" in capsys.readouterr().err
