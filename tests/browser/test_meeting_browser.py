"""The steering meeting on demo data in Chromium at projector size (1280x720): September 2026.

Step 1 (here): from the Overview, follow one exception of every kind with one click and see
its detail on screen without scrolling: the right page, the right tab, the project (or the
survey dimension and direction) selected and in view.

Step 2: record an action for September and check its default due date (the next meeting:
the last day of October).

Step 3: change a target on the KPI catalogue page (in force from the current month) and
check that September's Overview tiles keep their status words and figures.

The meeting goes on in later steps (append them as tests using `meeting` and the helpers).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.harness import wait_for_app, wait_for_visible_charts

pytestmark = pytest.mark.browser

VIEWPORT = {"width": 1280, "height": 720}
MEETING_QUERY = "asof=2026-09&lang=nl"
KINDS = 10  # the demo's September holds one group of exceptions per kind


@dataclass(frozen=True)
class Followed:
    """An exception link after the click: where it pointed and the page it opened."""

    href: str
    params: dict[str, str]
    path: str


@pytest.fixture
def meeting(browser):
    """A page the size of a meeting-room projector (Dutch)."""
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL")
    page = context.new_page()
    yield page
    context.close()


def open_overview(page, app_url: str) -> None:
    page.goto(f"{app_url}/?{MEETING_QUERY}")
    wait_for_app(page)
    page.locator("[data-testid='stExpander']").first.wait_for()


def in_view(page, locator, *, settle_s: float = 30.0) -> bool:
    """Whether the element's top part is inside the window as it is (no scrolling), once the
    page has settled: on a busy machine the previous page's elements can stand above it for
    a moment after the script has finished, so the position is read until it holds (or
    `settle_s` has passed, and the last reading counts)."""
    locator.first.wait_for()
    height = page.viewport_size["height"]
    deadline = time.monotonic() + settle_s
    while True:
        box = locator.first.bounding_box()
        shown = box is not None and box["y"] >= 0 and box["y"] + min(box["height"], 40) <= height
        if shown or time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(250)


def selected(locator) -> str:
    """What a selectbox shows: its text and, where the choice sits in an input, the input's value."""
    inputs = locator.locator("input")
    value = inputs.first.input_value() if inputs.count() else ""
    return f"{locator.inner_text()} {value}"


def active_tab(page) -> str:
    return page.locator("[data-testid='stTab'][aria-selected='true']").first.inner_text().strip()


def follow_exception(page, app_url: str, group: int) -> Followed:
    """On the Overview, open the group's expander and click its first Details link."""
    open_overview(page, app_url)
    expander = page.locator("[data-testid='stExpander']").nth(group)
    link = expander.locator("[data-testid='stPageLink'] a").first
    if not link.is_visible():
        expander.locator("summary").click()
    link.wait_for()
    href = link.get_attribute("href") or ""
    link.click()
    page.wait_for_url(lambda url: urlparse(url).path.rstrip("/") != "", timeout=60_000)
    wait_for_app(page)
    wait_for_visible_charts(page, timeout_ms=60_000)
    params = {key: values[0] for key, values in parse_qs(urlparse(href).query).items()}
    return Followed(href, params, urlparse(page.url).path.rsplit("/", 1)[-1])


