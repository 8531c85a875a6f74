"""The current user and role: the one place pages ask who is signed in."""

from __future__ import annotations

import streamlit as st

from access.roles import LOCAL_USER, NotAllowed, User
from ui.i18n import t


def current_user() -> User:
    """Who is using the app. No sign-in is configured yet: a local user with full rights."""
    return LOCAL_USER


def require(right: str) -> User:
    """Stop the page unless the current user has `right` (checked on the server)."""
    user = current_user()
    if not user.may(right):
        st.error(t("auth.not_allowed"))
        st.stop()
    return user


def ensure_allowed(user: User, right: str) -> None:
    """For write paths: raise NotAllowed unless `user` has `right`."""
    if not user.may(right):
        raise NotAllowed("auth.not_allowed")
