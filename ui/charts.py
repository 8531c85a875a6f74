"""Charts on a page with their text alternative: the one call the views use."""

from __future__ import annotations

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


def show_chart(
    chart: Any, *, description: str | None = None, table: pd.DataFrame | None = None, **kwargs: Any
) -> None:
    """st.altair_chart(chart, **kwargs) with a description for screen readers (given, or
    derived from the chart's title and axes) and, when `table` is given, the figures behind
    it in a collapsed expander right below."""
    text = description or describe_chart(chart.to_dict(), lang=lang())
    st.altair_chart(localised(chart.properties(description=text), lang=lang(), currency=currency()), **kwargs)
    if table is not None:
        with st.expander(t("chart.table"), icon=":material/table:"):
            st.dataframe(table, hide_index=True)
