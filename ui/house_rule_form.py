"""The house-rule form of the Projects page: which department is expected to own each area."""

from __future__ import annotations

import streamlit as st

from access.roles import EDIT_DATA, NotAllowed, User
from data_access.projects import save_house_rule
from services.projects_page import ProjectsPage
from ui.auth import ensure_allowed
from ui.data import get_engine
from ui.i18n import t

FLASH_KEY = "projects_house_rule_saved"


def show_saved_flash() -> None:
    """After a save (and its rerun), say how many areas changed."""
    if FLASH_KEY in st.session_state:
        st.success(t("projects.house_rule.saved", count=st.session_state.pop(FLASH_KEY)))


def house_rule_form(page: ProjectsPage, *, user: User) -> None:
    """One picker per responsibility area for `user` when they may edit data; a note otherwise."""
    if not user.may(EDIT_DATA):
        st.info(t("projects.house_rule.read_only"))
        return
    options = list(page.department_options)
    names = page.department_names
    with st.form("projects_house_rule"):
        chosen_rule = {}
        for area in page.house_rule:
            chosen_rule[area.code] = st.selectbox(
                area.name,
                options=options,
                index=options.index(area.expected) if area.expected in options else 0,
                key=f"house_rule_{area.code}",
                format_func=lambda c: names.get(c, t("projects.house_rule.no_rule")),
            )
        if st.form_submit_button(t("projects.house_rule.save")):
            try:
                ensure_allowed(user, EDIT_DATA)
                changed = save_house_rule(
                    engine=get_engine(),
                    user=user,
                    expected={code: dept or None for code, dept in chosen_rule.items()},
                )
            except NotAllowed as exc:
                st.error(t(str(exc)))
            else:
                st.session_state[FLASH_KEY] = changed
                st.rerun()
