"""A database that goes away: a clear message, automatic retries with backoff, no restart.

When a rerun fails because the database cannot be reached, the frame shows the translated
"database unavailable" message instead of the page, and a small fragment re-checks the
connection on a growing interval (1, 2, 4, 8, then every 10 s). As soon as the database
answers, the whole app reruns; the engine's pool_pre_ping replaces dead pooled connections.
Writes run in one transaction each, so a write cut off by the outage leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import math
import time

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError
from streamlit.errors import StreamlitAPIException

from data_access.engine import DatabaseUnavailable, check_connection
from ui.data import get_engine
from ui.filters import AS_OF_KEY, DEPARTMENTS_KEY, FROM_KEY, STATUSES_KEY
from ui.i18n import LANG_KEY, t

RETRY_KEY = "_db_retry"
# Widget values Streamlit would drop after a run that did not draw their widgets.
KEPT_KEYS = (LANG_KEY, AS_OF_KEY, FROM_KEY, DEPARTMENTS_KEY, STATUSES_KEY)
KEPT_FILTERS_KEY = "_db_kept_filters"
POLL_SECONDS = 1.0
FIRST_DELAY_S = 1.0
MAX_DELAY_S = 10.0
# An outage state older than this belongs to an earlier outage: start the backoff afresh.
FORGET_AFTER_S = 60.0


def retry_delay(attempt: int, *, first: float = FIRST_DELAY_S, cap: float = MAX_DELAY_S) -> float:
    """Seconds to wait before retry number `attempt` (0-based): first × 2^attempt, at most `cap`."""
    return min(cap, first * 2 ** max(attempt, 0))


def database_reachable() -> bool:
    """True when the configured database answers a trivial query right now."""
    try:
        check_connection(get_engine())
    except (DatabaseUnavailable, SQLAlchemyError):
        return False
    return True


def _retry_state(now: float) -> dict[str, float]:
    state = st.session_state.get(RETRY_KEY)
    if state is None or now - state["seen"] > FORGET_AFTER_S:
        state = {"attempt": 0, "next": now + retry_delay(0), "seen": now}
        st.session_state[RETRY_KEY] = state
    state["seen"] = now
    return state


@st.fragment(run_every=POLL_SECONDS)
def _retry_loop() -> None:
    now = time.monotonic()
    state = _retry_state(now)
    if now >= state["next"]:
        if database_reachable():
            st.session_state.pop(RETRY_KEY, None)
            st.rerun(scope="app")
        state["attempt"] += 1
        state["next"] = now + retry_delay(int(state["attempt"]))
    seconds = max(1, math.ceil(state["next"] - now))
    st.caption(t("reliability.retrying_in", seconds=seconds, attempt=int(state["attempt"]) + 1))


def _keep_filters() -> None:
    """Keep the user's language and filters through a run that never drew the sidebar.

    Streamlit forgets a widget's value after a run in which the widget was not drawn, and
    the browser shows a redrawn widget at its default unless the value is set again in the
    run that draws it. So: set the keys again now (the outage message keeps its language)
    and keep a copy that `restore_filters_after_outage` puts back in the next full run.
    """
    kept = st.session_state.get(KEPT_FILTERS_KEY) or {
        key: st.session_state[key] for key in KEPT_KEYS if key in st.session_state
    }
    st.session_state[KEPT_FILTERS_KEY] = kept
    for key, value in kept.items():
        # When the widget was drawn in this run its value is kept anyway (and may not be set).
        with contextlib.suppress(StreamlitAPIException):
            st.session_state[key] = value


def restore_filters_after_outage() -> None:
    """At the start of a run, before the sidebar: put back the filters kept during an outage."""
    kept = st.session_state.pop(KEPT_FILTERS_KEY, None)
    for key, value in (kept or {}).items():
        st.session_state[key] = value


def show_database_unavailable(exc: Exception) -> None:
    """Replace the page by the outage message, retry automatically, and stop this run."""
    _keep_filters()
    st.error(t("db.unavailable_title"), icon=":material/cloud_off:")
    detail = str(exc) if isinstance(exc, DatabaseUnavailable) else t("db.unavailable_retry")
    st.caption(detail)
    st.info(t("reliability.nothing_saved"), icon=":material/shield:")
    _retry_state(time.monotonic())
    _retry_loop()
    if st.button(t("reliability.retry_now"), key="db_retry_now", icon=":material/refresh:"):
        st.session_state.pop(RETRY_KEY, None)
        st.rerun()
    st.stop()
