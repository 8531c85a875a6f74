"""What only a real server and browser show: first render, rerun in the browser, peak memory.

Each measurement starts a fresh server (`python serve.py SCRIPT`, as `make run` does, for
the app, the empty app, the floor app or the naive app) on a loopback port and drives it with Debian's Chromium through
Playwright. Peak memory is the server process's VmHWM from /proc (Linux).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.browser.harness import (
    ServerFailed,
    _is_healthy,
    free_port,
    launch_chromium,
    wait_for_app,
)

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_S = 300.0  # sized for 2 busy cores (CI runs beside other jobs)
TIMEOUT_MS = int(os.environ.get("BENCH_TIMEOUT_MS", "300000"))

# Every message the server sends is time-stamped in the page. A fast rerun can finish
# between two renders, so the script-state attribute alone may never show "running".
_STAMP_MESSAGES = """
window.__messages = [];
const OriginalWebSocket = window.WebSocket;
window.WebSocket = class extends OriginalWebSocket {
    constructor(...args) {
        super(...args);
        this.addEventListener("message", () => window.__messages.push(performance.now()));
    }
};
"""
# Records when the Enter key chose the option.
_ARM = """() => {
    const b = window.__bench = {start: null};
    document.addEventListener("keydown", event => {
        if (event.key === "Enter" && b.start === null) b.start = performance.now();
    }, {capture: true});
}"""
_ANSWERED = "() => window.__bench.start !== null && window.__messages.some(t => t > window.__bench.start)"
_QUIET = "() => performance.now() - window.__messages[window.__messages.length - 1] > 300"
_LAST = "() => [window.__bench.start, window.__messages[window.__messages.length - 1]]"


@dataclass
class Server:
    base_url: str
    pid: int
    log_path: Path
    ready_s: float = 0.0  # process start to healthy: the warm-up of serve.py is in here

    def peak_rss_mb(self) -> float:
        """The server process's peak resident memory so far (VmHWM), in MB."""
        return _status_kb(self.pid, "VmHWM") / 1024

    def rss_mb(self) -> float:
        return _status_kb(self.pid, "VmRSS") / 1024


def _status_kb(pid: int, field_name: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field_name} for process {pid}")


@contextmanager
def server(script: str, *, database_url: str, log_dir: Path) -> Iterator[Server]:
    """A fresh server for `script` over `database_url`, stopped afterwards.

    Every app is started the way `make run` starts ours: `python serve.py SCRIPT ...`, which
    imports the script's modules (and, for app.py, prepares the database and computes the default Overview) before Streamlit
    accepts connections. That work is not hidden: `ready_s` is the time from process start
    to the health check answering.
    """
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"streamlit-{port}.log"
    env = os.environ | {"DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    env.pop("SEED_DEMO", None)
    command = [
        sys.executable,
        "serve.py",
        script,
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]
    with log_path.open("wb") as log:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = started + STARTUP_TIMEOUT_S
        while not _is_healthy(base_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerFailed(f"streamlit {script} did not become healthy; see {log_path}")
            time.sleep(0.05)
        yield Server(base_url, process.pid, log_path, ready_s=time.monotonic() - started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_rendered(page, *, metric: bool) -> None:
    wait_for_app(page, timeout_ms=TIMEOUT_MS)
    if metric:
        page.wait_for_selector("[data-testid='stMetricValue']", state="visible", timeout=TIMEOUT_MS)
    if page.locator("[data-testid='stException']").count():
        raise RuntimeError("the page shows an exception")


@dataclass(frozen=True)
class FirstRender:
    render_ms: float  # navigation start to metrics shown and script done
    ready_ms: float  # server process start to healthy (before the browser is sent there)


def first_render(browser, script: str, *, database_url: str, log_dir: Path, path: str = "") -> FirstRender:
    """Navigation start to metrics shown and script done, on a fresh server, in a fresh context."""
    with server(script, database_url=database_url, log_dir=log_dir) as srv:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{srv.base_url}/{path}", timeout=TIMEOUT_MS)
            _wait_rendered(page, metric=True)
            return FirstRender(float(page.evaluate("performance.now()")), srv.ready_s * 1000)
        finally:
            context.close()


@dataclass
class BrowserRun:
    """Rerun times (s) after choosing as-of months in the sidebar, and the server's peak memory."""

    times: list[float] = field(default_factory=list)
    peak_rss_mb: float = 0.0
    first_load_rss_mb: float = 0.0


def browser_reruns(
    browser, script: str, *, database_url: str, log_dir: Path, changes: int, path: str = ""
) -> BrowserRun:
    """Open the page, then pick `changes` different as-of months in the sidebar, one by one.

    The time of one change runs from the Enter key choosing the option to the last message
    of the server's answer (no further message for 300 ms, script state notRunning).
    """
    result = BrowserRun()
    with server(script, database_url=database_url, log_dir=log_dir) as srv:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        try:
            context.add_init_script(_STAMP_MESSAGES)
            page = context.new_page()
            page.goto(f"{srv.base_url}/{path}", timeout=TIMEOUT_MS)
            _wait_rendered(page, metric=False)
            result.first_load_rss_mb = srv.rss_mb()
            as_of = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
            for _ in range(changes):
                # Open the list, step one month back, choose it: always a new, different value
                # (clicking the n-th option is unreliable, the list is virtualised).
                as_of.click()
                page.locator("[role='option']").first.wait_for(state="visible", timeout=TIMEOUT_MS)
                page.keyboard.press("ArrowDown")
                page.evaluate(_ARM)
                page.keyboard.press("Enter")
                page.wait_for_function(_ANSWERED, timeout=TIMEOUT_MS)
                _wait_rendered(page, metric=False)
                page.wait_for_function(_QUIET, timeout=TIMEOUT_MS)
                start, done = page.evaluate(_LAST)
                result.times.append((done - start) / 1000)
            result.peak_rss_mb = srv.peak_rss_mb()
        finally:
            context.close()
    return result


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()
