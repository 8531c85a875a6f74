"""Many users at once: N browser sessions change their filters against one server.

    python -m tests.reliability.load [--sessions 20] [--seconds 60] [--database-url URL]

Each session (its own browser context, so its own Streamlit session) opens the Overview and
keeps picking an "as of" month from its own sequence; after every change it checks that the
URL and the sidebar show ITS month (no session sees another's filters) and that no exception
is on the page. The latency of a change is from picking the month until the rerun has
finished. Without --database-url it serves a fresh SQLite demo database.

The sessions open a few at a time (OPEN_AT_ONCE) and then all change their filters from the
same moment: what is measured is twenty sessions working at once, not twenty browsers
downloading the app's scripts at once, which on a busy two-core machine takes longer than
any fixed page timeout. Waits are generous (STEP_TIMEOUT_MS) for the same reason: a slow
machine makes the run slower, never red; a hang, an error or crosstalk still does.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from i18n.format import format_month
from tests.browser.harness import CHROMIUM_ARGS, CHROMIUM_PATH, streamlit_server

OPEN_AT_ONCE = 2
STEP_TIMEOUT_MS = 600_000  # one page load or one rerun, on a machine that may be very busy

READY_JS = """(wanted) => {
    const app = document.querySelector("[data-testid='stApp']");
    return app !== null
        && app.getAttribute("data-test-connection-state") === "CONNECTED"
        && app.getAttribute("data-test-script-state") === "notRunning"
        && document.querySelector("[data-testid='stSkeleton']") === null
        && (wanted === null || window.location.search.includes("asof=" + wanted));
}"""


@dataclass
class LoadResult:
    sessions: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.latencies)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")

    def summary(self) -> str:
        median = statistics.median(self.latencies) if self.latencies else float("nan")
        return (
            f"{self.sessions} sessions for {self.seconds:.0f} s: {self.changes} filter changes, "
            f"{len(self.errors)} errors, latency median {median:.2f} s, p90 {self.quantile(0.9):.2f} s, "
            f"max {max(self.latencies, default=float('nan')):.2f} s"
        )


@dataclass
class _Start:
    """All sessions open (a few at a time), then change their filters from the same moment."""

    sessions: int
    opening: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(OPEN_AT_ONCE))
    go: asyncio.Event = field(default_factory=asyncio.Event)
    arrived: int = 0

    def arrive(self) -> None:
        self.arrived += 1
        if self.arrived >= self.sessions:
            self.go.set()


async def _open(page, base_url: str):
    await page.goto(f"{base_url}/?lang=en", wait_until="commit", timeout=STEP_TIMEOUT_MS)
    sidebar = page.locator("[data-testid='stSidebar']")
    as_of_box = sidebar.locator("[data-testid='stSelectbox']").first.get_by_role("combobox")
    # Before the first run starts the script state is already "notRunning": wait for the sidebar.
    await as_of_box.wait_for(timeout=STEP_TIMEOUT_MS)
    await page.wait_for_function(READY_JS, arg=None, timeout=STEP_TIMEOUT_MS)
    return as_of_box


async def _session(
    browser, base_url: str, index: int, months: list, seconds: float, result: LoadResult, start: _Start
) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    try:
        try:
            async with start.opening:
                as_of_box = await _open(page, base_url)
        finally:
            start.arrive()
        await start.go.wait()
        deadline = time.monotonic() + seconds
        step = 0
        while time.monotonic() < deadline:
            month = months[(index * 7 + step * 3) % len(months)]
            step += 1
            label = format_month(month, "en")
            if await as_of_box.input_value() == label:
                continue
            await as_of_box.click(timeout=STEP_TIMEOUT_MS)
            await as_of_box.fill(label, timeout=STEP_TIMEOUT_MS)
            option = page.get_by_role("option", name=label, exact=True)
            started = time.monotonic()
            await option.click(timeout=STEP_TIMEOUT_MS)
            await page.wait_for_function(READY_JS, arg=month.strftime("%Y-%m"), timeout=STEP_TIMEOUT_MS)
            result.latencies.append(time.monotonic() - started)
            shown = await as_of_box.input_value()
            if shown != label:
                result.errors.append(f"session {index}: sidebar shows {shown!r}, expected {label!r}")
            if f"asof={month:%Y-%m}" not in page.url:
                result.errors.append(f"session {index}: URL {page.url} lacks its month {month:%Y-%m}")
            if await page.locator("[data-testid='stException']").count():
                result.errors.append(f"session {index}: an exception on the page")
    except Exception as exc:  # noqa: BLE001 - every failure of a session is a finding
        result.errors.append(f"session {index}: {type(exc).__name__}: {str(exc)[:300]}")
    finally:
        await context.close()


async def _run(base_url: str, sessions: int, seconds: float, months: list) -> LoadResult:
    from playwright.async_api import async_playwright

    result = LoadResult(sessions=sessions, seconds=seconds)
    start = _Start(sessions)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS, headless=True
        )
        try:
            await asyncio.gather(
                *(_session(browser, base_url, i, months, seconds, result, start) for i in range(sessions))
            )
        finally:
            await browser.close()
    return result


def run_load(*, base_url: str, sessions: int, seconds: float, months: list) -> LoadResult:
    """Drive `sessions` concurrent sessions for `seconds` each; `months` are the as-of choices.

    The event loop runs in its own thread, so a caller that already runs one (a test session
    with Playwright's sync API open) is not disturbed.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _run(base_url, sessions, seconds, months)).result()


def demo_months(database_url: str) -> list:
    """The last twelve as-of months the sidebar offers for this database."""
    from data_access.engine import create_db_engine
    from data_access.reference import load_month_bounds
    from domain.months import add_months, months_between

    engine = create_db_engine(database_url)
    _, _, last_actual = load_month_bounds(engine=engine)
    engine.dispose()
    assert last_actual is not None
    return months_between(add_months(last_actual, -11), last_actual)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database-url")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="load-") as workdir:
        url = args.database_url
        if url is None:
            from data_access.setup_db import DatabaseSettings, prepare_database

            url = f"sqlite:///{Path(workdir) / 'alignment.db'}"
            prepare_database(DatabaseSettings(url, "argument"), seed_demo=True).dispose()
        months = demo_months(url)
        with streamlit_server(database_url=url, log_dir=Path(workdir)) as base_url:
            result = run_load(base_url=base_url, sessions=args.sessions, seconds=args.seconds, months=months)
    print(result.summary())
    for error in result.errors[:20]:
        print("  ", error)
    return 1 if result.errors or not result.changes else 0


if __name__ == "__main__":
    raise SystemExit(main())
