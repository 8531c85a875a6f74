"""AppTest: the Budget page shows the pure functions' figures for the demo data, in both languages."""

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from data_access.budget import load_budget_by_month
from data_access.demo import DEMO_LAST_ACTUAL_MONTH, DEMO_PLANTED
from i18n import load_catalog
from kpis.budget import frame_totals
from tests.apptest_helpers import ROOT, metric_values, open_app, open_tab

PAGE = "views/budget.py"
MODEL = ("services/budget_page.py", "services/budget_parts.py", "services/budget_drilldown.py")


def _table(at, key: str):
    (frame,) = [d.value for d in at.dataframe if d.proto.id and key in d.proto.id] or [None]
    return frame


def _all_text(at) -> str:
    parts = [m.value for m in at.metric] + [c.value for c in at.caption]
    for table in at.dataframe:
        parts += [str(v) for v in table.value.to_numpy().ravel()]
    return " ".join(parts)


@pytest.fixture
def budget_page(monkeypatch, demo_sqlite_url):
    return open_app(monkeypatch, demo_sqlite_url, page=PAGE)


def test_budget_page_shows_the_demo_figures(budget_page) -> None:
    """The demo's known figures at its last month with actuals (October 2026, from January)."""
    at = budget_page
    assert at.session_state["filters"].as_of == DEMO_LAST_ACTUAL_MONTH
    shown = metric_values(at)
    assert at.title[0].value == "Budgetrealisatie"
    assert shown["Budgetrealisatie"] == "104,7%"
    assert shown["Afwijking"] == "+4,7%"
    assert shown["Realisatie dit jaar"] == "104,7%"
    assert [m.value for m in at.metric if m.label == "CPI"][0] == "0,89"
    assert [m.value for m in at.metric if m.label == "SPI"][0] == "0,93"
    assert shown["Grootste drift"] == "15,1 pp"
    assert "3 van 19 gezamenlijke projecten buiten de marge" in [c.value for c in at.caption]
    text = _all_text(at)
    assert not [d for d in at.dataframe if "Gereed" in d.value.columns]  # hidden tabs are not sent
    open_tab(at, "earned_value")
    ev_shown = [d.value for d in at.dataframe if "Gereed" in d.value.columns]
    assert len(ev_shown) == 1 and len(ev_shown[0]) == 26  # 25 projects and the portfolio row
    assert "Geen voortgangsgegevens" in _all_text(at)  # P-018 has no progress data
    text += _all_text(at)
    open_tab(at, "drift")
    drift_shown = [
        d.value
        for d in at.dataframe
        if "Project" in d.value.columns and "Afgesproken aandeel" in d.value.columns
    ]
    assert len(drift_shown) == 1
    flagged_projects = {
        p.split(" · ")[0]
        for p, note in zip(drift_shown[0]["Project"], drift_shown[0]["Toelichting"], strict=True)
        if note == "Buiten de marge"
    }
    assert flagged_projects == set(DEMO_PLANTED["funding_drift"])
    text += _all_text(at)
    assert not re.search(r"\b(nan|NaN|inf)\b", text)
    assert not at.exception


def test_budget_page_in_english(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"lang": "en"}, page=PAGE)
    assert at.title[0].value == "Budget realisation"
    assert metric_values(at)["Budget realisation"] == "104.7%"
    assert [m.value for m in at.metric if m.label == "CPI"][0] == "0.89"
    open_tab(at, "earned_value")
    assert len([d.value for d in at.dataframe if "Complete" in d.value.columns][0]) == 26
    open_tab(at, "glossary")
    assert "CPI" in at.markdown[-1].value and "Earned value" in at.markdown[-1].value


def test_filters_change_the_figures(budget_page) -> None:
    at = budget_page
    assert metric_values(at)["Budgetrealisatie"] == "104,7%"
    at.multiselect(key="f_departments").set_value(["IT"]).run()
    assert not at.exception
    assert at.session_state["filters"].departments == ("IT",)
    assert metric_values(at)["Budgetrealisatie"] == "102,5%"


