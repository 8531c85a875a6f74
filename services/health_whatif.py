"""The maturity levels a what-if scenario would reach, beside the baseline's.

The baseline is the Alignment health profile of the as-of month (services.health_page,
`compute_month_profile`: the same profile as the page's, without its trends). A
scenario changes the inputs, never the stored data (kpis.scenario), so its profile is the
baseline's measures with those a lever moves replaced, scored by the same rules:
- funding balance: the baseline value plus the change in joint projects within their split at completion
  (kpis.budget.funding_balance of the projected spend's drift);
- the trust dimensions communication, benevolence and integrity: the scenario's trust target
  for that dimension, when one is set.
Every other measure no lever changes at the as-of month: spending, actuals and progress to date,
ownership, teams and meetings stay, and a delay moves only goals not yet due (a late goal
stays late), so insight goals on time stay too.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from domain.maturity import CRITERIA
from domain.scenario import Scenario
from i18n import translate
from kpis.common import KpiValue
from kpis.funding import funding_balance
from kpis.maturity import Profile, score_profile
from kpis.scenario.comparison import ScenarioFigures
from presentation.health import level_text
from services.health_page import TRUST_MEASURES, MonthProfile


def _shifted(value: KpiValue, before: KpiValue, after: KpiValue) -> KpiValue:
    """`value` moved by after − before (unchanged when either is n/a), kept within 0..1."""
    if value.value is None or before.value is None or after.value is None:
        return value
    return KpiValue(min(1.0, max(0.0, value.value + after.value - before.value)))


def scenario_values(
    view: MonthProfile, *, scenario: Scenario, baseline: ScenarioFigures, scenario_figures: ScenarioFigures
) -> dict[str, KpiValue]:
    """The as-of month's measure values under `scenario` (see the module docstring);
    `baseline` and `scenario_figures` are the what-if page's figures of both sets of frames."""
    values = {
        measure.rule.code: measure.value for score in view.profile.criteria for measure in score.measures
    }
    values["funding_balance"] = _shifted(
        values["funding_balance"],
        funding_balance(baseline.drift_at_completion),
        funding_balance(scenario_figures.drift_at_completion),
    )
    for measure, dimension in TRUST_MEASURES.items():
        if dimension in scenario.trust_targets:
            values[measure] = KpiValue(float(scenario.trust_targets[dimension]))
    return values


def scenario_profile(view: MonthProfile, values: Mapping[str, KpiValue]) -> Profile:
    """The profile of `values` by the rules in force at the as-of month."""
    return score_profile(values, view.rules)


def level_rows(view: MonthProfile, scenario: Profile, lang: str) -> pd.DataFrame:
    """criterion, baseline level, scenario level as text, the overall level last."""
    names = [translate(f"health.criterion.{code}", lang) for code in CRITERIA]
    overall = translate("health.whatif.overall", lang)
    return pd.DataFrame(
        {
            translate("health.col.criterion", lang): [*names, overall],
            translate("health.whatif.baseline", lang): [
                *(level_text(view.profile.criterion(code).level, lang) for code in CRITERIA),
                level_text(view.profile.level, lang),
            ],
            translate("health.whatif.scenario", lang): [
                *(level_text(scenario.criterion(code).level, lang) for code in CRITERIA),
                level_text(scenario.level, lang),
            ],
        }
    )
