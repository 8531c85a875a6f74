"""The project and cost-category filters live in the URL like the other global filters."""

from __future__ import annotations

from data_access.budget import load_budget_totals
from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from tests.apptest_helpers import open_app


def _param(at, name: str) -> str | None:
    value = at.query_params.get(name)
    if isinstance(value, list):
        return ",".join(value)
    return value


def test_project_and_category_from_the_url(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    at = open_app(
        monkeypatch, demo_sqlite_url, query={"project": "P-001,P-003", "cat": "external", "dept": "IT"}
    )
    filters = at.session_state["filters"]
    assert filters.projects == ("P-001", "P-003")
    assert filters.categories == ("external",)
    assert filters.departments == ("IT",)
    assert at.multiselect(key="f_projects").value == ["P-001", "P-003"]
    assert at.multiselect(key="f_categories").value == ["external"]
    assert not at.warning
    totals = load_budget_totals(engine=demo_sqlite_engine, filters=filters)
    everything = load_budget_totals(
        engine=demo_sqlite_engine, filters=type(filters)(filters.as_of, filters.period_start)
    )
    assert 0 < totals["planned"] < everything["planned"]


def test_widgets_write_the_url(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"keep": "me"})
    at.multiselect(key="f_projects").set_value(["P-002"]).run()
    at.multiselect(key="f_categories").set_value(["personnel", "external"]).run()
    assert not at.exception
    assert at.session_state["filters"].projects == ("P-002",)
    assert _param(at, "project") == "P-002"
    assert _param(at, "cat") == "personnel,external"
    assert _param(at, "keep") == "me"  # a page's own parameter survives the filters
    at.multiselect(key="f_projects").set_value([]).run()
    assert _param(at, "project") is None


def test_invalid_project_and_category_give_a_notice_and_defaults(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(
        monkeypatch, demo_sqlite_url, query={"project": "P-001,NOPE", "cat": "<script>", "asof": "x"}
    )
    assert at.warning
    notice = at.warning[0].value
    assert "project" in notice and "cat" in notice and "asof" in notice
    filters = at.session_state["filters"]
    assert filters.projects == ("P-001",)
    assert filters.categories == ()
    assert filters.as_of == DEMO_LAST_ACTUAL_MONTH
    assert not at.exception
