"""A shared What-if link opens the same view in a fresh browser: filters and scenario."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.scenario import ALL_JOINT, ScaleLever, Scenario
from domain.scenario_link import encode
from tests.browser.harness import wait_for_app, wait_for_charts

pytestmark = pytest.mark.browser

SCENARIO = Scenario(
    split_targets={ALL_JOINT: {"IT": 0.5, "MKT": 0.5}},
    scale=(ScaleLever("department", "MKT", -10.0),),
    delays={"P-001": 2},
)


def _sidebar_texts(page) -> str:
    """The sidebar's text plus the values shown in its select boxes (inputs, not text)."""
    sidebar = page.locator("[data-testid='stSidebar']")
    values = sidebar.locator("[data-testid='stSelectbox'] input").evaluate_all(
        "nodes => nodes.map(n => n.value)"
    )
    return sidebar.inner_text() + "\n" + "\n".join(values)


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_shared_link_reproduces_filters_and_scenario(page, app_url: str, output_dir: Path, lang: str) -> None:
    query = (
        f"lang={lang}&asof=2026-09&from=2026-03&status=active&cat=external,personnel&scn={encode(SCENARIO)}"
    )
    page.goto(f"{app_url}/whatif?{query}")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    title = "What-if scenarios" if lang == "en" else "Wat-als-scenario's"
    main.locator("h1", has_text=title).first.wait_for()
    assert page.locator("[data-testid='stException']").count() == 0

    sidebar = _sidebar_texts(page)
    if lang == "en":
        assert "September 2026" in sidebar and "March 2026" in sidebar
        assert "Active" in sidebar and "External contractors" in sidebar and "Internal staff" in sidebar
        changes = ["P-001 2 months later", "Marketing: remaining budget −10%", "All joint projects"]
    else:
        assert "september 2026" in sidebar and "maart 2026" in sidebar
        assert "Actief" in sidebar and "Externe inhuur" in sidebar and "Eigen personeel" in sidebar
        changes = ["P-001 2 maanden later", "Marketing: resterend budget −10%", "Alle gezamenlijke projecten"]
    text = main.inner_text()
    for change in changes:
        assert change in text, f"{change!r} missing from the scenario summary"
    assert page.locator("[data-testid='stAlertContentWarning']").count() == 0

    # The URL still carries the filters and the scenario after the app's own rewrite.
    url = page.url
    assert "asof=2026-09" in url and "scn=" in url and "cat=external" in url
    wait_for_charts(page)
    page.screenshot(path=str(output_dir / f"whatif-shared-{lang}.png"), full_page=True)


def test_an_unreadable_scenario_link_gives_a_notice(page, app_url: str) -> None:
    page.goto(f"{app_url}/whatif?lang=en&scn=%25%25nope&dept=NOPE")
    wait_for_app(page)
    page.locator("[data-testid='stMain'] h1", has_text="What-if scenarios").first.wait_for()
    warnings = page.locator("[data-testid='stAlertContentWarning']").all_inner_texts()
    assert any("cannot be read" in w for w in warnings), warnings
    assert any("dept" in w for w in warnings), warnings
    assert page.locator("[data-testid='stException']").count() == 0


def test_the_scenario_survives_a_visit_to_another_page(page, app_url: str) -> None:
    page.goto(f"{app_url}/whatif?lang=en&scn={encode(Scenario(delays={'P-001': 2}))}")
    wait_for_app(page)
    nav = page.locator("[data-testid='stSidebarNav'] a")
    nav.filter(has_text="Budget").click()
    page.wait_for_url("**/budget?**")
    wait_for_app(page)
    assert "scn=" not in page.url
    nav.filter(has_text="What-if").click()
    page.wait_for_url("**/whatif?**")
    wait_for_app(page)
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("P-001 2 months later").wait_for()
    assert "scn=" in page.url
