"""What-if tables sized to sit beside the levers on a 1280-pixel projector (Streamlit), and
the saved-scenarios panel."""

from __future__ import annotations

import streamlit as st

from access.roles import SAVE_SCENARIO, User
from data_access.scenarios import load_saved_scenarios, may_delete
from domain.scenario import Scenario
from services.whatif_page import WhatifPage
from ui import whatif as state
from ui.data import get_engine
from ui.i18n import t
from ui.times import local_day

ANSWER_PX = 520  # the answer column beside the levers on a 1280-pixel projector
VALUE_CHAR_PX, HEAD_CHAR_PX, CELL_PADDING_PX, FIRST_MIN_PX = 6.6, 6.4, 20, 180


def height(table, most=12) -> int:
    return 38 + 35 * min(max(len(table), 1), most)


def _figure_widths(table, width):
    """Each figure column as wide as its longest text (a large amount in a long currency code
    such as CHF needs more than a euro amount), at least `width`."""
    return {
        name: max(
            width,
            round(
                max(len(str(name)) * HEAD_CHAR_PX, *(len(str(v)) * VALUE_CHAR_PX for v in table[name]))
                + CELL_PADDING_PX
            ),
        )
        for name in list(table.columns)[1:]
    }


def fitting(whole, compact, width=92):
    """The table with whole amounts when its figure columns fit beside the KPI names, else
    with amounts in thousands, millions or billions (never cut off on a projector)."""
    if whole.empty or FIRST_MIN_PX + sum(_figure_widths(whole, width).values()) <= ANSWER_PX:
        return whole
    return compact


def compact_columns(table, first_width=250, width=92):
    """Column widths that fit the answer beside the levers on a 1280-pixel projector: figure
    columns as wide as their texts, the first (KPI) column what is left (at least 180 px)."""
    first = table.columns[0]
    widths = _figure_widths(table, width)
    first_width = max(FIRST_MIN_PX, min(first_width, ANSWER_PX - sum(widths.values())))
    return {first: st.column_config.TextColumn(width=first_width)} | {
        name: st.column_config.TextColumn(width=px) for name, px in widths.items()
    }


def saved_panel(page: WhatifPage, scenario: Scenario, user: User) -> None:
    """Save the scenario under a name; open or delete a saved one (a link opens it too)."""
    saved = load_saved_scenarios(engine=get_engine())
    save_col, open_col = st.columns(2, gap="large")
    with save_col:
        st.text_input(t("whatif.save.name"), key=state.SAVE_NAME, max_chars=200)
        st.button(
            t("whatif.save.button"),
            on_click=state.on_save,
            disabled=scenario.is_empty or not user.may(SAVE_SCENARIO.right),
            icon=":material/save:",
            key="whatif_save",
        )
        if scenario.is_empty:
            st.caption(t("whatif.save.empty"))
    with open_col:
        if saved.empty:
            st.caption(t("whatif.saved_none"))
            return
        labels = {
            int(i): t("whatif.saved_label", name=n, author=a, date=local_day(c))
            for i, n, a, c in zip(
                saved["id"], saved["name"], saved["author"], saved["created_at"], strict=True
            )
        }
        authors = dict(zip(saved["id"].astype(int), saved["author"], strict=True))
        choice = st.selectbox(
            t("whatif.open.choose"),
            options=list(labels),
            key=state.OPEN_CHOICE,
            format_func=lambda i: labels.get(i, str(i)),
            index=None,
            placeholder=t("whatif.none"),
        )
        open_btn, delete_btn = st.columns(2)
        with open_btn:
            st.button(
                t("whatif.open.button"),
                on_click=state.on_open,
                args=(list(page.departments), list(page.dimensions), dict(page.default_shares)),
                disabled=choice is None,
                icon=":material/folder_open:",
                key="whatif_open",
            )
        with delete_btn:
            st.button(
                t("whatif.delete.button"),
                on_click=state.on_delete,
                disabled=choice is None or not may_delete(user, authors.get(choice, "")),
                icon=":material/delete:",
                key="whatif_delete",
            )
        if choice is not None:
            st.caption(t("whatif.open.link", link=f"?scenario={choice}"))
