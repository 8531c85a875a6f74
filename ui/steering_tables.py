"""The Steering page's tables and messages: log tables in plain words, the overdue list, the
flash shown after a save or a conflict (Streamlit; dates and times in the session's language
and the organisation's zone)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kpis.steering import with_labels
from services.steering_page import SteeringPage
from ui.i18n import day, month, number, t
from ui.text import tm
from ui.times import moments, zone

FLASH_KEY = "steering_flash"
ACTION_TABLE = [
    "id",
    "title",
    "owner_department",
    "owner_person",
    "due_date",
    "status",
    "closed_on",
    "decision_title",
]
OVERDUE_COLUMNS = [
    "id",
    "meeting_month",
    "title",
    "owner_department",
    "owner_person",
    "due_date",
    "days_overdue",
]
TRAIL_COLUMNS = ["at", "user_name", "entity", "entity_id", "action", "old_values", "new_values"]
DATE_COLUMNS = ("meeting_month", "due_date", "closed_on")
TIME_COLUMNS = ("created_at", "at")


def _columns(names):
    # Dates and times are shown as text (formatted here), so an empty one is blank, not "None".
    zone_name = zone()
    return {name: st.column_config.Column(t(f"steering.col.{name}", zone=zone_name)) for name in names}


def _date_text(name, value):
    if value is None or pd.isna(value):
        return ""
    value = pd.Timestamp(value).date()
    return month(value) if name == "meeting_month" else day(value)


def show_table(frame: pd.DataFrame, names: list[str], page: SteeringPage) -> None:
    """A log table in plain words: departments and projects by name, empty cells blank."""
    if frame.empty:
        st.caption(t("steering.none"))
        return
    shown = (
        with_labels(frame, column="status", labels=dict(page.status_labels)) if "status" in frame else frame
    )
    if "owner_department" in shown:
        shown = with_labels(shown, column="owner_department", labels=dict(page.department_names))
    if "project" in shown:
        shown = with_labels(shown, column="project", labels=dict(page.project_labels))
    text_columns = [name for name in names if name in shown and name not in (*DATE_COLUMNS, *TIME_COLUMNS)]
    date_columns = [name for name in names if name in shown and name in (*DATE_COLUMNS, *TIME_COLUMNS)]
    shown = shown.assign(
        **{
            name: shown[name].map(lambda value: "" if value is None or pd.isna(value) else value)
            for name in text_columns
        },
        **{
            name: moments(shown[name], missing="")
            if name in TIME_COLUMNS
            else [_date_text(name, value) for value in shown[name]]
            for name in date_columns
        },
    )
    st.dataframe(shown, column_order=names, column_config=_columns(names), hide_index=True)


def flash(kind: str, text: str, **tables: dict) -> None:
    """A message for the next run (after st.rerun): success, or an error with the rows to compare."""
    st.session_state[FLASH_KEY] = {"kind": kind, "text": text, "tables": tables}


def show_flash(page: SteeringPage) -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if not message:
        return
    if message["kind"] == "success":
        st.success(message["text"], icon=":material/check_circle:")
        return
    st.error(message["text"], icon=":material/error:")
    for label, rows in message["tables"].items():
        st.caption(t(label))
        names = [name for name in ACTION_TABLE + ["version"] if name in rows]
        show_table(pd.DataFrame([rows]), names, page)


def show_overdue(page: SteeringPage, focus: str | None) -> None:
    """The overdue actions; the one a link names (`focus`, an action id) on top, in a box."""
    st.subheader(page.overdue_header)
    for row in page.overdue_focus(focus).itertuples(index=False):
        with st.container(border=True, key="steering_overdue_focus"):
            st.markdown(f"**{tm('steering.overdue.focus', id=row.id, title=row.title)}**")
            st.caption(
                t(
                    "steering.overdue.focus_detail",
                    owner=row.owner_person,
                    department=page.department_names.get(row.owner_department, row.owner_department),
                    due=day(pd.Timestamp(row.due_date).date()),
                    days=number(row.days_overdue),
                )
            )
    show_table(page.overdue, OVERDUE_COLUMNS, page)


def show_trail(page: SteeringPage) -> None:
    """The audit trail of decisions and actions, times in the organisation's zone."""
    if page.trail.empty:
        st.caption(t("steering.none"))
        return
    st.dataframe(
        page.trail.assign(at=moments(page.trail["at"], missing="")),
        column_order=TRAIL_COLUMNS,
        column_config=_columns(TRAIL_COLUMNS),
        hide_index=True,
    )
