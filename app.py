"""The frame: page config, the sign-in gate, the global filters and role-filtered navigation."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.engine import DatabaseUnavailable
from ui.auth import gate, render_user_badge
from ui.data import get_engine
from ui.filters import init_language, render_global_filters, show_url_notices
from ui.i18n import t
from ui.navigation import build_navigation

st.set_page_config(page_title="Alignment dashboard", page_icon=":material/handshake:", layout="wide")


def _database_error(exc: Exception) -> None:
    st.error(t("db.unavailable_title"), icon=":material/cloud_off:")
    detail = str(exc) if isinstance(exc, DatabaseUnavailable) else t("db.unavailable_retry")
    st.caption(detail)
    st.stop()


init_language()
try:
    user = gate()  # before the database: the sign-in page needs none
    get_engine()
    render_global_filters()
except (DatabaseUnavailable, SQLAlchemyError) as exc:
    _database_error(exc)

with st.sidebar:
    render_user_badge(user)

navigation = build_navigation(user)
show_url_notices()
try:
    navigation.run()
except (DatabaseUnavailable, SQLAlchemyError) as exc:
    _database_error(exc)
