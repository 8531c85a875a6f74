"""Charts on a page with their text alternative: the one call the views use."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from charts.describe import describe_chart
from ui.i18n import lang, t


def show_chart(
    chart: Any, *, description: str | None = None, table: pd.DataFrame | None = None, **kwargs: Any
) -> None:
    """st.altair_chart(chart, **kwargs) with a description for screen readers (given, or
    derived from the chart's title and axes) and, when `table` is given, the figures behind
    it in a collapsed expander right below."""
    text = description or describe_chart(chart.to_dict(), lang=lang())
    st.altair_chart(chart.properties(description=text), **kwargs)
    if table is not None:
        with st.expander(t("chart.table"), icon=":material/table:"):
            st.dataframe(table, hide_index=True)
