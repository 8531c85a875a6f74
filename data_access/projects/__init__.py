"""Project loaders, by role: portfolio (projects, status, goals, spend), funding, teams and
ownership; common holds what they share (portfolio conditions, memoised facts, the
month-by-month replay). Every name is importable from data_access.projects as before."""

from __future__ import annotations

from data_access.projects.common import _funding_split, portfolio_conditions, portfolio_projects
from data_access.projects.funding import load_funding_by_months, load_funding_by_project, load_funding_split
from data_access.projects.ownership import (
    _ownership,
    load_ownership,
    load_ownership_by_months,
    load_responsibility_areas,
    save_house_rule,
)
from data_access.projects.portfolio import (
    load_actual_spend_by_project,
    load_insight_goals,
    load_project_status,
    load_projects,
)
from data_access.projects.teams import (
    _active_in,
    load_fte_by_month,
    load_team_by_department,
    load_team_by_months,
)

__all__ = [
    "_active_in",
    "_funding_split",
    "_ownership",
    "load_actual_spend_by_project",
    "load_fte_by_month",
    "load_funding_by_months",
    "load_funding_by_project",
    "load_funding_split",
    "load_insight_goals",
    "load_ownership",
    "load_ownership_by_months",
    "load_project_status",
    "load_projects",
    "load_responsibility_areas",
    "load_team_by_department",
    "load_team_by_months",
    "portfolio_conditions",
    "portfolio_projects",
    "save_house_rule",
]
