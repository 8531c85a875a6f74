"""The maturity levels a what-if scenario would reach: on the demo data, and on the what-if page."""

from __future__ import annotations

import pandas as pd
import pytest

from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from data_access.scenarios import load_scenario_baseline
from data_access.targets import load_targets
from domain.filters import Filters
from domain.maturity import CRITERIA
from domain.scenario import ALL_JOINT, Scenario
from kpis.funding import funding_balance
from kpis.scenario.comparison import figures
from kpis.scenario.transforms import apply_scenario
from services.health_page import compute_health, compute_month_profile, criterion_rows
from services.health_whatif import level_rows, scenario_profile, scenario_values
from tests.apptest_helpers import open_app


@pytest.fixture(scope="module")
def demo(demo_sqlite_engine):
    filters = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH)
    view = compute_month_profile(engine=demo_sqlite_engine, filters=filters, min_group=5)
    baseline = load_scenario_baseline(engine=demo_sqlite_engine, filters=filters, with_categories=False)
    tolerance = load_targets(engine=demo_sqlite_engine, as_of=filters.as_of)["funding_drift_pp"].green
    return view, baseline, tolerance


def test_the_month_profile_is_the_pages_profile(demo, demo_sqlite_engine) -> None:
    view = demo[0]
    page = compute_health(engine=demo_sqlite_engine, filters=Filters.year_to_date(view.as_of), min_group=5)
    pd.testing.assert_frame_equal(criterion_rows(view.profile), criterion_rows(page.profile))
    assert (view.profile.level, view.profile.confidence) == (page.profile.level, page.profile.confidence)


def _profile(demo, scenario: Scenario):
    view, baseline, tolerance = demo
    base = figures(baseline, tolerance)
    moved = figures(apply_scenario(baseline, scenario), tolerance)
    values = scenario_values(view, scenario=scenario, baseline=base, scenario_figures=moved)
    return values, scenario_profile(view, values)


def test_no_levers_reach_the_baseline_levels(demo) -> None:
    view = demo[0]
    _, profile = _profile(demo, Scenario())
    assert [profile.criterion(c).level for c in CRITERIA] == [
        view.profile.criterion(c).level for c in CRITERIA
    ]
    assert profile.level == view.profile.level


def test_a_trust_target_moves_the_trust_measures_and_their_criterion(demo) -> None:
    view = demo[0]
    values, profile = _profile(demo, Scenario(trust_targets={"communication": 95.0}))
    assert values["trust_communication"].value == 95.0
    before = next(
        m for m in view.profile.criterion("communications").measures if m.rule.code == "trust_communication"
    )
    assert before.level < 5
    after = next(
        m for m in profile.criterion("communications").measures if m.rule.code == "trust_communication"
    )
    assert after.level == 5
    # Every other criterion stays where it was.
    for code in CRITERIA:
        if code != "communications":
            assert profile.criterion(code).level == view.profile.criterion(code).level


def test_a_split_lever_moves_the_funding_balance_and_a_delay_not_goals_on_time(demo) -> None:
    view, baseline, _ = demo
    base_values, _ = _profile(demo, Scenario())
    split = Scenario(split_targets={ALL_JOINT: {"MKT": 0.95, "IT": 0.05}})
    moved, _ = _profile(demo, split)
    # The baseline value moved by the change the what-if page computes at completion.
    change = (
        funding_balance(figures(apply_scenario(baseline, split), demo[2]).drift_at_completion).value
        - funding_balance(figures(baseline, demo[2]).drift_at_completion).value
    )
    assert change != 0
    assert moved["funding_balance"].value == pytest.approx(base_values["funding_balance"].value + change)
    # A delay moves only goals not yet due: a late goal stays late at the as-of month.
    projects = tuple(baseline.goals["project"].unique())
    delayed, _ = _profile(demo, Scenario(delays={code: 12 for code in projects}))
    assert delayed["goals_on_time"] == base_values["goals_on_time"]


def test_level_rows_end_with_the_overall_level(demo) -> None:
    view = demo[0]
    _, profile = _profile(demo, Scenario())
    rows = level_rows(view, profile, "en")
    assert list(rows.columns) == ["Criterion", "Level now", "Level in the scenario"]
    assert rows.iloc[-1].tolist() == ["Overall (weakest criterion)", f"Level {view.profile.level}"] * 1 + [
        f"Level {profile.level}"
    ]


def test_whatif_page_shows_the_maturity_levels(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page="views/whatif.py")
    filters = at.session_state["filters"]
    view = compute_month_profile(engine=demo_sqlite_engine, filters=filters, min_group=5)
    baseline = load_scenario_baseline(engine=demo_sqlite_engine, filters=filters, with_categories=False)
    tolerance = load_targets(engine=demo_sqlite_engine, as_of=filters.as_of)["funding_drift_pp"].green
    _, expected = _profile((view, baseline, tolerance), Scenario(trust_targets={"communication": 95.0}))
    assert expected.criterion("communications").level != view.profile.criterion("communications").level

    assert not [d for d in at.dataframe if "Niveau nu" in d.value.columns]  # on request only
    at.toggle(key="whatif_health_show").set_value(True).run()

    def table():
        [frame] = [d.value for d in at.dataframe if "Niveau nu" in d.value.columns]
        return frame.set_index("Criterium")

    assert (
        table().loc["Communicatie"].tolist()
        == [f"Niveau {view.profile.criterion('communications').level}"] * 2
    )
    at.number_input(key="wi_trust_communication").set_value(95.0).run()
    assert not at.exception
    assert table().loc["Communicatie"].tolist() == [
        f"Niveau {view.profile.criterion('communications').level}",
        f"Niveau {expected.criterion('communications').level}",
    ]
