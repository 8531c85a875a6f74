"""The KPI metric tile: a page model's `presentation.metrics.Metric` drawn the same way on every page."""

from __future__ import annotations

import streamlit as st

from presentation.metrics import Metric
from ui.components import rag_badge


def kpi_metric(metric: Metric) -> None:
    """The value (with its delta and help), the RAG badge when there is one, then the caption."""
    st.metric(
        metric.label,
        metric.value,
        delta=metric.delta,
        delta_color=metric.delta_color,
        help=metric.help,
    )
    if metric.badge is not None:
        rag_badge(metric.badge)
    if metric.caption:
        st.caption(metric.caption)
