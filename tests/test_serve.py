"""serve.py: the app's modules and database are ready before the server accepts connections."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tests.browser.harness import _is_healthy, free_port

ROOT = Path(__file__).resolve().parent.parent


def test_serve_warms_up_before_it_listens(demo_sqlite_url: str, tmp_path: Path) -> None:
    port = free_port()
    log_path = tmp_path / "serve.log"
    env = os.environ | {"DATABASE_URL": demo_sqlite_url, "PYTHONUNBUFFERED": "1"}
    env.pop("SEED_DEMO", None)
    command = [
        sys.executable,
        "serve.py",
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while not _is_healthy(f"http://127.0.0.1:{port}"):
            assert process.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.1)
        text = log_path.read_text()
    finally:
        process.terminate()
        process.wait(timeout=20)
    warm = text.index("warm-up: imports")
    assert "database ready in" in text[warm:].splitlines()[0]
    assert warm < text.index(f":{port}")  # before Streamlit announces where it listens
    assert "No runtime found" not in text


def test_serve_passes_the_script_and_options_on() -> None:
    from serve import _split

    assert _split(["--server.port=1"]) == ("app.py", ["--server.port=1"])
    assert _split(["bench/empty_app.py", "--server.port=1"]) == ("bench/empty_app.py", ["--server.port=1"])
