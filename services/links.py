"""Where a line or tile of the Overview leads: the page, its tab and what to select there.

One place for every link of the steering meeting. A link is a page path and the page's own
query parameters (the global filters are added by the caller):
- `tab`: the code of the tab to open (each page maps codes to its translated labels);
- `focus`: the project to select and show at the top of that tab (on the Steering page: the
  id of the overdue action to show at the top, with `tab=overdue`);
- `dim`, `rater`, `rated`: the survey dimension and the direction (rating department →
  rated department) to select on the Trust page.
Pure: no Streamlit; the pages read these parameters (ui.tabs, ui.filters.apply_focus).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kpis.exceptions import ExceptionItem

BUDGET, PROJECTS, TRUST, STEERING = (
    "views/budget.py",
    "views/projects.py",
    "views/trust.py",
    "views/steering.py",
)
TAB_PARAM = "tab"
FOCUS_PARAM = "focus"
DIMENSION_PARAM = "dim"
RATER_PARAM = "rater"
RATED_PARAM = "rated"

# The tab codes of each page, in the order the page shows them (the first is the default).
BUDGET_TABS = ("realisation", "earned_value", "forecast", "drift", "project", "glossary")
PROJECTS_TABS = ("portfolio", "project", "funding", "teams", "ownership", "goals")
TRUST_TABS = ("mirror", "trend", "items", "reliability", "response", "comments")
PAGE_TABS = {BUDGET: BUDGET_TABS, PROJECTS: PROJECTS_TABS, TRUST: TRUST_TABS}
# The Steering page has no tabs: `tab=overdue` puts its overdue actions first.
STEERING_OVERDUE = "overdue"

# Exception kind -> (page, tab); the project of the exception is the focus.
EXCEPTION_TARGETS: dict[str, tuple[str, str | None]] = {
    "over_budget": (BUDGET, "project"),
    "behind_schedule": (BUDGET, "project"),
    "forecast_overrun": (BUDGET, "forecast"),
    "funding_drift": (BUDGET, "project"),
    "house_rule_breach": (PROJECTS, "project"),
    "missing_owner": (PROJECTS, "project"),
    "double_owner": (PROJECTS, "project"),
    "unmixed_team": (PROJECTS, "project"),
    "late_goal": (PROJECTS, "project"),
    "trust_drop": (TRUST, "trend"),
    "overdue_action": (STEERING, STEERING_OVERDUE),
}

# Overview tile code -> (page, tab).
TILE_TARGETS: dict[str, tuple[str, str | None]] = {
    "budget_realisation": (BUDGET, "realisation"),
    "budget_forecast": (BUDGET, "forecast"),
    "forecast_ratio": (BUDGET, "forecast"),
    "cpi": (BUDGET, "earned_value"),
    "funding_balance": (BUDGET, "drift"),
    "joint_share": (PROJECTS, "funding"),
    "goals_on_time": (PROJECTS, "goals"),
    "mixed_teams": (PROJECTS, "teams"),
    "ownership_clarity": (PROJECTS, "ownership"),
    "follow_through": (STEERING, None),
    "trust_index": (TRUST, "trend"),
    "perception_gap": (TRUST, "mirror"),
}


@dataclass(frozen=True)
class DetailLink:
    """A page and the page's own query parameters (tab, focus, dimension, direction)."""

    page: str
    params: dict[str, str] = field(default_factory=dict)


def _link(page: str, tab: str | None, **params: str | None) -> DetailLink:
    wanted = {TAB_PARAM: tab} | params
    return DetailLink(page, {name: str(value) for name, value in wanted.items() if value})


def exception_link(item: ExceptionItem) -> DetailLink:
    """The detail of one exception.

    Budget and project rules: the project's tab of the page, that project in focus. A trust
    drop: the dimension that dropped; in the mirror (rater → rated) the Mirror tab with that
    direction, else the Trend tab. An overdue action: the steering page with the overdue
    actions first and that action (its id) on top. An unknown kind falls back on the item's
    own page.
    """
    if item.kind == "trust_drop":
        dimension = str(item.values.get("dimension") or item.subject)
        rater, rated = item.values.get("rater"), item.values.get("rated")
        if rater and rated:
            return _link(
                TRUST,
                "mirror",
                **{DIMENSION_PARAM: dimension, RATER_PARAM: str(rater), RATED_PARAM: str(rated)},
            )
        return _link(TRUST, "trend", **{DIMENSION_PARAM: dimension})
    page, tab = EXCEPTION_TARGETS.get(item.kind, (item.page, None))
    if item.kind == "overdue_action":
        action = item.values.get("action")
        return _link(page, tab, **{FOCUS_PARAM: None if action is None else str(action)})
    return _link(page, tab, **{FOCUS_PARAM: item.project})


def tile_link(code: str) -> DetailLink | None:
    """The detail of an Overview tile (its page and tab); None for a tile without one."""
    target = TILE_TARGETS.get(code)
    return None if target is None else _link(*target)


def tab_code(page: str, requested: str | None) -> str:
    """The tab code to open on `page` for the `tab` parameter `requested`: the page's first
    tab when it is missing or not one of the page's tabs (a crafted or stale link)."""
    tabs = PAGE_TABS[page]
    return requested if requested in tabs else tabs[0]
