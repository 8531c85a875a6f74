"""The What-if page's model: the names and baseline the levers need (`whatif_page`, per
filters and language) and the answer to a scenario (`whatif_answer`, pure, per lever change).

Stored data never changes: a scenario transforms the baseline frames in memory (kpis.scenario).
No Streamlit here: views/whatif.py lays the model out, ui/whatif_levers.py draws the levers and
ui/whatif.py keeps the session's lever state and its per-session memo of figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

import pandas as pd
from sqlalchemy import Engine

from data_access.reference import load_categories, load_departments, load_projects_list
from data_access.scenarios import load_remaining_by_category, load_scenario_baseline
from data_access.survey import load_survey_dimensions
from data_access.targets import load_targets
from domain.filters import Filters
from domain.scenario import ALL_JOINT, Scenario, describe_changes, needs_categories
from i18n.format import DEFAULT_CURRENCY
from kpis.projects import labels_of_projects
from kpis.scenario.comparison import (
    LeverEffect,
    ScenarioFigures,
    compare,
    drift_effects,
    figures,
    goal_effects,
    plan_delta,
    plan_series,
    trust_gaps,
)
from kpis.scenario.transforms import BaselineFrames, apply_scenario, default_split
from presentation.charts import ChartInput
from presentation.whatif import (
    change_texts,
    comparison_rows,
    drift_effect_rows,
    goal_effect_rows,
    lever_effect_rows,
    lever_label,
    trust_rows,
)
from presentation.words import Words
from services.instrument import dimension_codes
from services.instrument import dimension_names as dimension_names_in


@dataclass(frozen=True)
class WhatifPage:
    caption: str
    tolerance: float  # the funding-drift tolerance in points, at the as-of month
    departments: tuple[str, ...]
    department_names: Mapping[str, str]
    category_names: Mapping[str, str]
    project_names: Mapping[str, str]
    project_labels: Mapping[str, str]  # "all joint projects" and code → "code · name"
    dimensions: tuple[str, ...]
    dimension_names: Mapping[str, str]
    baseline: BaselineFrames  # without the remaining plan by category (see `baseline_for`)
    default_shares: Mapping[str, float]

    def baseline_for(self, scenario: Scenario, remaining_by_category: pd.DataFrame | None) -> BaselineFrames:
        """The baseline a scenario needs: with the remaining plan by category when it scales a category."""
        if remaining_by_category is None or not needs_categories(scenario):
            return self.baseline
        return replace(self.baseline, remaining_by_category=remaining_by_category)


@dataclass(frozen=True)
class WhatifAnswer:
    """The scenario against the baseline: each table whole and in compact amounts (the page
    shows the compact one when the whole one does not fit beside the levers)."""

    comparison: pd.DataFrame
    comparison_compact: pd.DataFrame
    changes: tuple[str, ...]
    effects: pd.DataFrame | None  # None when the scenario has fewer than two levers
    effects_compact: pd.DataFrame | None
    plan_chart: ChartInput
    delta_chart: ChartInput
    drift: pd.DataFrame
    goals: pd.DataFrame
    trust: pd.DataFrame


def _names(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    return dict(zip(frame[key].tolist(), frame[value].tolist(), strict=True))


def whatif_page(*, engine: Engine, filters: Filters, lang: str) -> WhatifPage:
    """The What-if page's names, options and baseline for `filters` in `lang`."""
    words = Words(lang)
    projects = _names(load_projects_list(engine=engine), "code", "name")
    instrument = load_survey_dimensions(engine=engine)
    departments = load_departments(engine=engine)
    baseline = load_scenario_baseline(engine=engine, filters=filters, with_categories=False)
    return WhatifPage(
        caption=words.t("whatif.caption", as_of=words.month(filters.as_of)),
        tolerance=load_targets(engine=engine, as_of=filters.as_of)["funding_drift_pp"].green,
        departments=tuple(departments["code"]),
        department_names=_names(departments, "code", f"name_{lang}"),
        category_names=_names(load_categories(engine=engine), "code", f"name_{lang}"),
        project_names=projects,
        # Each project's label made once: both project lists format every one of their options.
        project_labels={ALL_JOINT: words.t("whatif.all_joint")}
        | labels_of_projects(projects, [code for code in projects if code != ALL_JOINT]),
        dimensions=tuple(dimension_codes(instrument)),
        dimension_names=dimension_names_in(instrument, lang),
        baseline=baseline,
        default_shares=default_split(baseline.funding),
    )


