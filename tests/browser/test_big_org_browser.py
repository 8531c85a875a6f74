"""The generated large organisation (tests/support/big_org.py: 60 departments, 1,500 projects,
Swiss francs, a fiscal year from April, a three-dimension survey: the acceptance test's
ORGANISATION, its settings saved as an admin saves them) in real Chromium: no chart on Budget, Projects or What-if (every tab) is taller than 2,000 px,
and screenshots of those pages at projector and laptop size in Dutch and English.

Screenshots go to test-output/large/; with SAVE_SCREENS=1 to docs/screens/large/ (committed).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from access.roles import User
from data_access.engine import create_db_engine, upgrade_schema
from data_access.importer import import_file, issue_message
from data_access.organisation import save_organisation_settings
from data_access.organisation_settings import OrganisationSettings
from services.links import BUDGET_TABS, PROJECTS_TABS
from tests.app.test_big_org_acceptance import ORGANISATION
from tests.browser.conftest import _require_browser
from tests.browser.harness import ROOT, streamlit_server, wait_for_app, wait_for_visible_charts
from tests.support.big_org import generate, write_files

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAX_CHART_PX = 2_000
AS_OF = "2026-09"
SIZES = ((1280, 720), (1440, 900))
PAGES = {"budget": BUDGET_TABS, "projects": PROJECTS_TABS, "whatif": (None,)}


@pytest.fixture(scope="module")
def big_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served over a database holding only the generated organisation."""
    _require_browser()
    folder = tmp_path_factory.mktemp("big_browser")
    url = f"sqlite:///{folder / 'big.db'}"
    engine = create_db_engine(url)
    upgrade_schema(engine)
    settings = OrganisationSettings(
        name="Kanton Beispiel",
        currency=ORGANISATION["currency"],
        fiscal_year_start_month=ORGANISATION["fiscal_year_start"],
        time_zone="Europe/Zurich",
    )
    save_organisation_settings(
        engine=engine,
        settings=settings,
        user=User(name="admin@example.com", email="admin@example.com", role="admin"),
    )
    for kind, path in write_files(generate(**ORGANISATION), folder):
        report = import_file(engine=engine, kind=kind, path=str(path), dry_run=False, user_name="test")
        assert report.applied, (kind, [issue_message(i, "en") for i in report.errors][:5])
    engine.dispose()
    port = int(os.environ["BROWSER_TEST_PORT"]) if os.environ.get("BROWSER_TEST_PORT") else None
    with streamlit_server(database_url=url, log_dir=folder, port=port) as base:
        yield base


def _screens_dir() -> Path:
    target = ROOT / ("docs/screens/large" if os.environ.get("SAVE_SCREENS") == "1" else "test-output/large")
    target.mkdir(parents=True, exist_ok=True)
    return target


def _chart_heights(page) -> list[float]:
    """The drawn height of every displayed chart (its canvas or svg, and its container)."""
    return page.evaluate(
        """() => [...document.querySelectorAll("[data-testid='stVegaLiteChart']")]
            .filter(chart => chart.offsetParent !== null)
            .map(chart => {
                const drawn = chart.querySelector("canvas, svg");
                return Math.max(chart.getBoundingClientRect().height,
                                drawn ? drawn.getBoundingClientRect().height : 0);
            })"""
    )


def _open(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    wait_for_visible_charts(page, timeout_ms=120_000)
    assert page.locator("[data-testid='stException']").count() == 0


@pytest.mark.parametrize("name", list(PAGES))
def test_no_chart_taller_than_two_screens(browser, big_app_url: str, name: str) -> None:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        measured = {}
        for tab in PAGES[name]:
            suffix = f"&tab={tab}" if tab else ""
            _open(page, f"{big_app_url}/{name}?lang=en&asof={AS_OF}{suffix}")
            measured[tab] = _chart_heights(page)
        print(name, {tab: round(max(heights, default=0)) for tab, heights in measured.items()})
        assert any(measured.values()), f"no chart drawn on {name}"
        too_tall = {tab: [h for h in heights if h > MAX_CHART_PX] for tab, heights in measured.items()}
        assert not any(too_tall.values()), too_tall
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_screenshots(browser, big_app_url: str, lang: str, size: tuple[int, int]) -> None:
    width, height = size
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale={"nl": "nl-NL", "en": "en-GB"}[lang]
    )
    page = context.new_page()
    try:
        for name in PAGES:
            _open(page, f"{big_app_url}/{name}?lang={lang}&asof={AS_OF}")
            path = _screens_dir() / f"{name}-{lang}-{width}x{height}.png"
            page.screenshot(path=str(path))
            assert path.stat().st_size > 10_000
    finally:
        context.close()
