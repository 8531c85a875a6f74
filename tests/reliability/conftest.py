"""Reliability tier: private PostgreSQL servers, several app processes, Chromium sessions.

Locally a test skips when Chromium/Playwright or the PostgreSQL server binaries are missing;
under CI=true that is a failure instead. The shared PostgreSQL (TEST_DATABASE_URL) is never
stopped: fault tests stop only their own private server.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.harness import CHROMIUM_PATH, launch_chromium
from tests.reliability.private_postgres import PrivatePostgres, postgres_bin_dir, private_postgres


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"Reliability tests cannot run under CI: {reason}")
    pytest.skip(reason)


def require_browser() -> None:
    if not CHROMIUM_PATH.exists():
        _missing(f"{CHROMIUM_PATH} is missing (apt-get install -y chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the playwright package is missing (pip install -r requirements-dev.txt)")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL server that the test may stop and start at will."""
    if postgres_bin_dir() is None:
        _missing("no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    with private_postgres() as server:
        yield server


@pytest.fixture(scope="session")
def output_dir() -> Path:
    path = Path(__file__).resolve().parents[2] / "test-output"
    path.mkdir(exist_ok=True)
    return path
