"""Import the files dropped in a folder, each all-or-nothing; optionally the pack after.

    python -m jobs.import_folder --inbox DIR [--done DIR] [--failed DIR] [--min-age 60]
                                 [--pack-out DIR [--pack-month YYYY-MM] [--pack-lang nl,en]]
                                 [--database-url URL]

Each file in --inbox (oldest name first) is imported in one transaction by the importer
(data_access.importer): either all its rows are applied or none. Its kind comes from the
start of its name: `budget_actuals-2026-11.csv` is a budget_actuals file (the names are
those of `python -m data_access.importer template`); an .xlsx whose name starts with no
kind is a whole workbook. A file that was imported goes to --done (default INBOX/done), a
rejected one to --failed (default INBOX/failed) with NAME.report.txt beside it saying why;
both get a time stamp in front of their name. Hidden files, *.part and *.tmp, and files
changed less than --min-age seconds ago (still being written) are left for the next run.

With --pack-out, when at least one file was imported, the meeting pack of the month the
dashboard now opens on (or --pack-month) is written right after, as jobs.pack does.

Exit 0 every file imported (or none waiting), 1 a file was rejected or the pack failed
(the other files are still imported), 2 bad options or settings, unreachable database.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fcntl
import io
import shutil
import sys
import time
from pathlib import Path

from jobs.common import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, database_url, job_logger
from jobs.pack import LANGS, _langs, _month, default_month, produce_packs

SKIPPED_SUFFIXES = (".part", ".tmp", ".report.txt")
LOCK_NAME = ".import.lock"


def kind_of(file_name: str, kinds: tuple[str, ...], workbook: str) -> str | None:
    """The import kind a file name announces (the longest kind its name starts with), an
    .xlsx without one is a workbook, anything else None."""
    name = file_name.lower()
    for kind in sorted(kinds, key=len, reverse=True):
        if name.startswith(kind) and (len(name) == len(kind) or name[len(kind)] in "-_. "):
            return kind
    return workbook if name.endswith(".xlsx") else None


def waiting_files(inbox: Path, *, min_age_s: float, now: float | None = None) -> list[Path]:
    """The files ready to import, by name."""
    now = time.time() if now is None else now
    return sorted(
        path
        for path in inbox.iterdir()
        if path.is_file()
        and not path.name.startswith(".")
        and not path.name.endswith(SKIPPED_SUFFIXES)
        and now - path.stat().st_mtime >= min_age_s
    )


def _move(path: Path, folder: Path, stamp: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stamp}-{path.name}"
    shutil.move(str(path), target)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jobs.import_folder",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--inbox", type=Path, required=True, help="folder where files are dropped")
    parser.add_argument("--done", type=Path, help="imported files go here (default INBOX/done)")
    parser.add_argument("--failed", type=Path, help="rejected files go here (default INBOX/failed)")
    parser.add_argument("--min-age", type=float, default=60.0, help="seconds a file must be unchanged (60)")
    parser.add_argument("--pack-out", type=Path, help="write the meeting pack here after an import")
    parser.add_argument("--pack-month", type=_month, help="the pack's month (default: the dashboard's)")
    parser.add_argument("--pack-lang", type=_langs, default=LANGS, help="pack languages (default nl,en)")
    parser.add_argument("--database-url", help="SQLAlchemy URL; default DATABASE_URL, secrets, or embedded")
    parser.add_argument("--lang", choices=LANGS, default="en", help="language of the reports (default en)")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_CONFIG
    log = job_logger("jobs.import_folder")
    inbox: Path = args.inbox
    if not inbox.is_dir():
        log.error("the inbox %s is not a folder", inbox)
        return EXIT_CONFIG
    done, failed = args.done or inbox / "done", args.failed or inbox / "failed"

    with (inbox / LOCK_NAME).open("w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log.warning("another import run is busy with %s; nothing done", inbox)
            return EXIT_OK
        files = waiting_files(inbox, min_age_s=args.min_age)
        if not files:
            log.info("no files waiting in %s", inbox)
            return EXIT_OK
        return _import_all(args, files, done=done, failed=failed, log=log)


def _import_all(args: argparse.Namespace, files: list[Path], *, done: Path, failed: Path, log) -> int:
    from data_access.engine import DatabaseUnavailable, create_db_engine, describe_url, upgrade_schema
    from data_access.importer import IMPORT_KINDS, WORKBOOK, import_file
    from data_access.importer.__main__ import print_report

    url = database_url(args.database_url)
    try:
        engine = create_db_engine(url)
        upgrade_schema(engine)
    except DatabaseUnavailable as exc:
        log.error("%s", exc)
        return EXIT_CONFIG
    log.info("%d file(s) waiting; database %s", len(files), describe_url(url))
    status, imported = EXIT_OK, 0
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        for path in files:
            kind = kind_of(path.name, tuple(k for k in IMPORT_KINDS if k != WORKBOOK), WORKBOOK)
            if kind is None:
                report_text = (
                    f"{path.name}: the name does not start with a kind "
                    f"({', '.join(IMPORT_KINDS)}) and it is no .xlsx workbook\n"
                )
                rejected = True
            else:
                report = import_file(
                    engine=engine, kind=kind, path=str(path), dry_run=False, user_name="job:import_folder"
                )
                buffer = io.StringIO()
                with contextlib.redirect_stdout(buffer):
                    print_report(report, args.lang)
                report_text = buffer.getvalue()
                rejected = bool(report.errors)
            if rejected:
                target = _move(path, failed, stamp)
                target.with_name(target.name + ".report.txt").write_text(report_text, encoding="utf-8")
                log.error("rejected: %s (%s); moved to %s", path.name, kind or "unknown kind", target)
                for line in report_text.splitlines():
                    log.error("  %s", line)
                status = EXIT_FAILED
            else:
                target = _move(path, done, stamp)
                imported += 1
                log.info("imported: %s as %s; moved to %s", path.name, kind, target)
                for line in report_text.splitlines():
                    log.info("  %s", line)
    finally:
        engine.dispose()
    log.info("%d imported, %d rejected", imported, len(files) - imported)
    if args.pack_out and imported:
        try:
            month = args.pack_month or default_month(url)
        except Exception as exc:  # noqa: BLE001 - the imports are done; report and fail the run
            log.error("the pack's month could not be read: %s", type(exc).__name__)
            return EXIT_FAILED
        if produce_packs(url=url, month=month, out=args.pack_out, langs=args.pack_lang, log=log) != EXIT_OK:
            status = EXIT_FAILED
    return status


if __name__ == "__main__":
    sys.exit(main())
