"""services.whatif_page: the What-if page's names, baseline and answers on the demo data."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from domain.filters import Filters
from domain.scenario import ALL_JOINT, ScaleLever, Scenario
from kpis.scenario.comparison import figures
from services.whatif_page import remaining_by_category, whatif_answer, whatif_page

FILTERS = Filters(as_of=DEMO_LAST_ACTUAL_MONTH, period_start=dt.date(DEMO_LAST_ACTUAL_MONTH.year, 1, 1))
LEVERS = Scenario(
    split_targets={ALL_JOINT: {"IT": 0.5, "MKT": 0.5}},
    scale=(ScaleLever("department", "MKT", -10.0),),
    delays={"P-001": 2},
)


@pytest.fixture(scope="module")
def page(demo_sqlite_engine: Engine):
    return whatif_page(engine=demo_sqlite_engine, filters=FILTERS, lang="nl")


def _answer(page, scenario, baseline=None):
    baseline = baseline or page.baseline
    return whatif_answer(
        page,
        baseline=baseline,
        scenario=scenario,
        baseline_figures=figures(baseline, page.tolerance),
        lever_effects=[],
        start=FILTERS.period_start,
        lang="nl",
    )


def test_the_names_and_options(page) -> None:
    assert page.tolerance == 10.0
    assert page.departments == ("FIN", "IT", "MKT")
    assert page.dimensions == ("ability", "benevolence", "integrity", "communication", "strategy")
    assert page.project_labels[ALL_JOINT] == "Alle gezamenlijke projecten"
    assert page.project_labels["P-001"] == "P-001 · Klantdataplatform (CDP)"
    assert page.baseline_for(LEVERS, None) is page.baseline


def test_no_levers_compares_the_baseline_with_itself(page) -> None:
    answer = _answer(page, Scenario())
    comparison = answer.comparison.set_index("KPI")
    assert (
        comparison.loc["Budgetrealisatie dit jaar tot nu", "Werkelijkheid"] == "104,7%"
    )  # as on the Budget page
    assert (comparison["Werkelijkheid"] == comparison["Scenario"]).all()
    assert answer.changes == () and answer.effects is None
    assert answer.drift.empty and answer.goals.empty and len(answer.trust) == 5


def test_the_demo_levers(page) -> None:
    answer = _answer(page, LEVERS)
    comparison = answer.comparison.set_index("KPI")
    assert comparison.loc["Begroting heel jaar", "Scenario"] == "€ 7.640.658"
    assert comparison.loc["Begroting heel jaar", "Verschil"] == "−€ 140.735"
    assert comparison.loc["Inzichtdoelen nog te halen dit jaar", "Verschil"] == "−1"
    assert answer.changes == (
        "Marketing: resterend budget −10%",
        "Alle gezamenlijke projecten: resterende begroting verdeeld als IT 50% / Marketing 50%",
        "P-001 2 maanden later",
    )
    assert len(answer.drift) == 23 and len(answer.goals) == 1
    assert set(answer.plan_chart.data["series"]) >= {"baseline", "scenario"}


def test_a_category_lever_uses_the_plan_by_category(page, demo_sqlite_engine: Engine) -> None:
    scenario = Scenario(scale=(ScaleLever("category", "external", -50.0),))
    baseline = page.baseline_for(scenario, remaining_by_category(engine=demo_sqlite_engine, filters=FILTERS))
    assert baseline is not page.baseline
    comparison = _answer(page, scenario, baseline).comparison.set_index("KPI")
    assert comparison.loc["Begroting heel jaar", "Werkelijkheid"] == "€ 7.781.392"
    assert comparison.loc["Begroting heel jaar", "Scenario"] == "€ 7.637.168"
