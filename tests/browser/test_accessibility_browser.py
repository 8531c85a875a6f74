"""Accessibility in Chromium: axe-core on every page (each tab of a page with tabs) in both
languages, and the keyboard.

axe-core comes bundled with axe-playwright-python (requirements-dev.txt; axe.min.js inside
the wheel, no network at test time). A page passes with no violation of impact "serious" or
"critical". Excluded, with the reason (README, "Accessibility"):

- `[data-testid='stMetricChart']`: Streamlit's own sparkline inside st.metric. It draws
  Vega marks with role="graphics-symbol" and no title (axe rule svg-img-alt); we cannot add
  one. The tile shows the same information as text (value, change, status word).

Nothing else is excluded: a new serious or critical violation anywhere fails the test.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from services.links import PAGE_TABS
from tests.browser.harness import wait_for_app
from ui.navigation import PAGES

pytestmark = pytest.mark.browser

EXCLUDED = [["[data-testid='stMetricChart']"]]
BLOCKING = ("serious", "critical")


def _axe():
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        message = "axe-playwright-python is missing (pip install -r requirements-dev.txt)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return Axe()


def page_url(base: str, path: str, lang: str) -> str:
    spec = next(spec for spec in PAGES if spec.path == path)
    return f"{base}/{'' if spec.default else Path(path).stem}?lang={lang}"


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as shown, Streamlit's sparklines excluded."""
    results = _axe().run(page, context={"exclude": EXCLUDED})
    return results.response["violations"]


def blocking(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {node['target']} {node.get('failureSummary', '')[:200]}"
        for v in violations
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


# Only the open tab is drawn: every other tab of a page with tabs is opened by its link.
PAGE_VIEWS = [(spec.path, None) for spec in PAGES] + [
    (path, tab) for path, tabs in PAGE_TABS.items() for tab in tabs[1:]
]


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize(("path", "tab"), PAGE_VIEWS)
def test_every_page_has_no_serious_or_critical_axe_violation(
    page, app_url, output_dir, path, tab, lang
) -> None:
    page.goto(page_url(app_url, path, lang) + (f"&tab={tab}" if tab else ""))
    wait_for_app(page)
    page.wait_for_timeout(1500)  # charts draw after the script has finished
    wait_for_app(page)
    assert page.locator("[data-testid='stException']").count() == 0
    violations = axe_violations(page)
    record = output_dir / "axe"
    record.mkdir(exist_ok=True)
    summary = [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in violations]
    (record / f"{Path(path).stem}{'-' + tab if tab else ''}-{lang}.json").write_text(
        json.dumps(summary, indent=1)
    )
    assert blocking(violations) == []


def test_the_keyboard_reaches_every_control_of_the_sidebar_and_the_steering_forms(page, app_url) -> None:
    """Tab from the top of the page: every visible, enabled control gets the focus once."""
    page.goto(page_url(app_url, "views/steering.py", "en"))
    wait_for_app(page)
    page.wait_for_timeout(1000)
    controls = page.evaluate(
        """() => {
            const selector = "input:not([type=hidden]), select, textarea, button, a[href], [tabindex]";
            let n = 0;
            for (const el of document.querySelectorAll(selector)) {
                const box = el.getBoundingClientRect();
                const visible = box.width > 0 && box.height > 0
                    && getComputedStyle(el).visibility !== "hidden";
                if (!visible || el.disabled || el.tabIndex < 0 || el.closest("[aria-hidden=true]")) continue;
                el.setAttribute("data-a11y-control", String(n++));
            }
            return n;
        }"""
    )
    assert controls > 10
    page.locator("body").focus()
    reached: set[str] = set()
    for _ in range(controls * 3):
        page.keyboard.press("Tab")
        mark = page.evaluate("() => document.activeElement?.getAttribute('data-a11y-control')")
        if mark is not None:
            reached.add(mark)
        if len(reached) == controls:
            break
    missing = page.evaluate(
        """(reached) => [...document.querySelectorAll("[data-a11y-control]")]
            .filter(el => !reached.includes(el.getAttribute("data-a11y-control")))
            .map(el => el.outerHTML.slice(0, 160))""",
        sorted(reached),
    )
    assert missing == []
