"""services.budget_page: the Budget page's figures on the demo data and on an empty database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import Engine

from data_access.demo import DEMO_LAST_ACTUAL_MONTH, DEMO_PLANTED
from domain.filters import Filters
from services.budget_drilldown import budget_project, project_budget
from services.budget_page import budget_by_group, budget_page

FILTERS = Filters(as_of=DEMO_LAST_ACTUAL_MONTH, period_start=dt.date(DEMO_LAST_ACTUAL_MONTH.year, 1, 1))


def _values(metrics) -> dict[str, str]:
    return {metric.label: metric.value for metric in metrics}


@pytest.fixture(scope="module")
def page(demo_sqlite_engine: Engine):
    return budget_page(engine=demo_sqlite_engine, filters=FILTERS, lang="nl")


def test_the_demo_figures(page) -> None:
    assert _values(page.realisation_metrics) == {
        "Budgetrealisatie": "104,7%",
        "Afwijking": "+4,7%",
        "Realisatie dit jaar": "104,7%",
        "Begroting heel jaar": "€\xa07,8\xa0mln",
    }
    assert _values(page.earned_value_metrics) == {
        "CPI": "0,89",
        "SPI": "0,93",
        "EAC": "€\xa022,2\xa0mln",
        "Grootste drift": "15,1 pp",
    }
    assert [metric.badge for metric in page.earned_value_metrics] == ["amber", "amber", None, "red"]
    assert page.earned_value_metrics[3].caption == "3 van 19 gezamenlijke projecten buiten de marge"
    assert _values(page.forecast_metrics)["Prognose run-rate"] == "€\xa08,6\xa0mln"
    assert page.forecast_metrics[2].delta == "+€ 781.519 t.o.v. plan"


def test_the_tables_and_chart_inputs(page, demo_sqlite_engine: Engine) -> None:
    assert len(page.ev_rows()) == 26  # 25 projects and the portfolio row
    assert page.ev_rows()["CPI"].iloc[-1] == "⚠ 0,89"
    by_department = budget_by_group(engine=demo_sqlite_engine, filters=FILTERS, group="department")
    total = page.variance(by_department, by="department").tables.total
    assert list(total["Afdeling"]) == ["Totaal"]
    assert total["Realisatie"].iloc[0] == pytest.approx(1.047251, abs=1e-6)
    drift = page.drift_project_rows()
    flagged = {
        label.split(" · ")[0]
        for label, note in zip(drift["Project"], drift["Toelichting"], strict=True)
        if note == "Buiten de marge"
    }
    assert flagged == set(DEMO_PLANTED["funding_drift"])
    assert page.drift_chart is not None and page.drift_chart_more is None
    assert set(page.portfolio_charts.series["series"]) == {"planned", "actual"}
    assert page.project_labels["P-001"] == "P-001 · Klantdataplatform (CDP)"


def test_a_department_filter_and_english(demo_sqlite_engine: Engine) -> None:
    it = budget_page(engine=demo_sqlite_engine, filters=replace(FILTERS, departments=("IT",)), lang="nl")
    assert it.realisation_metrics[0].value == "102,5%"
    english = budget_page(engine=demo_sqlite_engine, filters=FILTERS, lang="en")
    assert [metric.value for metric in english.realisation_metrics[:3]] == ["104.7%", "+4.7%", "104.7%"]


def _project(page, engine: Engine, code: str):
    return budget_project(
        page, code=code, project_frame=project_budget(engine=engine, filters=FILTERS, code=code)
    )


def test_the_project_drill_down(page, demo_sqlite_engine: Engine) -> None:
    over = _project(page, demo_sqlite_engine, "P-001")
    assert _values(over.metrics) == {
        "Realisatie tot nu": "120,5%",
        "Gereed": "94,7%",
        "CPI": "0,82",
        "SPI": "0,99",
    }
    assert over.drift_rows is not None and list(over.drift_rows["Afdeling"]) == ["IT", "Marketing"]
    assert [variance.by for variance in over.variance] == ["department", "category"]
    by_project = page.variance(
        budget_by_group(engine=demo_sqlite_engine, filters=FILTERS, group="project"), by="project"
    )
    assert "Klantdataplatform (CDP)" in list(by_project.tables.rows["Project"])
    no_progress = _project(page, demo_sqlite_engine, "P-018")
    assert no_progress.metrics[1].value == "n.v.t."
    assert no_progress.metrics[1].caption == "Geen voortgangsgegevens: geen earned value."
    single_funded = _project(page, demo_sqlite_engine, "P-014")
    assert single_funded.drift_rows is None


def test_an_empty_database_shows_not_available(empty_engine: Engine) -> None:
    empty = budget_page(engine=empty_engine, filters=FILTERS, lang="en")
    assert empty.project_codes == ()
    assert empty.realisation_metrics[0].value == "n/a"
    assert empty.realisation_metrics[0].delta is None and empty.realisation_metrics[0].caption
    assert empty.drift_chart is None
