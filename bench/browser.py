"""What only a real server and browser show: first render, rerun in the browser, peak memory.

Each measurement starts a fresh `streamlit run` server (the app, the empty app, the floor
app or the naive app) on a loopback port and drives it with Debian's Chromium through
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
STARTUP_TIMEOUT_S = 120.0
TIMEOUT_MS = int(os.environ.get("BENCH_TIMEOUT_MS", "300000"))

# Records, in the page, when the user's choice happened and when the rerun it caused ended.
_ARM = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    const b = window.__bench = {start: null, running: null, done: null};
    document.addEventListener("click", () => { if (b.start === null) b.start = performance.now(); },
        {capture: true, once: true});
    // Records are read with their old values: a fast rerun may go running -> notRunning
    // between two callbacks, where reading the attribute alone would miss it.
    new MutationObserver(records => {
        const now = performance.now();
        for (const record of records) {
            if (record.oldValue === "running" && b.start !== null) b.running = b.running ?? now;
        }
        if (b.running !== null && b.done === null
            && app.getAttribute("data-test-script-state") === "notRunning") b.done = now;
    }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ["data-test-script-state"]});
}"""


@dataclass
class Server:
    base_url: str
    pid: int
    log_path: Path

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
    """A fresh `streamlit run script` over `database_url`, stopped afterwards."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"streamlit-{port}.log"
    env = os.environ | {"DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1"}
    env.pop("SEED_DEMO", None)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.headless=true",
        f"--server.port={port}",
        "--server.address=127.0.0.1",
        "--server.fileWatcherType=none",
        "--browser.gatherUsageStats=false",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _is_healthy(base_url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise ServerFailed(f"streamlit {script} did not become healthy; see {log_path}")
            time.sleep(0.05)
        yield Server(base_url, process.pid, log_path)
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


def first_render_ms(browser, script: str, *, database_url: str, log_dir: Path, path: str = "") -> float:
    """Navigation start to metrics shown and script done, on a fresh server, in a fresh context."""
    with server(script, database_url=database_url, log_dir=log_dir) as srv:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{srv.base_url}/{path}", timeout=TIMEOUT_MS)
            _wait_rendered(page, metric=True)
            return float(page.evaluate("performance.now()"))
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

    The time of one change runs from the click on the option to the script's
    state going back to notRunning after the rerun it caused.
    """
    result = BrowserRun()
    with server(script, database_url=database_url, log_dir=log_dir) as srv:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{srv.base_url}/{path}", timeout=TIMEOUT_MS)
            _wait_rendered(page, metric=False)
            result.first_load_rss_mb = srv.rss_mb()
            as_of = page.locator("[data-testid='stSidebar'] [data-testid='stSelectbox']").first
            for change in range(changes):
                as_of.click()
                option = page.locator("[role='option']").nth(change + 1)
                option.wait_for(state="visible", timeout=TIMEOUT_MS)
                page.evaluate(_ARM)
                option.click()
                page.wait_for_function("() => window.__bench.done !== null", timeout=TIMEOUT_MS)
                _wait_rendered(page, metric=False)
                start, done = page.evaluate("[window.__bench.start, window.__bench.done]")
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
