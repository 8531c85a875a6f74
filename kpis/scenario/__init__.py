"""What-if scenarios: levers (kpis.scenario.levers) transform the small baseline frames
(kpis.scenario.transforms), never the stored data, and the same KPI functions run on both
(kpis.scenario.comparison). The link codec lives in services.scenario_link.

Compatibility re-exports; import from kpis.scenario.levers, .transforms, .comparison and
services.scenario_link.
"""

from __future__ import annotations

import importlib

from kpis.scenario.comparison import (
    KPIS,
    ComparisonRow,
    KpiDefinition,
    LeverEffect,
    ScenarioFigures,
    compare,
    drift_effects,
    figures,
    goal_effects,
    goal_status,
    goals_due_rest_of_year,
    lever_effect,
    lever_effects,
    plan_delta,
    plan_series,
    trust_gaps,
)
from kpis.scenario.levers import (
    ALL_JOINT,
    MAX_DELAY_MONTHS,
    SCALE_DIMENSIONS,
    SCALE_LIMITS,
    SHARE_TOLERANCE,
    Change,
    ScaleLever,
    Scenario,
    ScenarioError,
    describe_changes,
    lever_groups,
    needs_categories,
    restrict,
)
from kpis.scenario.transforms import (
    BaselineFrames,
    apply_scenario,
    default_split,
    delay_projects,
    line_frame,
    projected_spend,
    resolve_split_targets,
    scale_remaining,
    split_remaining,
    year_frame,
)

# The link codec moved to services/; resolved on first use so that kpis imports nothing from services.
_LINK_NAMES = ("to_dict", "from_dict", "to_json", "from_json", "encode", "decode")

__all__ = [
    "ALL_JOINT",
    "KPIS",
    "MAX_DELAY_MONTHS",
    "SCALE_DIMENSIONS",
    "SCALE_LIMITS",
    "SHARE_TOLERANCE",
    "BaselineFrames",
    "Change",
    "ComparisonRow",
    "KpiDefinition",
    "LeverEffect",
    "ScaleLever",
    "Scenario",
    "ScenarioError",
    "ScenarioFigures",
    "apply_scenario",
    "compare",
    "default_split",
    "delay_projects",
    "describe_changes",
    "drift_effects",
    "figures",
    "goal_effects",
    "goal_status",
    "goals_due_rest_of_year",
    "lever_effect",
    "lever_effects",
    "lever_groups",
    "line_frame",
    "needs_categories",
    "plan_delta",
    "plan_series",
    "projected_spend",
    "resolve_split_targets",
    "restrict",
    "scale_remaining",
    "split_remaining",
    "trust_gaps",
    "year_frame",
    *_LINK_NAMES,
]


def __getattr__(name: str) -> object:
    if name in _LINK_NAMES:
        return getattr(importlib.import_module("services.scenario_link"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
