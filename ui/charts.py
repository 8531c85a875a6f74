"""Charts on a page with their text alternative: the one call the views use."""

from __future__ import annotations

from functools import partial
from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from charts.describe import describe_chart
from charts.theme import vega_locale
from ui.i18n import currency, lang, t


def localised(chart: Any, *, lang: str, currency: str = "EUR") -> Any:
    """The chart (a shallow copy) with `lang`'s number and month conventions (and the
    organisation's currency) in its
    `config.locale`, which Vega-Lite applies to every axis, legend and tooltip format:
    st.altair_chart has no locale argument, the spec carries it."""
    chart = chart.copy(deep=False)
    config = chart.config.copy(deep=False) if chart.config is not alt.Undefined else alt.Config()
    config.locale = vega_locale(lang, currency=currency)
    chart.config = config
    return chart


def _without_data(chart: Any) -> Any:
    """A copy of `chart` (and of its layers and sub-charts) without data: the description
    reads only titles and axes, and serialising every row for it cost as much as the chart
    itself (about 170 ms for the goal timeline at 2,000 goals)."""
    copy = chart.copy(deep=False)
    if copy._kwds.get("data", alt.Undefined) is not alt.Undefined:
        copy._kwds["data"] = alt.Undefined
    for key in ("layer", "hconcat", "vconcat", "concat"):
        parts = copy._kwds.get(key, alt.Undefined)
        if isinstance(parts, list):
            copy._kwds[key] = [_without_data(part) for part in parts]
    if copy._kwds.get("spec", alt.Undefined) is not alt.Undefined:
        copy._kwds["spec"] = _without_data(copy._kwds["spec"])
    return copy


def unvalidated(chart: Any) -> Any:
    """`chart` whose `to_dict()` (which st.altair_chart calls) skips Altair's JSON-schema
    validation. Validating a spec costs 10–100 ms per chart on every rerun (about 290 ms of a
    Trust page rerun); every chart builder's spec is validated by its tests instead
    (tests/test_charts_*.py call `to_dict()`, which validates), and the spec sent is the same."""
    # Altair keeps public attributes as schema properties; this one must stay on the object.
    object.__setattr__(chart, "to_dict", partial(type(chart).to_dict, chart, validate=False))
    return chart


def show_chart(
    chart: Any, *, description: str | None = None, table: pd.DataFrame | None = None, **kwargs: Any
) -> None:
    """st.altair_chart(chart, **kwargs) with a description for screen readers (given, or
    derived from the chart's title and axes) and, when `table` is given, the figures behind
    it in a collapsed expander right below."""
    text = description or describe_chart(_without_data(chart).to_dict(validate=False), lang=lang())
    st.altair_chart(
        unvalidated(localised(chart.properties(description=text), lang=lang(), currency=currency())), **kwargs
    )
    if table is not None:
        with st.expander(t("chart.table"), icon=":material/table:"):
            st.dataframe(table, hide_index=True)
