"""Targets fall back to defaults, are stored with who and when, and every change is audited."""

import pytest

from data_access.audit import load_audit_trail
from data_access.engine import read_data_version
from data_access.targets import load_targets, save_target
from domain.targets import DEFAULT_TARGETS, Target


def test_targets_default_then_stored_with_audit(empty_engine) -> None:
    assert load_targets(engine=empty_engine) == DEFAULT_TARGETS
    save_target(
        engine=empty_engine, kpi="cpi", target=Target(green=0.9, amber=0.8), user_name="cio@example.nl"
    )
    assert load_targets(engine=empty_engine)["cpi"] == Target(green=0.9, amber=0.8)
    assert load_targets(engine=empty_engine)["spi"] == DEFAULT_TARGETS["spi"]
    trail = load_audit_trail(engine=empty_engine, entity="kpi_target")
    assert len(trail) == 1
    assert trail.iloc[0]["user_name"] == "cio@example.nl"
    assert '"green": 0.95' in trail.iloc[0]["old_values"] and '"green": 0.9' in trail.iloc[0]["new_values"]
    assert read_data_version(empty_engine) == 1


def test_unknown_kpi_or_flipped_direction_is_refused(empty_engine) -> None:
    with pytest.raises(KeyError):
        save_target(engine=empty_engine, kpi="nope", target=Target(green=1, amber=0), user_name="x")
    with pytest.raises(ValueError, match="direction"):
        save_target(
            engine=empty_engine, kpi="cpi", target=Target(green=5, amber=10, direction="lower"), user_name="x"
        )
    assert load_audit_trail(engine=empty_engine).empty
