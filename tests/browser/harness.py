"""Start the real app with `streamlit run` and drive it in Debian's Chromium.

Shared by the browser tests (tests/browser/conftest.py) and scripts/screenshot.py.
Never `playwright install`: Playwright drives the system browser at CHROMIUM_PATH.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Without these Chromium keeps trying to reach Google's servers.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
STARTUP_TIMEOUT_S = 240.0  # a cold start (imports, migrate, seed) on 2 busy cores
# The first page load may migrate and seed the demo database; allow for that.
PAGE_TIMEOUT_MS = 120_000


class ServerFailed(RuntimeError):
    """The Streamlit server exited or never became healthy; carries its output."""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tail(path: Path, lines: int = 60) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return "\n".join(text.splitlines()[-lines:]) or "(no output)"


def _is_healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.status == 200 and response.read().strip() == b"ok"
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


@contextmanager
def streamlit_server(
    *,
    database_url: str,
    log_dir: Path,
    port: int | None = None,
    timeout_s: float = STARTUP_TIMEOUT_S,
    secrets_file: Path | None = None,
    extra_args: Sequence[str] = (),
) -> Iterator[str]:
    """Run `streamlit run app.py` on a free loopback port over `database_url`; yield its base URL.

    The server reads only `secrets_file` (default: an empty one, so local mode), never the
    developer's .streamlit/secrets.toml. Its output goes to streamlit-<port>.log in `log_dir`.
    """
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"streamlit-{port}.log"
    if secrets_file is None:
        secrets_file = log_dir / "no-secrets.toml"
        secrets_file.write_text("# local mode: no [auth]\n")
    # SEED_DEMO: the app fills an empty non-embedded database with the demo data too.
    env = os.environ | {"DATABASE_URL": database_url, "SEED_DEMO": "1", "PYTHONUNBUFFERED": "1"}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
        f"--secrets.files={secrets_file}",
        *extra_args,
    ]
    # A file, not a pipe: a chatty server must never block on a full pipe buffer.
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + timeout_s
        while not _is_healthy(base_url):
            if process.poll() is not None:
                raise ServerFailed(
                    f"streamlit exited with code {process.returncode} before it was healthy:\n"
                    f"{_tail(log_path)}"
                )
            if time.monotonic() > deadline:
                raise ServerFailed(
                    f"streamlit was not healthy at {base_url} after {timeout_s:.0f} s:\n{_tail(log_path)}"
                )
            time.sleep(0.25)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless and offline-friendly."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS, headless=True)


def wait_for_app(page: Page, *, timeout_ms: int = PAGE_TIMEOUT_MS) -> None:
    """Wait until the app is connected, its script has finished and no skeleton is left."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout_ms
    )
    page.wait_for_function(
        """() => {
            const app = document.querySelector("[data-testid='stApp']");
            return app !== null
                && app.getAttribute("data-test-script-state") === "notRunning"
                && document.querySelector("[data-testid='stSkeleton']") === null;
        }""",
        timeout=timeout_ms,
    )


def wait_for_charts(page: Page, *, timeout_ms: int = 30_000) -> None:
    """Wait until every Vega-Lite chart on the page has drawn (they render after the script)."""
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
            .every(chart => chart.querySelector("canvas, svg") !== null)""",
        timeout=timeout_ms,
    )


def wait_for_visible_charts(page: Page, *, timeout_ms: int = 30_000) -> None:
    """Wait until every chart that is displayed has drawn (a chart in a closed tab or
    expander draws only when it is opened)."""
    page.wait_for_function(
        """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
            .filter(chart => chart.offsetParent !== null)
            .every(chart => chart.querySelector("canvas, svg") !== null)""",
        timeout=timeout_ms,
    )