def assert_detail_in_view(page, followed: Followed) -> None:
    focus = followed.params.get("focus")
    if followed.path == "budget" and followed.params.get("tab") == "forecast":
        # A forecast overrun (the portfolio's year): the year-end forecast against the budget.
        assert active_tab(page) == "Prognose jaareinde"
        assert in_view(page, page.locator("[data-testid='stMetric']:visible", has_text="Begroting heel jaar"))
    elif followed.path == "budget":
        assert active_tab(page) == "Per project"
        picker = page.locator(".st-key-budget_project")
        assert focus and focus in selected(picker), selected(picker)
        assert in_view(page, picker)
        assert in_view(page, page.locator("[data-testid='stMetric']", has_text="Realisatie tot nu"))
        drift = page.locator(".st-key-budget_project_drift")
        if drift.count():  # a joint project: its funding drift (a drift exception's detail) too
            assert in_view(page, drift)
    elif followed.path == "projects":
        assert active_tab(page) == "Project"
        heading = page.locator("[data-testid='stMain'] h3", has_text=f"{focus}")
        assert in_view(page, heading), f"the card of {focus} is not on screen"
    elif followed.path == "trust":
        assert followed.params.get("dim")
        if followed.params.get("rater"):
            assert active_tab(page) == "Spiegel en perceptiekloof"
            assert in_view(page, page.locator("[data-testid='stAlert']", has_text="Geselecteerd"))
            assert in_view(page, page.locator("[data-testid='stVegaLiteChart']"))
        else:
            assert active_tab(page) == "Verloop"
        dimension = selected(page.locator(".st-key-trust_dimension"))
        assert "Totaal" not in dimension or followed.params["dim"] == "overall", dimension
    elif followed.path == "steering":
        # The overdue actions first, the clicked action on top (its number and title).
        assert followed.params.get("tab") == "overdue" and focus
        card = page.locator(".st-key-steering_overdue_focus")
        assert in_view(page, card), "the overdue action is not on screen"
        assert f"#{focus}" in card.inner_text()
    else:
        raise AssertionError(f"an exception led to an unexpected page: {followed.path} ({followed.href})")
    assert page.locator("[data-testid='stException']").count() == 0


def test_every_exception_link_lands_on_its_detail(meeting, app_url: str, output_dir: Path) -> None:
    open_overview(meeting, app_url)
    groups = meeting.locator("[data-testid='stExpander']").count()
    assert groups >= KINDS, f"expected a group per kind of exception, got {groups}"
    pages = set()
    for group in range(groups):
        followed = follow_exception(meeting, app_url, group)
        meeting.screenshot(path=str(output_dir / f"meeting-link-{group}-{followed.path}.png"))
        assert_detail_in_view(meeting, followed)
        pages.add(followed.path)
    assert pages == {"budget", "projects", "trust", "steering"}


MAIN = "document.querySelector('[data-testid=\"stMain\"]')"


def test_another_page_opens_at_its_top_and_a_filter_change_keeps_the_place(meeting, app_url: str) -> None:
    # Streamlit keeps the scroll offset across pages (ui.navigation.scroll_to_top_on_page_change).
    open_overview(meeting, app_url)
    assert meeting.evaluate("() => window.alignmentScrollsToTop === true")
    meeting.evaluate(f"() => {MAIN}.scrollTo(0, 600)")
    meeting.wait_for_function(f"() => {MAIN}.scrollTop > 0")
    # The query changes (as a filter change writes it): the place is kept.
    meeting.evaluate(
        "() => history.replaceState(history.state, '', location.pathname + location.search + '&x=1')"
    )
    assert meeting.evaluate(f"() => {MAIN}.scrollTop") > 0
    # The path changes (as a page opens): the main area goes to its top at once.
    meeting.evaluate("() => history.pushState(history.state, '', '/budget' + location.search)")
    assert meeting.evaluate(f"() => {MAIN}.scrollTop") == 0
    # And a real page change from far down the Overview: Budget from the sidebar.
    open_overview(meeting, app_url)
    meeting.evaluate(f"() => {MAIN}.scrollTo(0, {MAIN}.scrollHeight)")
    meeting.wait_for_function(f"() => {MAIN}.scrollTop > 0")
    meeting.locator("[data-testid='stSidebarNav'] a", has_text="Budget").click()
    meeting.wait_for_url(lambda url: urlparse(url).path.endswith("/budget"), timeout=60_000)
    wait_for_app(meeting)
    assert meeting.evaluate(f"() => {MAIN}.scrollTop") == 0


def test_a_clicked_tab_is_kept_in_the_link(meeting, app_url: str) -> None:
    """Tabs are bound to the URL by code: a copied link reopens the tab the user chose."""
    meeting.goto(f"{app_url}/trust?{MEETING_QUERY}")
    wait_for_app(meeting)
    assert active_tab(meeting) == "Spiegel en perceptiekloof"
    tiles = meeting.locator("[data-testid='stMetric']")
    assert tiles.count() == 0  # only the open tab is drawn: the trend's tiles are not sent yet
    meeting.locator("[data-testid='stTab']", has_text="Verloop").click()
    meeting.wait_for_url(lambda url: "tab=trend" in url, timeout=60_000)
    wait_for_app(meeting)
    assert active_tab(meeting) == "Verloop"
    tiles.first.wait_for(timeout=60_000)  # the trend tab, drawn after the click's rerun
    meeting.goto(meeting.url)
    wait_for_app(meeting)
    assert active_tab(meeting) == "Verloop"


