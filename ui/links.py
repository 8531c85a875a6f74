"""The landing side of services.links: tabs bound to the URL, selections taken from a link.

Tabs are bound to the URL by a stable code (`?tab=drift`), not by their translated label.

Streamlit's own `bind="query-params"` puts the label in the URL, which changes with the
language; here the `tab` parameter holds the code from services.links, so a link from the
Overview opens the same tab in Dutch and English, and switching tabs updates the URL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from domain.filters import Filters
from services.links import PAGE_TABS, TAB_PARAM, DetailLink, tab_code
from ui.filters import filter_params


def _remember(key: str, codes: tuple[str, ...], labels: dict[str, str]) -> None:
    """on_change: the clicked tab's code into the URL (nothing for the first tab)."""
    by_label = {label: code for code, label in labels.items()}
    code = by_label.get(st.session_state.get(key), codes[0])
    if code == codes[0]:
        if TAB_PARAM in st.query_params:
            del st.query_params[TAB_PARAM]
    else:
        st.query_params[TAB_PARAM] = code


@dataclass(frozen=True)
class PageTabs:
    """A page's tabs: the code of the open one and its container.

    Only the open tab's content is computed and drawn. A hidden tab sent in full on every
    rerun cost the browser more than the page's own figures (the Budget page's six tabs were
    102 elements, five charts and ten tables); clicking a tab reruns the page anyway, to put
    its code into the URL, and then draws that tab.
    """

    open: str
    panel: object  # the open tab's container (a DeltaGenerator)


def _keep(keys: Sequence[str]) -> None:
    """Keep the values of widgets that live in tabs: Streamlit forgets a widget's value when
    a run does not draw it, and a hidden tab is not drawn. Saving the value again makes it
    the session's own (the widget reads it when its tab is open again)."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def bound_tabs(page: str, labels: dict[str, str], *, key: str, keep: Sequence[str] = ()) -> PageTabs:
    """Draw the tabs of `page` (codes from services.links.PAGE_TABS, labels translated by
    the caller) with the one the URL names selected; -> the open tab's code and container.
    `keep`: keys of widgets inside the tabs whose values outlive a visit to another tab."""
    codes = PAGE_TABS[page]
    chosen = tab_code(page, st.query_params.get(TAB_PARAM))
    _keep(keep)
    st.session_state[key] = labels[chosen]
    containers = st.tabs(
        [labels[code] for code in codes],
        key=key,
        on_change=_remember,
        args=(key, codes, labels),
    )
    return PageTabs(open=chosen, panel=containers[codes.index(chosen)])


def apply_selection(param: str, key: str, options: Sequence[str]) -> str | None:
    """Preselect widget `key` with the value of the link parameter `param` (once: the
    parameter is then removed so the user may choose freely); -> the value applied."""
    value = st.query_params.get(param)
    if value is None:
        return None
    del st.query_params[param]
    if value in options:
        st.session_state[key] = value
        return value
    return None


def link_params(link: DetailLink, filters: Filters) -> dict[str, str]:
    """The query parameters of a link to `link`'s page: the global filters, then the page's
    own (tab, focus, dimension, direction)."""
    return filter_params(filters) | link.params


def link_queries(links: list[DetailLink], filters: Filters) -> list[str]:
    """`link_params` of many links as query strings, the filters encoded once (for the link
    column of a table of exceptions)."""
    base = urlencode(filter_params(filters))
    return [f"{base}&{urlencode(link.params)}" if link.params else base for link in links]
