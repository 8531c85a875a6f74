"""AppTest: the Alignment health page shows the page model's levels and figures, in Dutch and English."""

from __future__ import annotations

import json

from i18n.format import format_pct
from kpis.maturity import CRITERIA
from services.health import compute_health
from tests.apptest_helpers import open_app

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
