"""A dated backup of the database into a folder, keeping the newest --keep files.

    python -m jobs.backup --dir /var/backups/alignment [--keep 14] [--database-url URL]

Writes alignment-YYYYMMDD-HHMMSS.db (SQLite) or .dump (PostgreSQL, pg_dump custom format)
through data_access.backup (consistent while the app runs), then deletes older backups of
this job beyond --keep. Restore: `python -m data_access.backup restore FILE --database-url
URL-OF-A-NEW-EMPTY-DATABASE` (README, "Backup and restore"). Exit 0 ok, 1 the backup failed,
2 bad options or settings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from pathlib import Path

from jobs.common import EXIT_CONFIG, EXIT_FAILED, EXIT_OK, database_url, job_logger

BACKUP_NAME = re.compile(r"^alignment-\d{8}-\d{6}\.(db|dump)$")


def backup_name(*, backend: str, now: dt.datetime) -> str:
    return f"alignment-{now:%Y%m%d-%H%M%S}.{'db' if backend == 'sqlite' else 'dump'}"


def backups_to_delete(names: list[str], *, keep: int) -> list[str]:
    """This job's backups beyond the newest `keep` (the names sort by time); others untouched."""
    ours = sorted(name for name in names if BACKUP_NAME.match(name))
    return ours[: max(len(ours) - keep, 0)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m jobs.backup",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--dir", type=Path, required=True, help="folder for the backups")
    parser.add_argument("--keep", type=int, default=14, help="how many backups to keep (default 14)")
    parser.add_argument("--database-url", help="SQLAlchemy URL; default DATABASE_URL, secrets, or embedded")
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_OK if exc.code == 0 else EXIT_CONFIG
    log = job_logger("jobs.backup")
    if args.keep < 1:
        log.error("--keep must be at least 1")
        return EXIT_CONFIG
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from data_access.backup import BackupFailed, backup_database
    from data_access.engine import DatabaseUnavailable, describe_url

    url = database_url(args.database_url)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        log.error("the database URL (DATABASE_URL) is not valid")
        return EXIT_CONFIG
    target = args.dir / backup_name(backend=backend, now=dt.datetime.now())
    log.info("backup of %s to %s", describe_url(url), target)
    try:
        backup_database(url=url, path=target)
    except (BackupFailed, DatabaseUnavailable) as exc:
        log.error("backup failed: %s", exc)
        target.unlink(missing_ok=True)
        return EXIT_FAILED
    log.info("backup written: %s (%s bytes)", target, f"{target.stat().st_size:,}")
    for name in backups_to_delete([p.name for p in args.dir.iterdir()], keep=args.keep):
        (args.dir / name).unlink()
        log.info("old backup deleted: %s", name)
    print(target)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
