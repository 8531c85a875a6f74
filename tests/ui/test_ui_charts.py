"""ui.charts converts a chart once and sets its description and locale on the spec: what each
page sends must be what st.altair_chart sent for the same chart with the description and the
locale set on the Altair object (the way before), on every chart of every page with charts."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import altair as alt
import pandas as pd
import pytest
from streamlit.elements import vega_charts

import ui.charts
from charts.describe import describe_chart
from charts.theme import vega_locale
from services.links import PAGE_TABS
from tests.apptest_helpers import open_app, open_tab

CHART_PAGES = ["views/budget.py", "views/projects.py", "views/trust.py", "views/health.py", "views/whatif.py"]


def _through_altair_chart(chart: Any, *, description: str | None, lang: str, currency: str) -> dict[str, Any]:
    """The spec st.altair_chart builds (Streamlit's own conversion, with validation) for `chart`
    with its description and locale set on the Altair object."""
    text = description or describe_chart(chart.to_dict(validate=False), lang=lang)
    described = chart.properties(description=text)
    config = described.config.copy(deep=False) if described.config is not alt.Undefined else alt.Config()
    config.locale = vega_locale(lang, currency=currency)
    described = described.copy(deep=False)
    described.config = config
    return vega_charts._convert_altair_to_vega_lite_spec(described)


def _canonical(spec: dict[str, Any]) -> dict[str, Any]:
    """`spec` with each dataset named by its content: the two conversions name them differently."""
    spec = dict(spec)
    datasets = spec.pop("datasets", {})
    text = json.dumps(spec, sort_keys=True)
    named = {}
    for name, payload in datasets.items():
        content = f"data-{hashlib.sha256(payload).hexdigest()}"
        text = text.replace(name, content)
        named[content] = payload
    return {**json.loads(text), "datasets": named}


@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("page", CHART_PAGES)
def test_every_chart_on_the_page_is_sent_as_st_altair_chart_sent_it(monkeypatch, demo_sqlite_url, page, lang):
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
    convert = ui.charts.vega_lite_spec

    def recorded(chart: Any, **kwargs: Any) -> dict[str, Any]:
        spec = convert(chart, **kwargs)
        pairs.append((spec, _through_altair_chart(chart, **kwargs)))
        return spec

    monkeypatch.setattr(ui.charts, "vega_lite_spec", recorded)
    at = open_app(monkeypatch, demo_sqlite_url, page=page, query={"lang": lang})
    charts = 0
    for tab in PAGE_TABS.get(page, (None,)):  # only the open tab is drawn
        if tab is not None:
            pairs.clear()
            open_tab(at, tab)
        _check_sent(at.get("vega_lite_chart"), pairs, lang=lang)
        charts += len(pairs)
    assert charts, page


def _check_sent(sent, pairs, *, lang: str) -> None:  # noqa: ANN001
    assert len(sent) == len(pairs)
    for spec, reference in pairs:
        assert _canonical(spec) == _canonical(reference)
    # Both go into the same Streamlit call (which adds its own sizing to the spec), so what the
    # elements carry is the same; check that they carry these specs: in the page's order, not
    # the calls', each with its description and its datasets as Arrow bytes beside it.
    shown = [json.loads(element.proto.spec) for element in sent]
    assert sorted(spec["description"] for spec in shown) == sorted(spec["description"] for spec, _ in pairs)
    assert all(spec["config"]["locale"] == vega_locale(lang, currency="EUR") for spec in shown)
    sent_data = sorted(dataset.name for element in sent for dataset in element.proto.datasets)
    assert sent_data == sorted(name for spec, _ in pairs for name in spec["datasets"])


def test_altair_s_globals_are_left_as_they_were() -> None:
    """A meeting pack made at the same time converts with Altair's defaults (rows inline)."""
    frame = pd.DataFrame({"month": ["2026-01"], "amount": [1.5]})
    chart = alt.Chart(frame).mark_bar().encode(x="month:O", y="amount:Q")
    before = (alt.theme.active, alt.data_transformers.active)
    spec = ui.charts.vega_lite_spec(chart, description=None, lang="nl", currency="EUR")
    assert (alt.theme.active, alt.data_transformers.active) == before == ("default", "default")
    assert "view" not in spec["config"]  # the default theme's fixed size is not in what is sent
    inline = chart.to_dict()
    assert inline["config"]["view"]["continuousWidth"] == 300
    assert [row["amount"] for rows in inline["datasets"].values() for row in rows] == [1.5]
