"""Compatibility re-exports; import from domain.targets."""

from domain.targets import (  # noqa: F401
    DEFAULT_TARGETS,
    Rag,
    Target,
    TargetVersion,
    rag,
    targets_in_force,
    with_default_band,
)
