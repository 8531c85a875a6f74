"""The meeting pack from the command line, without a browser (for a scheduled job).

    python -m reports.pack --month 2026-10 --out pack/ [--lang nl|en] [--from 2026-01]
                           [--departments IT,MKT] [--statuses active,on_hold] [--database-url URL]

writes pack.pptx, pack.pdf, tables.xlsx and one CSV per table into --out. The database URL
comes from --database-url, else DATABASE_URL, the secrets file or the embedded SQLite file,
as for the app; the schema is not changed. It prints its steps on stderr
(`python -m reports.cli` is the same command).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from data_access.engine import DatabaseUnavailable, check_connection, create_db_engine, resolve_database_url
from domain.filters import Filters
from domain.months import fiscal_year_start
from i18n import LANGUAGES, translate
from reports.pack import build_pack
from reports.pack_files import write_pack
from services.organisation import load_organisation


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a month in the form YYYY-MM: {text!r}") from exc


def _codes(text: str) -> tuple[str, ...]:
    return tuple(code.strip() for code in text.split(",") if code.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m reports.pack",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--month", type=_month, required=True, help="the as-of month, YYYY-MM")
    parser.add_argument(
        "--from",
        dest="start",
        type=_month,
        help="period start, YYYY-MM (default: the start of the fiscal year)",
    )
    parser.add_argument("--out", type=Path, default=Path("pack"), help="output folder (default: pack/)")
    parser.add_argument("--lang", choices=LANGUAGES, default="nl")
    parser.add_argument("--departments", type=_codes, default=(), help="department codes, comma separated")
    parser.add_argument("--statuses", type=_codes, default=(), help="project statuses, comma separated")
    parser.add_argument("--database-url", help="SQLAlchemy URL; default as for the app")
    args = parser.parse_args(argv)
    from reports.pdf_document import FontMissing

    try:
        fiscal_month = load_organisation().fiscal_year_start_month
        filters = Filters(
            as_of=args.month,
            period_start=args.start or fiscal_year_start(args.month, fiscal_month),
            departments=args.departments,
            statuses=args.statuses,
            fiscal_year_start_month=fiscal_month,
        )
    except ValueError as exc:
        parser.error(str(exc))
    url = args.database_url or resolve_database_url().url
    try:
        engine = create_db_engine(url)
        check_connection(engine)
        started = time.perf_counter()

        def progress(step: int, steps: int, label: str) -> None:
            print(f"[{step}/{steps}] {label} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)

        pack = build_pack(engine, filters=filters, lang=args.lang, progress=progress)
        written = write_pack(pack, args.out, progress=progress)
        print(
            f"{translate('reports.step.done', args.lang)} ({time.perf_counter() - started:.1f} s)",
            file=sys.stderr,
        )
    except (DatabaseUnavailable, FontMissing) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(f"error: the database could not be read ({type(exc).__name__})", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
