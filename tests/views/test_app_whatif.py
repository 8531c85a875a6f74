"""AppTest: the What-if page shows the pure functions' figures, keeps the scenario in the URL,
saves and reopens scenarios, and never changes the stored data."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import Float, Integer, Numeric, func, select

from access.roles import User
from data_access.engine import create_db_engine
from data_access.models import Base
from data_access.scenarios import load_saved_scenarios, save_scenario
from domain.scenario import ALL_JOINT, ScaleLever, Scenario
from domain.scenario_link import decode, encode
from tests.apptest_helpers import open_app

PAGE = "views/whatif.py"
LEVERS = Scenario(
    split_targets={ALL_JOINT: {"IT": 0.5, "MKT": 0.5}},
    scale=(ScaleLever("department", "MKT", -10.0),),
    delays={"P-001": 2},
)


def _comparison(at):
    (frame,) = [
        d.value for d in at.dataframe if "Werkelijkheid" in d.value.columns or "Baseline" in d.value.columns
    ]
    return frame


# The demo at October 2026 (from January): the baseline's figures, and the scenario LEVERS.
BASELINE_NL = [
    "104,7%",
    "€ 7.781.392",
    "€ 8.216.970",
    "€ 435.577",
    "€ 19.820.000",
    "0,89",
    "€ 22.188.918",
    "−€ 2.368.918",
    "15,1 pp",
    "14,4 pp",
    "84,2%",
    "43,8%",
    "8",
]
LEVERS_NL = [
    "104,7%",
    "€ 7.640.658",
    "€ 8.053.396",
    "€ 412.738",
    "€ 19.779.429",
    "0,89",
    "€ 22.190.200",
    "−€ 2.410.771",
    "15,1 pp",
    "14,4 pp",
    "84,2%",
    "43,8%",
    "7",
]
LEVERS_CHANGE_EN = [
    "±0.0 pp",
    "−€140,735",
    "−€163,574",
    "−€22,839",
    "−€40,571",
    "±0.00",
    "+€1,282",
    "−€41,853",
    "±0.0 pp",
    "±0.0 pp",
    "±0.0 pp",
    "±0.0 pp",
    "−1",
]


def _changes(at) -> str:
    return " ".join(m.value for m in at.markdown)


def _set_levers(at) -> None:
    at.multiselect(key="wi_split_projects").set_value([ALL_JOINT]).run()
    at.selectbox(key="wi_cut_department").set_value("MKT").run()
    at.multiselect(key="wi_delay_projects").set_value(["P-001"]).run()


@pytest.fixture
def writable_url(demo_sqlite_engine, tmp_path) -> str:
    """A copy of the demo database that a test may write to."""
    target = tmp_path / "whatif.db"
    # The backup API, not a file copy: the demo database runs in WAL mode.
    source, copy = sqlite3.connect(demo_sqlite_engine.url.database), sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close()
    copy.close()
    return f"sqlite:///{target}"


def test_page_opens_with_the_baseline_on_both_sides(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    assert at.title[0].value == "Wat-als-scenario's"
    shown = _comparison(at)
    assert list(shown["Werkelijkheid"]) == BASELINE_NL
    assert (shown["Werkelijkheid"] == shown["Scenario"]).all()
    assert any("opgeslagen gegevens veranderen nooit" in i.value for i in at.info)
    assert "scn" not in at.query_params
    assert not at.exception


def test_levers_change_the_figures_and_the_url(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    _set_levers(at)
    assert not at.exception
    shown = _comparison(at)
    assert list(shown["Werkelijkheid"]) == BASELINE_NL and list(shown["Scenario"]) == LEVERS_NL
    by_kpi = shown.set_index("KPI")
    assert by_kpi.loc["Begroting heel jaar", "Verschil"].startswith("−€")
    assert by_kpi.loc["Budgetrealisatie dit jaar tot nu", "Verschil"] == "±0,0 pp"
    changes = _changes(at)
    assert "P-001 2 maanden later" in changes
    assert "Marketing: resterend budget −10%" in changes
    assert "Alle gezamenlijke projecten" in changes
    assert (
        decode(
            at.query_params["scn"][0] if isinstance(at.query_params["scn"], list) else at.query_params["scn"]
        )
        == LEVERS
    )
    assert at.query_params["asof"] in ("2026-10", ["2026-10"])


def test_a_category_lever_loads_the_plan_by_category(
    monkeypatch, demo_sqlite_engine, demo_sqlite_url
) -> None:
    """The page loads the remaining plan by category only for a category lever; with one,
    the figures equal those of the full baseline."""
    from data_access.reference import load_categories

    category = str(load_categories(engine=demo_sqlite_engine)["code"].iloc[0])
    scenario = Scenario(scale=(ScaleLever("category", category, -20.0),))
    at = open_app(monkeypatch, demo_sqlite_url, query={"scn": encode(scenario)}, page=PAGE)
    assert not at.exception
    shown = _comparison(at)
    assert list(shown["Werkelijkheid"]) == BASELINE_NL  # the full baseline's figures
    assert not (shown["Werkelijkheid"] == shown["Scenario"]).all()


def test_a_shared_link_reproduces_the_scenario(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"scn": encode(LEVERS), "lang": "en"}, page=PAGE)
    assert at.multiselect(key="wi_delay_projects").value == ["P-001"]
    assert at.selectbox(key="wi_cut_department").value == "MKT"
    assert at.number_input(key="wi_share_IT").value == 50.0
    assert "P-001 2 months later" in _changes(at)
    assert list(_comparison(at)["Change"]) == LEVERS_CHANGE_EN
    assert not at.warning


@pytest.mark.parametrize(
    "param", ["not-base64!", encode(Scenario(delays={"P-999": 2})), encode(Scenario())[:-1] + "#"]
)
def test_an_invalid_link_gives_a_notice_and_the_empty_scenario(monkeypatch, demo_sqlite_url, param) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, query={"scn": param}, page=PAGE)
    assert at.warning, "no notice for an unreadable scenario"
    assert at.multiselect(key="wi_delay_projects").value == []
    assert (_comparison(at)["Werkelijkheid"] == _comparison(at)["Scenario"]).all()
    assert not at.exception


def test_trust_target_shows_the_gap(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    at.number_input(key="wi_trust_ability").set_value(80.0).run()
    (trust,) = [d.value for d in at.dataframe if "Dimensie" in d.value.columns]
    row = trust.set_index("Dimensie").loc["Bekwaamheid"]
    index = float(row["Index"].replace(",", "."))
    assert row["Doel"] == "80"
    assert float(row["Afstand tot doel"].replace(",", ".").replace("+", "")) == pytest.approx(
        80 - index, abs=0.06
    )
    assert "Vertrouwensdoel Bekwaamheid: 80" in _changes(at)


def _table_fingerprint(url: str) -> dict[str, tuple]:
    """Row count and the sum of every numeric column of every table except the audit trail."""
    engine = create_db_engine(url)
    fingerprint = {}
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name == "audit_log":
                continue
            numeric = [c for c in table.columns if isinstance(c.type, Integer | Float | Numeric)]
            row = conn.execute(select(func.count(), *[func.sum(c) for c in numeric]).select_from(table)).one()
            fingerprint[table.name] = tuple(row)
    engine.dispose()
    return fingerprint


def test_save_reopen_delete_and_the_stored_data_never_changes(monkeypatch, writable_url) -> None:
    before = _table_fingerprint(writable_url)
    at = open_app(monkeypatch, writable_url, page=PAGE)
    _set_levers(at)
    at.number_input(key="wi_trust_integrity").set_value(75.0).run()
    at.text_input(key="wi_save_name").input("IT betaalt de helft").run()
    at.button(key="whatif_save").click().run()
    assert not at.exception
    assert any("opgeslagen" in s.value for s in at.success)
    engine = create_db_engine(writable_url)
    saved = load_saved_scenarios(engine=engine)
    assert list(saved["name"]) == ["IT betaalt de helft"] and list(saved["author"]) == ["local"]
    new_id = int(saved.loc[0, "id"])
    assert at.query_params["scenario"] in (str(new_id), [str(new_id)])
    assert "scn" not in at.query_params

    fresh = open_app(monkeypatch, writable_url, query={"scenario": str(new_id)}, page=PAGE)
    assert fresh.multiselect(key="wi_delay_projects").value == ["P-001"]
    assert fresh.number_input(key="wi_trust_integrity").value == 75.0
    assert "P-001 2 maanden later" in _changes(fresh)
    by_name = open_app(monkeypatch, writable_url, query={"scenario": "IT betaalt de helft"}, page=PAGE)
    assert by_name.selectbox(key="wi_cut_department").value == "MKT"
    missing = open_app(monkeypatch, writable_url, query={"scenario": "999"}, page=PAGE)
    assert missing.warning and missing.multiselect(key="wi_delay_projects").value == []

    fresh.selectbox(key="wi_open").set_value(new_id).run()
    fresh.button(key="whatif_delete").click().run()
    assert not fresh.exception
    assert load_saved_scenarios(engine=engine).empty
    engine.dispose()
    assert _table_fingerprint(writable_url) == before


def test_only_the_author_or_an_editor_may_delete(monkeypatch, writable_url) -> None:
    engine = create_db_engine(writable_url)
    new_id = save_scenario(engine=engine, user=User("alice", None, "cmo"), name="Alice's", scenario=LEVERS)
    bob = User("bob", None, "viewer")
    monkeypatch.setattr("ui.auth.current_user", lambda: bob)
    monkeypatch.setattr("ui.whatif.current_user", lambda: bob)
    at = open_app(monkeypatch, writable_url, page=PAGE)
    at.selectbox(key="wi_open").set_value(new_id).run()
    assert at.button(key="whatif_delete").disabled
    assert at.button(key="whatif_save").disabled  # viewers save nothing (README, rights table)
    assert not at.button(key="whatif_open").disabled
    at.button(key="whatif_open").click().run()
    assert at.multiselect(key="wi_delay_projects").value == ["P-001"]
    assert len(load_saved_scenarios(engine=engine)) == 1
    engine.dispose()


def test_each_lever_on_its_own_and_one_click_resets(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    _set_levers(at)
    assert not at.exception
    (effects,) = [d.value for d in at.dataframe if "Samen" in d.value.columns]
    # One column per lever (the cut, the split, the delay) between the KPI and the combined change.
    assert len(effects.columns) == 5
    assert list(effects.columns)[1:4] == ["Marketing −10%", "Financieringsverdeling", "Vertraging"]
    at.button(key="whatif_reset").click().run()
    assert not at.exception
    assert at.multiselect(key="wi_delay_projects").value == []
    assert at.multiselect(key="wi_split_projects").value == []
    assert at.selectbox(key="wi_cut_department").value == ""
    assert (_comparison(at)["Werkelijkheid"] == _comparison(at)["Scenario"]).all()
    assert "scn" not in at.query_params
    assert not [d for d in at.dataframe if "Samen" in d.value.columns]


def test_a_split_lever_never_changes_the_past_or_the_agreement(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    at.multiselect(key="wi_split_projects").set_value(["P-002"]).run()
    at.number_input(key="wi_share_IT").set_value(40.0).run()
    at.number_input(key="wi_share_MKT").set_value(60.0).run()
    assert not at.exception
    by_kpi = _comparison(at).set_index("KPI")
    assert by_kpi.loc["Grootste drift tot nu", "Verschil"] == "±0,0 pp"


def test_split_lever_shows_inputs_only_for_the_chosen_departments(monkeypatch, demo_sqlite_url) -> None:
    """Departments are picked from a list; a share input appears for each chosen one only
    (sixty inputs in a column are unreadable)."""
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    chosen = at.multiselect(key="wi_split_departments")
    assert set(chosen.options) >= {"Marketing", "IT", "Financiën"}
    shown = {n.key for n in at.number_input if n.key and n.key.startswith("wi_share_")}
    assert shown == {f"wi_share_{code}" for code in chosen.value}
    at.multiselect(key="wi_split_departments").set_value([*chosen.value, "FIN"]).run()
    assert not at.exception
    assert "wi_share_FIN" in {n.key for n in at.number_input}
    at.multiselect(key="wi_split_departments").set_value(["FIN"]).run()
    assert {n.key for n in at.number_input if n.key and n.key.startswith("wi_share_")} == {"wi_share_FIN"}
