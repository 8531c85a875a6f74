"""Browser tier: the real app under `streamlit run`, driven by Debian's Chromium.

The server runs once per session on a free port with a fresh SQLite file; the app seeds
the demo data into the empty database when it starts. Without /usr/bin/chromium (or the
playwright package) the tests skip locally and fail under CI=true.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.harness import CHROMIUM_PATH, PAGE_TIMEOUT_MS, launch_chromium, streamlit_server


def _require_browser() -> None:
    missing = None
    if not CHROMIUM_PATH.exists():
        missing = f"{CHROMIUM_PATH} is missing (apt-get install -y chromium)"
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            missing = "the playwright package is missing (pip install -r requirements-dev.txt)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Browser tests cannot run under CI: {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the app served over a fresh, empty SQLite database."""
    _require_browser()
    workdir = tmp_path_factory.mktemp("browser_app")
    # BROWSER_TEST_PORT: a fixed port (an engineer's own range on a shared machine); else a free one.
    port = int(os.environ["BROWSER_TEST_PORT"]) if os.environ.get("BROWSER_TEST_PORT") else None
    with streamlit_server(
        database_url=f"sqlite:///{workdir / 'alignment.db'}", log_dir=workdir, port=port
    ) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    """A fresh page (own context, no shared cookies) at a desktop size. Every wait may take
    PAGE_TIMEOUT_MS (Playwright's 30 s default is too short on two busy cores)."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="nl-NL")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    new_page = context.new_page()
    yield new_page
    context.close()


@pytest.fixture(scope="session")
def output_dir() -> Path:
    """test-output/ at the repository root (ignored by git) for screenshots."""
    path = Path(__file__).resolve().parents[2] / "test-output"
    path.mkdir(exist_ok=True)
    return path
