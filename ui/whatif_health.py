"""The what-if page's table of the maturity levels a scenario would reach, beside the baseline."""

from __future__ import annotations

import streamlit as st

from domain.filters import Filters
from domain.scenario import BaselineFrames, Scenario
from kpis.scenario.comparison import ScenarioFigures, figures
from kpis.scenario.transforms import apply_scenario
from services.health_page import compute_month_profile
from services.health_whatif import level_rows, scenario_profile, scenario_values
from ui.data import cached
from ui.i18n import lang, t
from ui.survey import survey_min_group


def render_health_levels(
    filters: Filters,
    *,
    scenario: Scenario,
    baseline: BaselineFrames,
    baseline_figures: ScenarioFigures,
    tolerance: float,
) -> None:
    """A small table: per Luftman criterion the baseline level and the scenario's.

    Shown on request (a toggle): the profile costs about one Overview month on a filter
    change, which the what-if page otherwise does not pay (bench: `make bench`)."""
    st.subheader(t("health.whatif.title"))
    if not st.toggle(t("health.whatif.show"), key="whatif_health_show"):
        return
    view = cached(compute_month_profile, filters=filters, min_group=survey_min_group().value)
    scenario_frames = apply_scenario(baseline, scenario)
    scenario_figures = (
        baseline_figures if scenario_frames is baseline else figures(scenario_frames, tolerance)
    )
    profile = scenario_profile(
        view,
        scenario_values(
            view, scenario=scenario, baseline=baseline_figures, scenario_figures=scenario_figures
        ),
    )
    st.dataframe(level_rows(view, profile, lang()), hide_index=True, key="whatif_health")
    st.caption(t("health.whatif.caption"))