def test_group_by_and_project_drill_down(budget_page, demo_sqlite_engine) -> None:
    at = budget_page
    at.radio(key="budget_group_by").set_value("project").run()
    assert not at.exception
    table = [
        d.value for d in at.dataframe if "Project" in d.value.columns and "Realisatie" in d.value.columns
    ]
    by_project = load_budget_by_month(
        engine=demo_sqlite_engine, filters=at.session_state["filters"], by=("project",)
    )
    # the rows, then their total apart in a one-row table
    assert len(table) == 2 and list(table[1]["Project"]) == ["Totaal"]
    assert "Totaal" not in list(table[0]["Project"])
    assert len(table[0]) == by_project["project"].nunique()
    assert "Klantdataplatform (CDP)" in list(table[0]["Project"])
    open_tab(at, "project")
    at.selectbox(key="budget_project").set_value("P-001").run()
    assert not at.exception
    assert metric_values(at)["Realisatie tot nu"].startswith("120")  # planted: about 20% over plan
    at.selectbox(key="budget_project").set_value("P-018").run()  # no progress data
    assert not at.exception
    assert metric_values(at)["Gereed"] == "n.v.t."
    assert any(c.value == "Geen voortgangsgegevens: geen earned value." for c in at.caption)
    at.selectbox(key="budget_project").set_value("P-014").run()  # single-funded
    assert any("één afdeling" in c.value for c in at.caption)
    # Each tab's widgets keep their values while another tab is open (and not drawn).
    open_tab(at, "realisation")
    assert "budget_project" not in [s.key for s in at.selectbox]  # it lives in the hidden project tab
    assert at.radio(key="budget_group_by").value == "project"
    open_tab(at, "project")
    assert at.selectbox(key="budget_project").value == "P-014"


def test_every_text_key_of_the_page_exists() -> None:
    catalog = load_catalog()
    source = "\n".join((Path(ROOT) / path).read_text(encoding="utf-8") for path in (PAGE, *MODEL))
    used = set(re.findall(r"""\bt\(\s*["']([a-z0-9_.]+)["']""", source))
    used |= {f"budget.group.{name}" for name in ("department", "category", "project")}
    assert len(used) > 40
    assert sorted(key for key in used if key not in catalog) == []


def test_variance_table_sorts_as_numbers_with_the_total_apart(budget_page, demo_sqlite_engine) -> None:
    """Money and ratios are numeric columns (sorting "Begroot" sorts by value), the rows are
    ordered by the department names they show, and the total is a table of its own."""
    at = budget_page
    # the Realisation tab's pair comes first (the project tab has its own pair per dimension)
    tables = [d for d in at.dataframe if {"Afdeling", "Begroot (€)"} <= set(d.value.columns)][:2]
    assert len(tables) == 2
    rows, total = tables[0].value, tables[1].value
    for column in ("Begroot (€)", "Werkelijk (€)", "Afwijking €", "Afwijking %", "Realisatie"):
        assert pd.api.types.is_float_dtype(rows[column]), column
        assert pd.api.types.is_float_dtype(total[column]), column
    names = list(rows["Afdeling"])
    assert names == sorted(names, key=str.casefold) and "Totaal" not in names
    assert list(total["Afdeling"]) == ["Totaal"]
    grouped = load_budget_by_month(
        engine=demo_sqlite_engine, filters=at.session_state["filters"], by=("department",)
    )
    assert total["Begroot (€)"].iloc[0] == pytest.approx(frame_totals(grouped)["planned"])
    assert rows["Begroot (€)"].sum() == pytest.approx(total["Begroot (€)"].iloc[0])
    # the display format is set on the numeric columns
    config = json.loads(tables[0].proto.columns)
    assert config["Begroot (€)"]["type_config"]["format"] == "%'.,.0f"  # Dutch grouping in any browser
