"""The monthly meeting pack, unattended: one folder per month and language.

    python -m jobs.pack --out /var/lib/alignment/packs [--month YYYY-MM] [--lang nl,en]
                        [--database-url URL]

Without --month: the month the dashboard opens on (the last closed month with actuals), so
a timer a few days into the month produces the pack of the month just closed. Writes
OUT/YYYY-MM/<lang>/ with pack.pptx, pack.pdf, tables.xlsx and the CSV tables
(reports.pack, command line in reports.cli). Exit 0 ok, 1 a pack could not be written, 2 bad options, settings or an
unreachable database.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import sys
from pathlib import Path

from i18n import LANGUAGES
from jobs.common import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, database_url, job_logger

LANGS = LANGUAGES


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a month in the form YYYY-MM: {text!r}") from exc


def _langs(text: str) -> tuple[str, ...]:
    langs = tuple(part.strip() for part in text.split(",") if part.strip())
    if not langs or any(lang not in LANGS for lang in langs):
        raise argparse.ArgumentTypeError(f"languages from {', '.join(LANGS)}, comma separated")
    return langs


def default_month(url: str, *, today: dt.date | None = None) -> dt.date:
    """The as-of month the dashboard opens on for this database."""
    from data_access.engine import check_connection, create_db_engine
    from data_access.reference import load_month_bounds
    from domain.months import as_of_options

    engine = create_db_engine(url)
    try:
        check_connection(engine)
        first, last, last_actual = load_month_bounds(engine=engine)
    finally:
        engine.dispose()
    return as_of_options(first, last, last_actual, today or dt.date.today())[1]


def produce_packs(*, url: str, month: dt.date, out: Path, langs: tuple[str, ...], log) -> int:
    """reports.cli's command for each language into OUT/YYYY-MM/<lang>; an exit code."""
    from reports.cli import main as pack_main

    status = EXIT_OK
    for lang in langs:
        target = out / f"{month:%Y-%m}" / lang
        log.info("pack %s (%s) to %s", f"{month:%Y-%m}", lang, target)
        stdout = io.StringIO()
        try:
            with contextlib.redirect_stdout(stdout):
                code = pack_main(
                    ["--month", f"{month:%Y-%m}", "--out", str(target), "--lang", lang, "--database-url", url]
                )
        except SystemExit as exc:  # argparse inside reports.cli
            code = exc.code if isinstance(exc.code, int) else EXIT_CONFIG
        if code == 0:
            files = [line for line in stdout.getvalue().splitlines() if line.strip()]
            log.info("pack %s (%s) written: %d files", f"{month:%Y-%m}", lang, len(files))
            for line in files:
                print(line)
        else:
            log.error("pack %s (%s) failed (exit %s)", f"{month:%Y-%m}", lang, code)
            status = EXIT_FAILED
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jobs.pack", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for the packs")
    parser.add_argument("--month", type=_month, help="as-of month YYYY-MM (default: the dashboard's)")
    parser.add_argument(
        "--lang", type=_langs, default=LANGS, help="languages, comma separated (default nl,en)"
    )
    parser.add_argument("--database-url", help="SQLAlchemy URL; default DATABASE_URL, secrets, or embedded")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_CONFIG
    log = job_logger("jobs.pack")
    from sqlalchemy.exc import SQLAlchemyError

    from data_access.engine import DatabaseUnavailable

    url = database_url(args.database_url)
    try:
        month = args.month or default_month(url)
    except (DatabaseUnavailable, SQLAlchemyError) as exc:
        log.error(
            "the database cannot be read: %s",
            exc if isinstance(exc, DatabaseUnavailable) else type(exc).__name__,
        )
        return EXIT_CONFIG
    return produce_packs(url=url, month=month, out=args.out, langs=args.lang, log=log)


if __name__ == "__main__":
    sys.exit(main())