ACTION_TITLE = "Forecast toelichten aan de directie"


def test_an_action_recorded_in_september_is_due_at_the_next_meeting(meeting, app_url: str) -> None:
    meeting.goto(f"{app_url}/steering?{MEETING_QUERY}")
    wait_for_app(meeting)
    form = meeting.locator("[data-testid='stForm']", has_text="Actie vastleggen")
    # The meeting month is September (the as-of month): no confirmation asked.
    assert "september 2026" in selected(meeting.locator(".st-key-steering_month")).lower()
    assert form.locator("[data-testid='stCheckbox']").count() == 0
    due = form.locator(".st-key-steering_a_due input")
    # default_due_date: the last day of the month after the meeting (the input may hold ISO).
    assert due.input_value() in {"31-10-2026", "2026-10-31"}, due.input_value()
    form.get_by_label("Titel").fill(ACTION_TITLE)
    form.get_by_label("Eigenaar (persoon)").fill("R. Visser")
    form.get_by_role("button", name="Actie vastleggen").click()
    meeting.locator("[data-testid='stAlertContentSuccess']").wait_for(timeout=60_000)
    wait_for_app(meeting)
    row = meeting.locator("tr", has=meeting.locator("td", has_text=ACTION_TITLE)).first
    row.wait_for(state="attached", timeout=60_000)
    assert "31-10-2026" in row.inner_text()
    assert meeting.locator("[data-testid='stException']").count() == 0


def overview_tiles(page, app_url: str) -> list[str]:
    """The texts of September's Overview tiles: name, value, change and status word."""
    open_overview(page, app_url)
    tiles = page.locator("[data-testid='stColumn']:has([data-testid='stMetric'])")
    tiles.first.wait_for()
    return [text.strip() for text in tiles.all_inner_texts()]


def test_a_target_changed_today_leaves_septembers_tiles_alone(meeting, app_url: str) -> None:
    before = overview_tiles(meeting, app_url)
    assert len(before) >= 10, before
    cpi_before = next(text for text in before if text.startswith("CPI"))
    assert "Op koers" not in cpi_before  # so a target that turns the CPI green would show

    meeting.goto(f"{app_url}/catalogue?{MEETING_QUERY}")
    wait_for_app(meeting)
    picker = meeting.locator("[data-testid='stSelectbox']").filter(has_text="KPI").first
    picker.wait_for(timeout=60_000)
    picker.click()
    meeting.keyboard.type("Kostenprestatie")
    meeting.get_by_role("option", name="Kostenprestatie-index (CPI)", exact=True).click()
    wait_for_app(meeting)
    assert "Kostenprestatie" in selected(meeting.locator(".st-key-catalogue_kpi"))
    form = meeting.locator("[data-testid='stForm']", has_text="Drempel opslaan")
    for key, value in (("green", "0.50"), ("amber", "0.40")):
        box = form.locator(f".st-key-catalogue_{key}_cpi input")
        box.fill(value)
        box.press("Tab")  # commit the value before the submit, also on a slow machine
        assert box.input_value() == value
    # In force from the current month (the form's default), not from September.
    form.get_by_role("button", name="Drempel opslaan").click()
    outcome = meeting.locator("[data-testid='stAlertContentSuccess'], [data-testid='stAlertContentError']")
    outcome.first.wait_for(timeout=180_000)  # a busy CI machine: sized generously
    assert meeting.locator("[data-testid='stAlertContentError']").count() == 0, outcome.first.inner_text()
    assert (
        "Eerdere maanden houden hun drempels"
        in meeting.locator("[data-testid='stAlertContentSuccess']").inner_text()
    )

    assert overview_tiles(meeting, app_url) == before
    assert meeting.locator("[data-testid='stException']").count() == 0
