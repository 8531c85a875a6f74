"""What a reliability test needs: skip locally when it is missing, fail under CI=true."""

from __future__ import annotations

import os

import pytest

from tests.browser.harness import CHROMIUM_PATH
from tests.reliability.private_postgres import postgres_bin_dir


def missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"Reliability tests cannot run under CI: {reason}")
    pytest.skip(reason)


def require_postgres_binaries() -> None:
    if postgres_bin_dir() is None:
        missing("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)")


def require_browser() -> None:
    if not CHROMIUM_PATH.exists():
        missing(f"{CHROMIUM_PATH} is missing (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("the playwright package is missing (pip install -r requirements-dev.txt)")
