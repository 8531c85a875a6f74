"""Database faults (the browser part is tests/browser/test_reliability_faults_browser.py): PostgreSQL goes away under open sessions and comes back.

The app shows the translated "database unavailable" message (never a stack trace), retries
by itself with backoff and recovers without a restart; a write during the outage is refused
and a write cut off halfway leaves nothing behind. Runs against a PRIVATE server.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

import data_access.audit as audit
import data_access.steering as steering
from access.roles import LOCAL_USER
from data_access.engine import create_db_engine, read_data_version, upgrade_schema
from data_access.models import AuditLog, SteeringDecision

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


def test_write_cut_off_halfway_leaves_nothing(private_pg, monkeypatch: pytest.MonkeyPatch) -> None:
    """The server dies after the decision row is inserted but before its audit row: no trace."""
    engine = create_db_engine(private_pg.create_database("halfway"))
    upgrade_schema(engine)
    before = _counts(engine)
    real_record_change = audit.record_change

    def server_dies_midway(conn, **kwargs):
        private_pg.stop()
        return real_record_change(conn, **kwargs)

    # Every audited write (data_access.audit.insert_audited) records its audit row through this.
    monkeypatch.setattr(audit, "record_change", server_dies_midway)
    with pytest.raises(SQLAlchemyError):
        steering.create_decision(
            engine=engine, user=LOCAL_USER, meeting_month=MEETING, title="Half a decision"
        )
    monkeypatch.undo()

    private_pg.start()
    assert _counts(engine) == before  # the pool's pre-ping replaced the dead connection
    assert "Half a decision" not in _titles(engine)
    steering.create_decision(engine=engine, user=LOCAL_USER, meeting_month=MEETING, title="Whole decision")
    assert _counts(engine)[0] == before[0] + 1
    engine.dispose()
