"""Twenty simultaneous sessions change their filters against one server on loopback:
no error, and every session keeps seeing its own filters (tests/reliability/load.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.harness import streamlit_server
from tests.reliability.load import demo_months, run_load
from tests.reliability.needs import require_browser

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SESSIONS = 20
SECONDS = 10.0


def test_twenty_sessions_change_filters_without_errors_or_crosstalk(
    demo_sqlite_url: str, tmp_path: Path
) -> None:
    require_browser()  # the load drives its own (async) Chromium
    months = demo_months(demo_sqlite_url)
    with streamlit_server(database_url=demo_sqlite_url, log_dir=tmp_path) as base_url:
        result = run_load(base_url=base_url, sessions=SESSIONS, seconds=SECONDS, months=months)
    print(result.summary())
    assert result.errors == []
    assert result.changes >= SESSIONS  # every session changed its filters at least once
