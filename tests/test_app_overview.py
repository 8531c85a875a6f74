"""AppTest: the Overview shows the pure functions' figures for the demo data, in both languages."""

import pytest

from data_access.budget import load_budget_totals
from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from data_access.projects import load_funding_by_project, load_insight_goals
from data_access.survey import load_trust_groups, load_waves
from i18n.format import format_number, format_pct
from kpis.budget import realisation
from kpis.periods import Filters
from kpis.portfolio import goals_on_time, joint_share
from kpis.trust import latest_wave_trust
from tests.apptest_helpers import metric_values, open_app


def expected_tiles(engine, filters: Filters, lang: str) -> dict[str, str]:
    totals = load_budget_totals(engine=engine, filters=filters)
    waves = load_waves(engine=engine, filters=filters)
    trust = latest_wave_trust(
        waves, load_trust_groups(engine=engine, filters=filters, wave_ids=list(waves["id"]))
    )
    labels = {
        "nl": ("Budgetrealisatie", "Gezamenlijk aandeel", "Vertrouwensindex", "Inzichtdoelen op tijd"),
        "en": ("Budget realisation", "Joint share", "Trust index", "Insight goals on time"),
    }[lang]
    return {
        labels[0]: format_pct(realisation(**totals).value, lang, decimals=1),
        labels[1]: format_pct(
            joint_share(load_funding_by_project(engine=engine, filters=filters)).value, lang
        ),
        labels[2]: format_number(trust.current.index.value, lang, decimals=1),
        labels[3]: format_pct(
            goals_on_time(
                load_insight_goals(engine=engine, filters=filters), as_of_end=filters.as_of_end
            ).value,
            lang,
        ),
    }


def test_overview_shows_the_demo_kpis(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url)
    filters = at.session_state["filters"]
    assert filters.as_of == DEMO_LAST_ACTUAL_MONTH
    assert filters.period_start.month == 1 and filters.period_start.year == filters.as_of.year
    shown = metric_values(at)
    assert shown == expected_tiles(demo_sqlite_engine, filters, "nl")
    assert all(any(ch.isdigit() for ch in value) for value in shown.values())
    assert at.title[0].value == "Overzicht"


def test_overview_in_english_from_the_url(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"lang": "en"})
    assert at.title[0].value == "Overview"
    assert metric_values(at) == expected_tiles(demo_sqlite_engine, at.session_state["filters"], "en")


def test_filters_change_the_figures(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url)
    before = metric_values(at)
    at.multiselect(key="f_departments").set_value(["IT"]).run()
    assert not at.exception
    filters = at.session_state["filters"]
    assert filters.departments == ("IT",)
    after = metric_values(at)
    assert after == expected_tiles(demo_sqlite_engine, filters, "nl")
    assert after["Budgetrealisatie"] != before["Budgetrealisatie"]
    assert at.query_params["dept"] == ["IT"] or at.query_params["dept"] == "IT"


def test_small_department_alone_shows_no_trust_score(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"dept": "FIN"})
    assert metric_values(at)["Vertrouwensindex"] == "n.v.t."
    assert any("Te weinig respondenten" in c.value for c in at.caption)


def test_invalid_link_values_fall_back_with_a_notice(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"asof": "1999-13", "dept": "NOPE", "lang": "xx"})
    assert at.warning and "asof" in at.warning[0].value and "dept" in at.warning[0].value
    assert at.session_state["filters"].departments == ()
    assert at.session_state["filters"].as_of == DEMO_LAST_ACTUAL_MONTH


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_wrong_database_url_gives_a_clear_message(monkeypatch, lang) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.apptest_helpers import ROOT

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://alice:s3cret-pw@127.0.0.1:1/align")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    assert at.error, "no error shown"
    page_text = " ".join([e.value for e in at.error] + [c.value for c in at.caption])
    assert "s3cret-pw" not in page_text
    assert "127.0.0.1:1" in page_text
