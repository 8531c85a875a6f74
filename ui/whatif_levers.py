"""The What-if page's lever panel: split, scale, delay and trust levers, bound to the
session's lever state (ui.whatif) by their widget keys."""

from __future__ import annotations

import streamlit as st

from domain.scenario import ALL_JOINT
from services.whatif_page import WhatifPage
from ui import whatif as state
from ui.i18n import t
from ui.text import md, tm


def lever_panel(page: WhatifPage) -> None:
    departments, dimensions = list(page.departments), list(page.dimensions)
    department_names, category_names = dict(page.department_names), dict(page.category_names)
    st.subheader(t("whatif.levers"))
    st.button(
        t("whatif.reset"),
        on_click=state.on_reset,
        args=(departments, dimensions, dict(page.default_shares)),
        icon=":material/restart_alt:",
        key="whatif_reset",
        width="stretch",
    )
    st.markdown(f"**{t('whatif.lever.split')}**")
    st.multiselect(
        t("whatif.lever.split_projects"),
        options=[ALL_JOINT, *page.project_names],
        key=state.SPLIT_PROJECTS,
        format_func=page.project_labels.__getitem__,
        placeholder=t("whatif.none"),
        help=t("whatif.lever.split_help"),
    )
    st.multiselect(
        t("whatif.lever.split_departments"),
        options=departments,
        key=state.SPLIT_DEPARTMENTS,
        format_func=lambda code: department_names.get(code, code),
        placeholder=t("whatif.none"),
        help=t("whatif.lever.split_departments_help"),
    )
    share_cols = st.columns(2)
    chosen = set(st.session_state.get(state.SPLIT_DEPARTMENTS) or [])
    for number, code in enumerate(d for d in departments if d in chosen):
        with share_cols[number % 2]:
            st.number_input(
                tm("whatif.lever.share", department=department_names[code]),
                min_value=0.0,
                max_value=100.0,
                step=5.0,
                format="%.0f",
                key=state.share_key(code),
            )
    st.markdown(f"**{t('whatif.lever.scale')}**", help=t("whatif.lever.scale_help"))
    for choice_key, pct_key, label, names in (
        (state.CUT_DEPARTMENT, state.CUT_DEPARTMENT_PCT, "whatif.lever.scale_department", department_names),
        (state.CUT_CATEGORY, state.CUT_CATEGORY_PCT, "whatif.lever.scale_category", category_names),
    ):
        left, right = st.columns([3, 2])
        left.selectbox(
            t(label),
            options=[state.NONE, *names],
            key=choice_key,
            format_func=lambda code, names=names: names.get(code, t("whatif.none")),
        )
        right.number_input(
            t("whatif.lever.scale_pct"),
            min_value=-100.0,
            max_value=200.0,
            step=5.0,
            format="%.0f",
            key=pct_key,
        )
    st.markdown(f"**{t('whatif.lever.delay')}**")
    st.multiselect(
        t("whatif.lever.delay_projects"),
        options=list(page.project_names),
        key=state.DELAY_PROJECTS,
        format_func=page.project_labels.__getitem__,
        placeholder=t("whatif.none"),
    )
    st.number_input(t("whatif.lever.delay_months"), min_value=1, max_value=36, step=1, key=state.DELAY_MONTHS)
    st.markdown(f"**{t('whatif.lever.trust')}**")
    trust_cols = st.columns(2)
    for number, dimension in enumerate(dimensions):
        with trust_cols[number % 2]:
            st.number_input(
                md(page.dimension_names[dimension]),
                min_value=0.0,
                max_value=100.0,
                step=5.0,
                format="%.0f",
                key=state.trust_key(dimension),
                placeholder=t("whatif.none"),
            )
