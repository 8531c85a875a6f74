"""AppTest: the Alignment health page shows the page model's levels and figures, in Dutch and English."""

from __future__ import annotations

import json
import sqlite3

from data_access.audit import load_audit_trail
from data_access.engine import create_db_engine
from data_access.maturity_rules import load_maturity_rule_versions
from domain.maturity import CRITERIA
from i18n.format import format_pct
from services.health_page import compute_health
from tests.apptest_helpers import open_app
from tests.auth_fixtures import PEOPLE, auth_secrets, signed_in

PAGE = "views/health.py"


def _texts(at) -> str:
    return "\n".join([t.value for t in at.text] + [c.value for c in at.caption])


def test_health_page_in_dutch_and_english(monkeypatch, demo_sqlite_engine, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=PAGE)
    filters = at.session_state["filters"]
    view = compute_health(engine=demo_sqlite_engine, filters=filters, min_group=5)
    assert at.title[0].value.startswith("Afstemming")
    labels = [expander.label for expander in at.expander]
    for code, name in zip(
        CRITERIA, ("Communicatie", "Waarde meten", "Besturing", "Partnerschap"), strict=False
    ):
        level = view.profile.criterion(code).level
        assert any(label.startswith(f"{name}: Niveau {level}") for label in labels), (code, labels)
    assert any(label.startswith("Scope en architectuur: Niveau") for label in labels)
    # The figures behind skills: mixed teams as the Overview shows it, the returners measure without data.
    mixed = next(m for m in view.profile.criterion("skills").measures if m.rule.code == "mixed_teams")
    tables = "\n".join(frame.value.to_json(force_ascii=False) for frame in at.dataframe)
    assert format_pct(mixed.value.value, "nl") in tables
    assert "De gegevens leggen niet vast" in tables
    texts = _texts(at)
    assert f"Totaal: niveau {view.profile.level}" in texts
    assert "geen oorzaak en gevolg" in texts
    charts = [json.dumps(chart.proto.spec) for chart in at.get("arrow_vega_lite_chart")] or [
        str(chart.proto) for chart in at.get("vega_lite_chart")
    ]
    assert len(charts) >= 3
    for wave in view.trust_delivery["wave_code"]:
        assert wave in tables

    at.radio(key="lang").set_value("en").run()
    assert not at.exception
    assert at.title[0].value.startswith("Alignment health")
    labels = [expander.label for expander in at.expander]
    assert any(label.startswith("Scope and architecture: Level") for label in labels)
    texts = _texts(at)
    assert f"Overall: level {view.profile.level}" in texts
    assert "not cause and effect" in texts
    assert "5 waves" in texts


def test_catalogue_shows_the_rules_and_an_editor_saves_a_version(
    monkeypatch, demo_sqlite_engine, tmp_path
) -> None:
    path = tmp_path / "demo-copy.db"
    source, target = sqlite3.connect(demo_sqlite_engine.url.database), sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    engine = create_db_engine(f"sqlite:///{path}")
    at = open_app(monkeypatch, f"sqlite:///{path}", page="views/catalogue.py", query={"lang": "en"})
    rules = at.dataframe[1].value  # right after the KPI table
    assert "Mixed teams" in set(rules["Measure"])
    assert "≥ 50% · 65% · 80% · 90%" in set(rules["Thresholds to level 2 · 3 · 4 · 5"])
    assert not [n for n in at.number_input if n.key.startswith("maturity_rules")]  # opens on request
    at.toggle(key="maturity_rules_edit").set_value(True).run()
    at.selectbox(key="maturity_rules_measure").set_value("mixed_teams").run()
    at.number_input(key="maturity_rules_mixed_teams_t2").set_value(40.0)
    [button] = [b for b in at.button if b.label == "Save rule"]
    button.click().run()
    assert not at.exception
    assert any("Rule for Mixed teams saved" in s.value for s in at.success)
    [version] = load_maturity_rule_versions(engine=engine)
    assert version.thresholds == {"mixed_teams": (0.4, 0.65, 0.8, 0.9)}
    assert load_audit_trail(engine=engine, entity="maturity_rule")["user_name"].tolist() == ["local"]
    [saved] = [
        d.value for d in at.dataframe if "Changed by" in d.value.columns and "Measure" in d.value.columns
    ]
    assert saved.iloc[0].tolist()[1:3] == ["Mixed teams", "≥ 40% · 65% · 80% · 90%"]
    # Descending thresholds are refused and write nothing.
    at.number_input(key="maturity_rules_mixed_teams_t3").set_value(10.0)
    [button] = [b for b in at.button if b.label == "Save rule"]
    button.click().run()
    assert any("ascend" in e.value for e in at.error)
    assert len(load_maturity_rule_versions(engine=engine)) == 1
    engine.dispose()


def test_a_viewer_sees_the_rules_but_no_editor(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(
        monkeypatch,
        demo_sqlite_url,
        secrets=auth_secrets(),
        user=signed_in(PEOPLE["viewer"]),
        page="views/catalogue.py",
        query={"lang": "en"},
    )
    assert "Mixed teams" in set(at.dataframe[1].value["Measure"])
    assert not [toggle for toggle in at.toggle if toggle.key == "maturity_rules_edit"]
    assert not [n for n in at.number_input if n.key.startswith("maturity_rules")]
