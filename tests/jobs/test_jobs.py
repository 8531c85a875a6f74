"""The unattended jobs, run exactly as deploy/systemd/*.service say (ExecStart parsed from the
unit files), against a temporary SQLite database: exit codes, moved files, logs and outputs.

Only the installation paths are mapped into a temporary directory (/opt/alignment -> this
checkout, /var/lib/alignment and /var/backups/alignment -> tmp); every option is the unit's.
The cron lines must run the same commands as the units.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data_access.demo import seed_demo
from data_access.engine import create_db_engine, read_data_version, upgrade_schema
from data_access.importer import export_rows, to_csv
from jobs.backup import backups_to_delete
from jobs.import_folder import kind_of
from tests.conftest import ROOT

SYSTEMD = ROOT / "deploy" / "systemd"
CRON = ROOT / "deploy" / "cron" / "alignment.cron"
JOB_UNITS = ("alignment-import.service", "alignment-pack.service", "alignment-backup.service")
PYTHON = "/opt/alignment/.venv/bin/python"


def unit_settings(path: Path) -> dict[str, str]:
    """The Key=Value lines of a unit file (the last one wins, as for systemd's single values)."""
    settings: dict[str, str] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")) and "=" in line:
            key, value = line.split("=", 1)
            settings[key.strip()] = value.strip()
    return settings


def exec_start(unit: str) -> list[str]:
    return shlex.split(unit_settings(SYSTEMD / unit)["ExecStart"])


def run_unit(unit: str, tmp: Path, database_url: str, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the unit's ExecStart with the installation paths mapped into `tmp`."""
    settings = unit_settings(SYSTEMD / unit)
    assert settings["WorkingDirectory"] == "/opt/alignment"
    assert settings["Type"] == "oneshot"
    command = []
    for arg in exec_start(unit):
        arg = arg.replace(PYTHON, sys.executable)
        arg = arg.replace("/var/lib/alignment", str(tmp / "var-lib"))
        arg = arg.replace("/var/backups/alignment", str(tmp / "backups"))
        command.append(arg)
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env |= {"DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def demo_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'alignment.db'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    seed_demo(engine)
    engine.dispose()
    return url


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


def test_every_job_unit_runs_python_from_the_checkout_with_the_settings_file() -> None:
    for unit in JOB_UNITS:
        settings = unit_settings(SYSTEMD / unit)
        assert settings["EnvironmentFile"] == "/etc/alignment/alignment.env"
        command = exec_start(unit)
        assert command[:3] == [
            PYTHON,
            "-m",
            f"jobs.{unit.removeprefix('alignment-').removesuffix('.service')}".replace(
                "jobs.import", "jobs.import_folder"
            ),
        ]
        timer = SYSTEMD / unit.replace(".service", ".timer")
        assert unit_settings(timer)["OnCalendar"], f"{timer.name} has no schedule"


def test_timers_schedules_are_valid_for_systemd() -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    for timer in sorted(SYSTEMD.glob("*.timer")):
        schedule = unit_settings(timer)["OnCalendar"]
        result = subprocess.run(
            ["systemd-analyze", "calendar", schedule], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, (timer.name, result.stderr)


def test_cron_lines_run_the_same_commands_as_the_units() -> None:
    commands = []
    for line in CRON.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            fields = line.split(None, 6)
            assert fields[5] == "alignment"
            command = fields[6]
            assert command.startswith(
                "cd /opt/alignment && set -a && . /etc/alignment/alignment.env && set +a && "
            )
            commands.append(shlex.split(command.split(" && ")[-1].split(" >> ")[0]))
    assert sorted(commands) == sorted(exec_start(unit) for unit in JOB_UNITS)


def test_import_job_imports_good_files_rejects_bad_ones_and_writes_the_pack(
    tmp_path: Path, demo_db: str
) -> None:
    inbox = tmp_path / "var-lib" / "inbox"
    inbox.mkdir(parents=True)
    engine = create_db_engine(demo_db)
    rows = export_rows(engine=engine, kind="budget_plan")
    changed = [row | {"planned": round(float(row["planned"]) * 2, 2)} for row in rows]
    (inbox / "budget_plan-2026-11.csv").write_bytes(to_csv("budget_plan", changed))
    (inbox / "budget_actuals-2026-11.csv").write_text("this;is\nnot;an export\n")
    (inbox / "notes.txt").write_text("a file nobody should have dropped here")
    (inbox / "projects.csv.part").write_text("still being copied")
    for path in inbox.iterdir():
        _age(path, 300)
    (inbox / "projects-new.csv").write_text("written a moment ago")  # younger than --min-age
    version = read_data_version(engine)

    result = run_unit("alignment-import.service", tmp_path, demo_db)

    assert result.returncode == 1, result.stderr  # one file was rejected, the good one imported
    assert read_data_version(engine) > version
    engine.dispose()
    imported = sorted(p.name for p in (tmp_path / "var-lib" / "imported").iterdir())
    rejected = sorted(p.name for p in (tmp_path / "var-lib" / "rejected").iterdir())
    assert [re.sub(r"^\d{8}-\d{6}-", "", name) for name in imported] == ["budget_plan-2026-11.csv"]
    assert sorted(re.sub(r"^\d{8}-\d{6}-", "", name) for name in rejected) == [
        "budget_actuals-2026-11.csv",
        "budget_actuals-2026-11.csv.report.txt",
        "notes.txt",
        "notes.txt.report.txt",
    ]
    assert sorted(p.name for p in inbox.iterdir() if not p.name.startswith(".")) == [
        "projects-new.csv",
        "projects.csv.part",
    ]
    assert "imported: budget_plan-2026-11.csv as budget_plan" in result.stderr
    assert "rejected: budget_actuals-2026-11.csv" in result.stderr
    assert "1 imported, 2 rejected" in result.stderr
    # The pack of the month the dashboard opens on, both languages, right after the import.
    packs = tmp_path / "var-lib" / "packs"
    (month,) = [p.name for p in packs.iterdir()]
    assert re.fullmatch(r"\d{4}-\d{2}", month)
    for lang in ("nl", "en"):
        assert (packs / month / lang / "pack.pdf").read_bytes().startswith(b"%PDF")
        assert (packs / month / lang / "pack.pptx").stat().st_size > 10_000
    assert str(packs / month / "en" / "pack.pdf") in result.stdout

    # Nothing waiting (the young file is still too young): exit 0, nothing written.
    again = run_unit("alignment-import.service", tmp_path, demo_db)
    assert again.returncode == 0, again.stderr
    assert "no files waiting" in again.stderr


def test_pack_job_writes_both_languages(tmp_path: Path, demo_db: str) -> None:
    result = run_unit("alignment-pack.service", tmp_path, demo_db)
    assert result.returncode == 0, result.stderr
    pdfs = sorted((tmp_path / "var-lib" / "packs").glob("*/*/pack.pdf"))
    assert [p.parent.name for p in pdfs] == ["en", "nl"]
    assert all(str(p) in result.stdout for p in pdfs)


def test_backup_job_writes_a_restorable_copy_and_reports_bad_settings(tmp_path: Path, demo_db: str) -> None:
    result = run_unit("alignment-backup.service", tmp_path, demo_db)
    assert result.returncode == 0, result.stderr
    (backup,) = (tmp_path / "backups").iterdir()
    assert re.fullmatch(r"alignment-\d{8}-\d{6}\.db", backup.name)
    assert backup.read_bytes().startswith(b"SQLite format 3\x00")
    assert "backup written" in result.stderr and str(backup) in result.stdout

    from data_access.backup import restore_database

    restored = f"sqlite:///{tmp_path / 'restored.db'}"
    restore_database(url=restored, path=backup)
    source, copy = create_db_engine(demo_db), create_db_engine(restored)
    assert read_data_version(copy) == read_data_version(source)
    source.dispose()
    copy.dispose()

    bad = run_unit("alignment-backup.service", tmp_path, "not a database url")
    assert bad.returncode == 2
    assert "DATABASE_URL" in bad.stderr and "not a database url" not in bad.stderr
    missing = run_unit("alignment-backup.service", tmp_path, f"sqlite:///{tmp_path / 'nothing-here.db'}")
    assert missing.returncode == 1 and "backup failed" in missing.stderr


def test_backup_retention_keeps_the_newest_and_ignores_other_files() -> None:
    names = [f"alignment-2026120{d}-023000.db" for d in range(1, 6)] + ["notes.txt", "alignment-old.db"]
    assert backups_to_delete(names, keep=2) == [f"alignment-2026120{d}-023000.db" for d in (1, 2, 3)]
    assert backups_to_delete(names, keep=14) == []


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("budget_plan-2026-11.csv", "budget_plan"),
        ("BUDGET_PLAN.xlsx", "budget_plan"),
        ("projects_2026.csv", "projects"),
        ("monthly-export.xlsx", "workbook"),
        ("budget_planning.csv", None),
        ("notes.txt", None),
    ],
)
def test_the_kind_comes_from_the_start_of_the_file_name(name: str, kind: str | None) -> None:
    kinds = ("budget_plan", "budget_actuals", "projects")
    assert kind_of(name, kinds, "workbook") == kind
