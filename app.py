"""The frame: page config, the sign-in gate, the global filters and role-filtered navigation."""

import streamlit as st

from runtime.warmup import app_with_default_page, warm_imports

# A cold server opened by many users at once: import once, not in a race. The other pages'
# imports come at each one's first run, below (a server only loads what its pages need).
warm_imports(app_with_default_page())

from sqlalchemy.exc import SQLAlchemyError  # noqa: E402

from access.roles import READ  # noqa: E402
from data_access.engine import DatabaseUnavailable  # noqa: E402
from ui.auth import gate, render_language_switch, render_user_badge  # noqa: E402
from ui.data import get_engine, start_run  # noqa: E402
from ui.filters import init_language, render_global_filters, show_url_notices  # noqa: E402
from ui.navigation import build_navigation, page_file, scroll_to_top_on_page_change  # noqa: E402
from ui.organisation import show_logo  # noqa: E402
from ui.outage import restore_filters_after_outage, show_database_unavailable  # noqa: E402
from ui.settings_check import stop_on_bad_settings  # noqa: E402

st.set_page_config(page_title="Alignment dashboard", page_icon=":material/handshake:", layout="wide")


def _database_error(exc: Exception) -> None:
    show_database_unavailable(exc)  # message, automatic retry with backoff, st.stop()


start_run()  # the data version is read once in this run (ui.data)
init_language()
stop_on_bad_settings()  # a bad deployment setting: its name, never its value, and stop
restore_filters_after_outage()
try:
    user = gate()  # before the database: the sign-in page needs none
    get_engine()
    show_logo()
    if user.may(READ):
        render_global_filters()
    else:  # a respondent: no filters (they would list projects), only the language
        with st.sidebar:
            render_language_switch()
except (DatabaseUnavailable, SQLAlchemyError) as exc:
    _database_error(exc)

with st.sidebar:
    render_user_badge(user)

navigation = build_navigation(user)
if (file := page_file(navigation)) is not None:
    warm_imports([file])  # this page's own imports, once per process, under the warm-up lock
if user.may(READ):
    show_url_notices()
scroll_to_top_on_page_change()
try:
    navigation.run()
except (DatabaseUnavailable, SQLAlchemyError) as exc:
    _database_error(exc)
