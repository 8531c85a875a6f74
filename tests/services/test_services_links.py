"""Where each exception and tile of the Overview leads (services.links), and the query
strings the Overview builds from it (ui.links)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qsl

import pytest

from domain.filters import Filters
from kpis.exceptions import PAGES, ExceptionItem
from services.links import (
    BUDGET,
    PAGE_TABS,
    PROJECTS,
    STEERING,
    TRUST,
    DetailLink,
    exception_link,
    tab_code,
    tile_link,
)
from ui.filters import filter_params
from ui.links import link_params, link_queries

# The forecast overrun is about the whole year budget, not one project: it opens the forecast tab.
PROJECT_KINDS = [
    kind for kind, page in PAGES.items() if page in (BUDGET, PROJECTS) and kind != "forecast_overrun"
]
TILES = [
    "budget_realisation",
    "cpi",
    "funding_balance",
    "joint_share",
    "goals_on_time",
    "mixed_teams",
    "ownership_clarity",
    "follow_through",
    "trust_index",
    "perception_gap",
]


@pytest.mark.parametrize("kind", PROJECT_KINDS)
def test_a_project_exception_opens_the_project_tab_with_the_project_in_focus(kind: str) -> None:
    link = exception_link(ExceptionItem(kind, "P-007", "P-007"))
    assert link.page == PAGES[kind]
    assert link.params == {"tab": "project", "focus": "P-007"}
    assert "project" in PAGE_TABS[link.page]


def test_a_forecast_overrun_opens_the_budget_forecast_tab() -> None:
    link = exception_link(ExceptionItem("forecast_overrun", None, "2026", {"year": 2026}))
    assert link == DetailLink(BUDGET, {"tab": "forecast"})


def test_a_mirror_drop_selects_the_dimension_and_the_direction() -> None:
    item = ExceptionItem(
        "trust_drop",
        None,
        "integrity",
        {"change": -6.0, "p": 0.01, "dimension": "integrity", "rater": "MKT", "rated": "IT"},
    )
    assert exception_link(item) == DetailLink(
        TRUST, {"tab": "mirror", "dim": "integrity", "rater": "MKT", "rated": "IT"}
    )


def test_an_overall_drop_opens_the_trend_of_its_dimension() -> None:
    item = ExceptionItem("trust_drop", None, "ability", {"change": -4.0, "p": 0.02, "dimension": "ability"})
    assert exception_link(item) == DetailLink(TRUST, {"tab": "trend", "dim": "ability"})


def test_an_overdue_action_opens_the_steering_page_on_that_action() -> None:
    link = exception_link(ExceptionItem("overdue_action", None, "Plan", {"days": 3, "action": 12}))
    assert link == DetailLink(STEERING, {"tab": "overdue", "focus": "12"})
    # Without the action's id (an older item), the overdue list still comes first.
    link = exception_link(ExceptionItem("overdue_action", None, "Plan", {"days": 3}))
    assert link == DetailLink(STEERING, {"tab": "overdue"})


@pytest.mark.parametrize("code", TILES)
def test_every_tile_leads_to_a_tab_of_its_page(code: str) -> None:
    link = tile_link(code)
    assert link is not None
    if link.page in PAGE_TABS:
        assert link.params["tab"] in PAGE_TABS[link.page]
    else:
        assert link.params == {}
    assert tile_link("no_such_tile") is None


def test_a_missing_or_unknown_tab_opens_the_first() -> None:
    assert tab_code(BUDGET, None) == "realisation"
    assert tab_code(BUDGET, "<script>") == "realisation"
    assert tab_code(TRUST, "comments") == "comments"
    assert tab_code(TRUST, None) == "mirror"


def test_the_table_links_carry_the_same_parameters_as_the_line_links() -> None:
    filters = Filters(
        as_of=dt.date(2026, 9, 1),
        period_start=dt.date(2026, 3, 1),
        departments=("IT", "MKT"),
        statuses=("active",),
    )
    links = [
        DetailLink(BUDGET, {"tab": "project", "focus": "P-001"}),
        DetailLink(STEERING, {}),
        DetailLink(PROJECTS, {"tab": "project", "focus": "P 2&x"}),
    ]
    queries = link_queries(links, filters)
    assert [dict(parse_qsl(query)) for query in queries] == [link_params(link, filters) for link in links]
    assert link_params(links[0], filters) == filter_params(filters) | {"tab": "project", "focus": "P-001"}
