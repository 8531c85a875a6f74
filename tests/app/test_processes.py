"""The suite holds on a busy machine (issue 17.9): subprocess groups always stopped, PostgreSQL
test databases dropped even with another role's session connected."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import _create_pg_database, _drop_pg_database, _pg_admin_url
from tests.processes import run_group

ROOT = Path(__file__).resolve().parents[2]
# A parent that starts a long-running child (like bench starting serve.py), writes its pid, hangs.
PARENT = (
    "import subprocess, sys, time\n"
    "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)'])\n"
    "open(sys.argv[1], 'w').write(str(child.pid))\n"
    "time.sleep(600)\n"
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


def test_a_timed_out_command_leaves_no_process_behind(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    with pytest.raises(subprocess.TimeoutExpired):
        run_group(
            [sys.executable, "-c", PARENT, str(pid_file)],
            cwd=ROOT,
            timeout_s=5,
            log_path=tmp_path / "log.txt",
        )
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 20
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(child), "the grandchild (a server) outlived the test"


@pytest.mark.postgres
def test_a_pg_test_database_is_dropped_while_another_role_is_connected() -> None:
    url = _create_pg_database()
    admin = make_url(_pg_admin_url())
    other_role = f"r_{make_url(url).database}"
    root = create_engine(admin, isolation_level="AUTOCOMMIT")
    with root.connect() as conn:
        may = conn.scalar(text("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user"))
    if not may:
        _drop_pg_database(url)
        root.dispose()
        reason = "the test role may not create roles (CREATEROLE; .ci/run grants it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        with root.connect() as conn:
            conn.execute(text(f"CREATE ROLE {other_role} LOGIN PASSWORD 'x'"))
            conn.execute(text(f'GRANT CONNECT ON DATABASE "{make_url(url).database}" TO {other_role}'))
        intruder = create_engine(make_url(url).set(username=other_role, password="x"))
        held = intruder.connect()  # like an autovacuum worker: a session we may not terminate
        try:
            started = time.monotonic()
            _drop_pg_database(url)  # must not raise, whatever happens
            assert time.monotonic() - started < 120
        finally:
            held.close()
            intruder.dispose()
        _drop_pg_database(url)
        with root.connect() as conn:
            left = conn.scalar(
                text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": make_url(url).database}
            )
        assert left == 0
    finally:
        with root.connect() as conn:
            conn.execute(text(f"DROP ROLE IF EXISTS {other_role}"))
        root.dispose()


@pytest.mark.postgres
def test_a_pg_test_database_is_dropped_while_our_own_sessions_hold_it() -> None:
    url = _create_pg_database()
    holder = create_engine(url)
    held = holder.connect()
    held.execute(text("SELECT 1"))
    try:
        _drop_pg_database(url)
    finally:
        held.invalidate()
        holder.dispose()
    root = create_engine(make_url(_pg_admin_url()))
    with root.connect() as conn:
        left = conn.scalar(
            text("SELECT count(*) FROM pg_database WHERE datname = :n"), {"n": make_url(url).database}
        )
    root.dispose()
    assert left == 0
