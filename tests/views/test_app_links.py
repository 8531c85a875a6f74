"""AppTest: a link from the Overview lands: the page opens on the tab the link names, with the
project (or the survey dimension and direction) selected."""

from __future__ import annotations

from services.links import BUDGET, PROJECTS, TRUST
from tests.apptest_helpers import open_app


def _open(monkeypatch, url, page, query):
    at = open_app(monkeypatch, url, query={"lang": query.pop("lang", "nl")})
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_budget_link_opens_the_project_tab_with_the_project(monkeypatch, demo_sqlite_url) -> None:
    at = _open(monkeypatch, demo_sqlite_url, BUDGET, {"tab": "project", "focus": "P-004"})
    assert at.session_state["budget_tab"] == "Per project"
    assert at.selectbox(key="budget_project").value == "P-004"
    assert "focus" not in at.query_params  # applied once: the user may pick another project


def test_a_projects_link_opens_the_project_card(monkeypatch, demo_sqlite_url) -> None:
    at = _open(monkeypatch, demo_sqlite_url, PROJECTS, {"tab": "project", "focus": "P-007"})
    assert at.session_state["projects_tab"] == "Project"
    assert at.selectbox(key="projects_detail").value == "P-007"
    assert any(h.value.startswith("P-007") for h in at.subheader)


def test_a_trust_link_selects_the_dimension_and_the_direction(monkeypatch, demo_sqlite_url) -> None:
    query = {"tab": "mirror", "dim": "integrity", "rater": "MKT", "rated": "IT", "lang": "en"}
    at = _open(monkeypatch, demo_sqlite_url, TRUST, query)
    assert at.session_state["trust_tab"] == "Mirror and perception gap"
    assert at.selectbox(key="trust_dimension").value == "integrity"
    assert at.session_state["trust_focus"] == ("MKT", "IT")
    assert any("how Marketing rates IT" in i.value for i in at.info)


def test_a_stale_tab_opens_the_first_tab(monkeypatch, demo_sqlite_url) -> None:
    at = _open(monkeypatch, demo_sqlite_url, TRUST, {"tab": "nonsense"})
    assert at.session_state["trust_tab"] == "Spiegel en perceptiekloof"


def test_the_tab_survives_a_change_of_language(monkeypatch, demo_sqlite_url) -> None:
    at = _open(monkeypatch, demo_sqlite_url, BUDGET, {"tab": "drift"})
    assert at.session_state["budget_tab"] == "Financieringsdrift"
    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.session_state["budget_tab"] == "Funding drift"
