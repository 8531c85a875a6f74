"""Database faults in the browser: PostgreSQL goes away under open sessions and comes back.

The app shows the translated "database unavailable" message (never a stack trace), retries
by itself with backoff and recovers without a restart, with each session's filters; a write
during the outage is refused and nothing is written. Runs against a PRIVATE server.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

import data_access.steering as steering
from access.roles import LOCAL_USER
from data_access.demo import seed_demo
from data_access.engine import create_db_engine, read_data_version, upgrade_schema
from data_access.models import AuditLog, SteeringDecision
from i18n import translate
from tests.browser.harness import streamlit_server, wait_for_app
from tests.reliability.needs import require_postgres_binaries
from tests.reliability.private_postgres import PrivatePostgres, private_postgres

OUTAGE_TITLE = "Decision typed during the outage"
MEETING = dt.date(2026, 10, 1)


def _counts(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return (
            conn.scalar(select(func.count()).select_from(SteeringDecision)),
            conn.scalar(select(func.count()).select_from(AuditLog)),
            read_data_version(engine),
        )


def _titles(engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.scalars(select(SteeringDecision.title)))


@pytest.fixture
def private_pg() -> Iterator[PrivatePostgres]:
    """A private PostgreSQL server that this test stops and starts (never the shared one)."""
    require_postgres_binaries()
    with private_postgres() as server:
        yield server


def _no_stack_trace(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0
    body = page.locator("body").inner_text()
    assert "Traceback" not in body and "OperationalError" not in body and "psycopg" not in body


@pytest.mark.browser
@pytest.mark.slow
def test_outage_shows_message_refuses_writes_and_recovers(
    private_pg, browser, tmp_path: Path, output_dir: Path
) -> None:
    url = private_pg.create_database("alignment")
    engine = create_db_engine(url)
    upgrade_schema(engine)
    seed_demo(engine)
    unavailable_en = translate("db.unavailable_title", "en")
    unavailable_nl = translate("db.unavailable_title", "nl")

    with streamlit_server(database_url=url, log_dir=tmp_path) as base:
        contexts = [browser.new_context(viewport={"width": 1440, "height": 900}) for _ in range(2)]
        overview, steering_page = (context.new_page() for context in contexts)
        overview.goto(f"{base}/?lang=en")
        steering_page.goto(f"{base}/steering?lang=en")
        for page in (overview, steering_page):
            wait_for_app(page)
            _no_stack_trace(page)
        overview.locator("[data-testid='stMetric']").first.wait_for()
        before = _counts(engine)

        private_pg.stop()
        outage_started = time.monotonic()

        # A write through the page during the outage: refused with the message.
        form = steering_page.locator("[data-testid='stForm']", has_text="Record decision")
        form.get_by_label("Title").fill(OUTAGE_TITLE)
        form.get_by_role("button", name="Record decision").click()
        steering_page.get_by_text(unavailable_en).wait_for(timeout=30_000)
        steering_page.get_by_text(translate("reliability.nothing_saved", "en")).wait_for()
        _no_stack_trace(steering_page)

        # A filter change in the other session: the message, in the language just chosen.
        overview.locator("[data-testid='stSidebar']").get_by_text("Nederlands").click()
        overview.get_by_text(unavailable_nl).wait_for(timeout=30_000)
        overview.get_by_text("Opnieuw verbinden over").wait_for(timeout=10_000)
        _no_stack_trace(overview)
        overview.screenshot(path=str(output_dir / "reliability-outage.png"), full_page=True)

        # A write straight through the data layer is refused too.
        with pytest.raises(SQLAlchemyError):
            steering.create_decision(engine=engine, user=LOCAL_USER, meeting_month=MEETING, title="Direct")

        time.sleep(max(0.0, 5 - (time.monotonic() - outage_started)))
        private_pg.start()
        back_at = time.monotonic()

        # Both sessions recover by themselves: no click, no server restart.
        overview.locator("[data-testid='stMetric']").first.wait_for(timeout=40_000)
        steering_page.locator("[data-testid='stForm']", has_text="Record decision").wait_for(timeout=40_000)
        recovery_s = time.monotonic() - back_at
        for page in (overview, steering_page):
            wait_for_app(page)
            assert page.get_by_text(unavailable_en).count() == 0
            assert page.get_by_text(unavailable_nl).count() == 0
            _no_stack_trace(page)
        assert overview.locator("[data-testid='stMain'] h1", has_text="Overzicht").count() == 1
        # Each session keeps its own language and filters through the outage.
        assert (
            steering_page.locator("[data-testid='stMain'] h1", has_text="Decisions and actions").count() == 1
        )
        assert steering_page.get_by_role("radio", name="English").is_checked()
        assert overview.get_by_role("radio", name="Nederlands").is_checked()

        assert _counts(engine) == before, "nothing may be written during the outage"
        assert OUTAGE_TITLE not in _titles(engine) and "Direct" not in _titles(engine)

        # And the same write succeeds once the database is back.
        form = steering_page.locator("[data-testid='stForm']", has_text="Record decision")
        form.get_by_label("Title").fill("Decision after recovery")
        form.get_by_role("button", name="Record decision").click()
        steering_page.locator("[data-testid='stAlertContentSuccess']").wait_for(timeout=30_000)
        assert _counts(engine)[0] == before[0] + 1
        assert "Decision after recovery" in _titles(engine)
        print(f"recovered {recovery_s:.1f} s after PostgreSQL came back")
        for context in contexts:
            context.close()
    engine.dispose()
