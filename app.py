"""The frame: page config, the current user, the global filters and navigation."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.engine import DatabaseUnavailable
from ui.auth import current_user
from ui.data import get_engine
from ui.filters import init_language, render_global_filters, show_url_notices
from ui.i18n import t

st.set_page_config(page_title="Alignment dashboard", page_icon=":material/handshake:", layout="wide")


def _database_error(exc: Exception) -> None:
    st.error(t("db.unavailable_title"), icon=":material/cloud_off:")
    detail = str(exc) if isinstance(exc, DatabaseUnavailable) else t("db.unavailable_retry")
    st.caption(detail)
    st.stop()


init_language()
try:
    get_engine()
    render_global_filters()
except (DatabaseUnavailable, SQLAlchemyError) as exc:
    _database_error(exc)

user = current_user()
with st.sidebar:
    if user.local_mode:
        st.caption(f":material/lock_open: {t('auth.local_mode')}")
    else:
        st.caption(f":material/person: {user.name} · {t(f'role.{user.role}')}")

pages = [
    st.Page("views/overview.py", title=t("nav.overview"), icon=":material/dashboard:", default=True),
    st.Page("views/budget.py", title=t("nav.budget"), icon=":material/payments:"),
    st.Page("views/whatif.py", title=t("nav.whatif"), icon=":material/alt_route:"),
]
navigation = st.navigation(pages)
show_url_notices()
try:
    navigation.run()
except (DatabaseUnavailable, SQLAlchemyError) as exc:
    _database_error(exc)
