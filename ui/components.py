"""Small display pieces shared by pages (no data access, no arithmetic)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

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


def detail_link(
    page: str, *, label: str, query_params: dict[str, str], width: Literal["content", "stretch"] = "content"
) -> None:
    """A link to the page holding the detail; nothing when that page is not reachable.

    A page is unreachable when the user's navigation does not hold it (their role may not
    open it), or when the current page runs outside the app's navigation.
    """
    from streamlit.errors import StreamlitAPIException

    try:
        st.page_link(
            page, label=label, icon=":material/arrow_forward:", query_params=query_params, width=width
        )
    except StreamlitAPIException:
        return


def detail_url(page: str, *, query: str) -> str:
    """The relative URL of `page` with the query string `query`, for a link column in a table.

    The URL path is the registry's (ui.navigation.PageSpec.url_path: the file's stem unless
    set, empty for the default page), the one st.navigation serves the page at.
    """
    from ui.navigation import PAGES

    path = next((spec.url_path for spec in PAGES if spec.path == page), Path(page).stem)
    return f"./{path}?{query}"
