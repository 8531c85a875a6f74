"""What every job shares: logging to stderr, exit codes, the database URL."""

from __future__ import annotations

import logging
import sys

EXIT_OK, EXIT_FAILED, EXIT_CONFIG = 0, 1, 2


def job_logger(name: str) -> logging.Logger:
    """A logger writing `2026-12-05T07:00:00 INFO jobs.x: message` lines to stderr."""
    logger = logging.getLogger(name)
    if not any(getattr(h, "_alignment_job", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
        )
        handler._alignment_job = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return logger


def database_url(option: str | None) -> str:
    """--database-url if given, else as the app resolves it (DATABASE_URL, secrets, embedded)."""
    from data_access.engine import resolve_database_url

    return option or resolve_database_url().url
