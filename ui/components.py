"""Small display pieces shared by pages (no data access, no arithmetic)."""

from __future__ import annotations

import streamlit as st

from ui.i18n import t

RAG_BADGE = {
    "green": ("green", ":material/check_circle:"),
    "amber": ("orange", ":material/warning:"),
    "red": ("red", ":material/error:"),
}


def rag_badge(rag: str | None) -> None:
    """A coloured badge with the RAG word in the chosen language (colour is never the only cue)."""
    if rag is None:
        st.badge(t("rag.none"), color="gray")
        return
    color, icon = RAG_BADGE[rag]
    st.badge(t(f"rag.{rag}"), color=color, icon=icon)
