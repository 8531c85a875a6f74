"""Decisions and actions: the steering meeting's log, follow-through and the audit trail.

Layout only: the figures and tables come from services.steering_page, the forms from
ui/steering_forms.py.
"""

import streamlit as st

from access.roles import EDIT_DATA, READ
from services.links import FOCUS_PARAM, STEERING_OVERDUE, TAB_PARAM
from services.steering_page import steering_meeting, steering_page
from ui.auth import require
from ui.data import cached
from ui.filters import current_filters
from ui.i18n import lang, month, t
from ui.metrics import kpi_metric
from ui.steering_forms import add_action_form, add_decision_form, edit_action_form
from ui.steering_tables import ACTION_TABLE, show_flash, show_overdue, show_table, show_trail

filters = current_filters()
user = require(READ)
page = cached(steering_page, filters=filters, lang=lang())

st.title(t("steering.title"))
st.caption(page.caption)
show_flash(page)

# A link from an overdue-action exception (tab=overdue, focus=<action id>) opens here with
# the overdue actions first, that action on top, so it is in view without scrolling.
overdue_first = st.query_params.get(TAB_PARAM) == STEERING_OVERDUE
if overdue_first:
    show_overdue(page, st.query_params.get(FOCUS_PARAM))

options = list(page.meeting_options)
chosen_month = st.selectbox(
    t("steering.meeting_month"),
    options=options,
    index=options.index(filters.as_of),
    key="steering_month",
    format_func={m: month(m) for m in options}.get,
)

# The due date's default follows the meeting month: a new month starts from its default.
if st.session_state.get("steering_due_for") != chosen_month:
    st.session_state.pop("steering_a_due", None)
    st.session_state["steering_due_for"] = chosen_month

# Recording into another month than the current meeting (the as-of month) changes that
# month's replay: the forms then ask for a confirmation first.
meeting = cached(steering_meeting, filters=filters, meeting=chosen_month, lang=lang())
if meeting.other_month_warning:
    st.warning(meeting.other_month_warning, icon=":material/history:")

for column, metric in zip(st.columns(3, border=True), page.metrics, strict=True):
    with column:
        kpi_metric(metric)

st.subheader(meeting.decisions_header)
show_table(meeting.decisions, ["id", "title", "description", "project", "created_by", "created_at"], page)
st.subheader(meeting.actions_header)
show_table(meeting.actions, ACTION_TABLE, page)
if not overdue_first:
    show_overdue(page, None)
st.subheader(t("steering.open.header"))
show_table(page.open_actions, ["id", "meeting_month", *ACTION_TABLE[1:]], page)

if not user.may(EDIT_DATA):
    st.info(t("steering.read_only"), icon=":material/lock:")
else:
    add_decision_col, add_action_col = st.columns(2)
    with add_decision_col:
        add_decision_form(page, meeting)
    with add_action_col:
        add_action_form(page, meeting)
    edit_action_form(page, meeting)

st.subheader(t("steering.audit.header"))
st.caption(t("steering.audit.caption"))
show_trail(page)
