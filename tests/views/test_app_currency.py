"""The organisation's currency (ORG_CURRENCY=CHF) on the Budget page and the Overview: every
amount, header and chart locale in Swiss francs, no euro sign anywhere."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest_helpers import open_app

BUDGET = "views/budget.py"


def _shown_texts(at: AppTest) -> list[str]:
    """Every text the run shows: metrics (label, value, delta, help), captions, markdown,
    plain text, headings and every header and cell of every table."""
    texts: list[str] = []
    for metric in at.metric:
        texts += [metric.label, metric.value, metric.proto.delta, metric.proto.help]
    for kind in ("caption", "markdown", "text", "subheader", "title", "info", "warning", "success"):
        texts += [str(element.value) for element in at.get(kind)]
    for table in at.dataframe:
        frame = table.value
        texts += [str(column) for column in frame.columns]
        texts += [str(value) for value in frame.astype(str).to_numpy().ravel()]
    return texts


def _chart_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


@pytest.fixture
def chf(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("ORG_CURRENCY", "CHF")
    return monkeypatch


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_budget_page_in_swiss_francs(chf, demo_sqlite_url, lang: str) -> None:
    at = open_app(chf, demo_sqlite_url, query={"lang": lang}, page=BUDGET)
    texts = _shown_texts(at)
    assert not [text for text in texts if "€" in text]
    assert not [text for text in texts if "euro" in text.lower()]
    values = [metric.value for metric in at.metric]
    assert any(value.startswith("CHF\u00a0") for value in values), values
    caption = "Bedragen in Zwitserse frank" if lang == "nl" else "Amounts in Swiss francs"
    assert any(caption in text for text in texts)
    planned = "Begroot (CHF)" if lang == "nl" else "Planned (CHF)"
    assert any(planned in [str(c) for c in table.value.columns] for table in at.dataframe)
    specs = _chart_specs(at)
    assert specs, "the page shows charts"
    for spec in specs:
        locale = spec["config"]["locale"]["number"]
        assert locale["currency"] == ["CHF\u00a0", ""]


def test_overview_in_swiss_francs(chf, demo_sqlite_url) -> None:
    at = open_app(chf, demo_sqlite_url)
    texts = _shown_texts(at)
    assert any("CHF" in text for text in texts)
    assert not [text for text in texts if "€" in text]


def test_without_a_setting_the_budget_page_keeps_the_euro(monkeypatch, demo_sqlite_url) -> None:
    monkeypatch.delenv("ORG_CURRENCY", raising=False)
    at = open_app(monkeypatch, demo_sqlite_url, page=BUDGET)
    assert any(metric.value.startswith("€\u00a0") for metric in at.metric)
    assert not [text for text in _shown_texts(at) if "CHF" in text]


def test_budget_page_follows_an_april_fiscal_year(monkeypatch, demo_sqlite_url) -> None:
    monkeypatch.setenv("ORG_FISCAL_YEAR_START", "4")
    at = open_app(monkeypatch, demo_sqlite_url, query={"lang": "en"}, page=BUDGET)
    filters = at.session_state["filters"]
    assert filters.fiscal_year_start_month == 4
    assert filters.period_start.month == 4  # the sidebar's "from" opens at the fiscal year's start
    assert filters.year_start == filters.period_start
    start = filters.year_start.year
    label = f"FY {start}/{(start + 1) % 100:02d}"
    helps = [metric.proto.help for metric in at.metric]
    assert any(label in text for text in helps), helps
    texts = _shown_texts(at)
    assert any(f"March {start + 1}" in text for text in texts)  # the forecast runs to March
