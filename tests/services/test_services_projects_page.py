"""services.projects_page: the Projects page's figures on the demo data and on an empty database."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import Engine

from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from domain.filters import Filters
from services.projects_page import project_drill_down, project_fte, projects_page

FILTERS = Filters(as_of=DEMO_LAST_ACTUAL_MONTH, period_start=dt.date(DEMO_LAST_ACTUAL_MONTH.year, 1, 1))


@pytest.fixture(scope="module")
def page(demo_sqlite_engine: Engine):
    return projects_page(engine=demo_sqlite_engine, filters=FILTERS, lang="nl")


def test_the_demo_figures(page) -> None:
    assert {metric.label: metric.value for metric in page.metrics} == {
        "Gezamenlijk aandeel": "82%",
        "Gemengde teams": "82%",
        "FTE-balans (mediaan)": "82%",
        "Eigenaarschap helder": "83%",
        "Inzichtdoelen op tijd": "44%",
        "Waarde geleverd": "69%",
        "Tijd tot eerste inzicht": "403 dagen",
        "Doelen per € mln": "1,09",
    }
    assert page.metrics[0].caption == "19 van 23 projecten gezamenlijk gefinancierd"
    assert page.metrics[4].caption == "14 van 32 op tijd; 18 te laat of achterstallig"


def test_the_tables_and_lists(page) -> None:
    assert len(page.table) == 23  # P-024 and P-025 start in 2027, after the as-of month
    assert page.table.set_index("code").loc["P-009", "split"] == "Financiën 20% · IT 40% · Marketing 40%"
    assert len(page.shown_table(search="", joint_only=True, issues_only=False)) == 19
    assert len(page.late_goals) == 18 and len(page.ownership_issues) == 4
    assert page.exceptions["kind"].value_counts().to_dict() == {
        "Doel te laat": 18,
        "Team niet gemengd": 3,
        "Afwijking huisregel": 2,
        "Eigenaar ontbreekt": 1,
        "Dubbele eigenaar": 1,
    }
    assert page.funding_chart.limited is None and not page.funding_chart.data.empty
    assert page.department_options[0] == "" and {area.code for area in page.house_rule}


def test_a_department_filter_and_english(demo_sqlite_engine: Engine) -> None:
    finance = projects_page(
        engine=demo_sqlite_engine, filters=replace(FILTERS, departments=("FIN",)), lang="nl"
    )
    assert [metric.value for metric in finance.metrics][:3] == ["100%", "100%", "29%"]
    assert list(finance.project_labels) == ["P-009"]
    english = projects_page(engine=demo_sqlite_engine, filters=FILTERS, lang="en")
    assert english.metrics[6].value == "403 days" and english.metrics[7].value == "1.09"


def test_no_projects_gives_reasons_not_figures(demo_sqlite_engine: Engine) -> None:
    proposed = projects_page(
        engine=demo_sqlite_engine, filters=replace(FILTERS, statuses=("proposed",)), lang="nl"
    )
    assert {metric.value for metric in proposed.metrics} == {"n.v.t."}
    assert proposed.metrics[0].caption == "Geen projecten bij deze filters."
    assert proposed.project_labels == {} and proposed.table.empty


def test_the_drill_down(page, demo_sqlite_engine: Engine) -> None:
    fte = project_fte(engine=demo_sqlite_engine, filters=FILTERS, code="P-001")
    detail = project_drill_down(page, code="P-001", fte=fte)
    assert detail.status_line == "Actief · Gepland 01-01-2024 t/m 31-12-2026"
    assert detail.name == "Klantdataplatform (CDP)" and not detail.funding.empty
    assert detail.fte_chart is not None and not detail.goals.empty


def test_an_empty_database(empty_engine: Engine) -> None:
    empty = projects_page(engine=empty_engine, filters=FILTERS, lang="en")
    assert {metric.value for metric in empty.metrics} == {"n/a"}
    assert empty.fte_chart is None and empty.ownership_chart is None
