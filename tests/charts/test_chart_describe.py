"""Every chart on a page carries a text alternative: a sentence naming its title and axes."""

from __future__ import annotations

import json

import altair as alt
import pandas as pd
import pytest

from charts.describe import describe_chart
from tests.apptest_helpers import each_tab, open_app

FRAME = pd.DataFrame(
    {"month": ["2026-01-01", "2026-02-01"], "amount": [1.0, 2.0], "kind": ["plan", "actual"]}
)


def test_a_chart_is_described_by_its_title_and_axes_in_both_languages() -> None:
    chart = (
        alt.Chart(FRAME, title="Budget per month")
        .mark_bar()
        .encode(x=alt.X("month:O", title="Month"), y=alt.Y("amount:Q", title="Amount (€)"))
    )
    assert (
        describe_chart(chart.to_dict(), lang="en")
        == "Chart: Budget per month. Horizontal: Month. Vertical: Amount (€)."
    )
    assert (
        describe_chart(chart.to_dict(), lang="nl")
        == "Grafiek: Budget per month. Horizontaal: Month. Verticaal: Amount (€)."
    )


def test_layers_and_untitled_charts() -> None:
    bars = (
        alt.Chart(FRAME)
        .mark_bar()
        .encode(x=alt.X("month:O", title="Month"), y=alt.Y("amount:Q", title="Spent"))
    )
    line = (
        alt.Chart(FRAME)
        .mark_line()
        .encode(x=alt.X("month:O", title="Month"), y=alt.Y("amount:Q", title="Plan"))
    )
    layered = alt.layer(bars, line).properties(title=alt.TitleParams("Spend against plan"))
    assert describe_chart(layered.to_dict(), lang="en") == (
        "Chart: Spend against plan. Horizontal: Month. Vertical: Spent, Plan."
    )
    bare = alt.Chart(FRAME).mark_point().encode(x="month:O", y="amount:Q")
    assert describe_chart(bare.to_dict(), lang="en") == "Chart."


@pytest.mark.parametrize(
    "page", ["views/budget.py", "views/projects.py", "views/trust.py", "views/whatif.py"]
)
def test_every_chart_on_the_page_has_a_description(monkeypatch, demo_sqlite_url, page) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=page)
    charts = [chart for _ in each_tab(at, page) for chart in at.get("vega_lite_chart")]
    assert charts, f"no chart on {page}"
    for chart in charts:
        description = json.loads(chart.proto.spec).get("description", "")
        # A title, or at least what the axes show (a chart under a subheader may have no title).
        assert description.startswith("Grafiek") and len(description) > len("Grafiek."), (page, description)


def test_the_description_is_read_from_the_spec_and_the_rows_travel_as_arrow() -> None:
    from ui.charts import vega_lite_spec

    base = alt.Chart(FRAME).encode(x=alt.X("month:O", title="Month"), y=alt.Y("amount:Q", title="Amount"))
    layered = (base.mark_bar() + base.mark_text()).properties(title="Budget")
    chart = alt.vconcat(layered, alt.Chart(FRAME, title="Second").mark_point().encode(x="kind:N"))
    spec = vega_lite_spec(chart, description=None, lang="en", currency="EUR")
    assert spec["description"] == describe_chart(chart.to_dict(), lang="en")
    # No row of the data is in the spec's JSON: the rows are Arrow bytes in its datasets.
    datasets = spec.pop("datasets")
    text = json.dumps(spec)
    assert "plan" not in text and "2026-02-01" not in text
    assert datasets and all(isinstance(payload, bytes) for payload in datasets.values())
    assert all(name in text for name in datasets)
    # The chart itself is left whole: it still validates and carries every row.
    full = chart.to_dict()
    assert sum(len(rows) for rows in full["datasets"].values()) == len(FRAME)