def remaining_by_category(*, engine: Engine, filters: Filters) -> pd.DataFrame:
    """The remaining plan by category (only a scenario that scales a category needs it)."""
    return load_remaining_by_category(engine=engine, filters=filters)


def whatif_answer(
    page: WhatifPage,
    *,
    baseline: BaselineFrames,
    scenario: Scenario,
    baseline_figures: ScenarioFigures,
    lever_effects: list[LeverEffect],
    start: dt.date,
    lang: str,
    currency: str = DEFAULT_CURRENCY,
) -> WhatifAnswer:
    """`scenario` applied to `baseline` and compared with it; `baseline_figures` and
    `lever_effects` come in computed (the page keeps them per session)."""
    words = Words(lang, currency)
    tolerance = page.tolerance
    scenario_frames = apply_scenario(baseline, scenario)
    # No lever that changes a frame (none, or trust targets only): the scenario's frames are the
    # baseline's, so its figures are the baseline's (computed once).
    scenario_figures = (
        baseline_figures if scenario_frames is baseline else figures(scenario_frames, tolerance)
    )
    rows = compare(baseline_figures, scenario_figures, tolerance=tolerance)
    department_names = dict(page.department_names)
    category_names = dict(page.category_names)
    effects = effects_compact = None
    if lever_effects:
        lever_labels = [
            lever_label(
                effect.scenario, department_names=department_names, category_names=category_names, lang=lang
            )
            for effect in lever_effects
        ]
        effects, effects_compact = (
            lever_effect_rows(
                rows, lever_effects, lever_labels=lever_labels, lang=lang, currency=currency, compact=compact
            )
            for compact in (False, True)
        )
    series = plan_series(baseline, scenario_frames, start=start)
    return WhatifAnswer(
        comparison=comparison_rows(rows, lang, currency=currency, compact=False),
        comparison_compact=comparison_rows(rows, lang, currency=currency, compact=True),
        changes=tuple(
            change_texts(
                describe_changes(scenario),
                department_names=department_names,
                category_names=category_names,
                dimension_names=dict(page.dimension_names),
                lang=lang,
            )
        ),
        effects=effects,
        effects_compact=effects_compact,
        plan_chart=ChartInput(
            series,
            {
                "labels": {
                    name: words.t(f"whatif.series.{name}") for name in ("baseline", "scenario", "actual")
                },
                "title": words.t("whatif.chart.title"),
                "x_title": words.t("budget.chart.month"),
                "y_title": words.t("whatif.chart.amount", currency=words.currency_symbol()),
                "legend_title": words.t("budget.chart.series"),
            },
        ),
        delta_chart=ChartInput(
            plan_delta(series),
            {
                "title": words.t("whatif.chart.delta_title"),
                "x_title": words.t("budget.chart.month"),
                "y_title": words.t("whatif.chart.delta"),
            },
        ),
        drift=drift_effect_rows(
            drift_effects(baseline_figures, scenario_figures, tolerance=tolerance),
            project_names=dict(page.project_names),
            department_names=department_names,
            lang=lang,
        ),
        goals=goal_effect_rows(
            goal_effects(baseline, scenario_frames), project_names=dict(page.project_names), lang=lang
        ),
        trust=trust_rows(
            trust_gaps(baseline.trust, scenario.trust_targets),
            dimension_names=dict(page.dimension_names),
            lang=lang,
        ),
    )
