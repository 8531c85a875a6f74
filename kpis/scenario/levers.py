"""Compatibility re-exports; import from domain.scenario."""

from domain.scenario import (  # noqa: F401
    ALL_JOINT,
    MAX_DELAY_MONTHS,
    SCALE_DIMENSIONS,
    SCALE_LIMITS,
    SHARE_TOLERANCE,
    BaselineFrames,
    Change,
    ScaleLever,
    Scenario,
    ScenarioError,
    describe_changes,
    lever_groups,
    needs_categories,
    restrict,
)
