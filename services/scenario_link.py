"""Compatibility re-exports; import from domain.scenario_link."""

from domain.scenario_link import (  # noqa: F401
    decode,
    encode,
    from_dict,
    from_json,
    to_dict,
    to_json,
)
