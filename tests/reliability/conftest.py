"""Reliability tier: private PostgreSQL servers, several app processes, Chromium sessions.

Browser tests of this tier live in tests/browser/test_reliability_*.py (they share that
tier's one Playwright instance). Locally a test skips when Chromium/Playwright or the PostgreSQL server binaries are missing;
under CI=true that is a failure instead. The shared PostgreSQL (TEST_DATABASE_URL) is never
stopped: fault tests stop only their own private server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.reliability.needs import require_postgres_binaries
from tests.reliability.private_postgres import PrivatePostgres, private_postgres


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL server that the test may stop and start at will."""
    require_postgres_binaries()
    with private_postgres() as server:
        yield server
