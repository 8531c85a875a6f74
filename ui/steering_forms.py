"""The Steering page's forms: record a decision, record an action, edit or close an action.

Every write checks the right on the server first and records the signed-in user's name; an
edit keeps the version it started from, so a save made by someone else in between is shown
as a conflict instead of overwritten.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from access.roles import EDIT_DATA, NotAllowed
from data_access.steering import (
    ConflictError,
    NotFound,
    close_action,
    create_action,
    create_decision,
    load_action,
    update_action,
)
from domain.statuses import ACTION_STATUSES, OPEN_STATUSES
from domain.steering import ValidationFailed
from kpis.steering import default_due_date
from services.steering_page import SteeringMeeting, SteeringPage
from ui import auth
from ui.data import get_engine
from ui.i18n import day, month, t
from ui.steering_tables import flash
from ui.times import moment

EDIT_KEY = "steering_edit"


def _problems_text(problems) -> str:
    lines = [
        "- " + t("steering.error.field", field=t(f"steering.field.{p.field}"), message=t(p.key, **p.params))
        for p in problems
    ]
    return t("steering.not_saved") + "\n\n" + "\n".join(lines)


def _write(function, **kwargs):
    """Every write: the server checks the right first, then records the signed-in user's name."""
    writer = auth.current_user()
    auth.ensure_allowed(writer, EDIT_DATA)
    return function(engine=get_engine(), user=writer, **kwargs)


def _confirmed(meeting: SteeringMeeting, key: str) -> bool:
    if not meeting.confirm_needed:
        return True
    return st.checkbox(t("steering.confirm_month", month=month(meeting.month)), key=key)


def _save(write, success_key: str, **kwargs) -> None:
    """Run `write`; explain refused input, or flash the success and rerun."""
    try:
        new_id = _write(write, **kwargs)
    except ValidationFailed as exc:
        st.error(_problems_text(exc.problems))
    except NotAllowed:
        st.error(t("auth.not_allowed"))
    else:
        flash("success", t(success_key, id=new_id))
        st.rerun()


def add_decision_form(page: SteeringPage, meeting: SteeringMeeting) -> None:
    with st.form("steering_add_decision", clear_on_submit=True):
        st.subheader(t("steering.add_decision.header"))
        title = st.text_input(t("steering.field.title"), key="steering_d_title")
        description = st.text_area(t("steering.field.description"), key="steering_d_description")
        project = st.selectbox(
            t("steering.field.project"),
            options=list(page.project_codes),
            key="steering_d_project",
            format_func={
                code: page.project_labels.get(code, code) or t("steering.field.none")
                for code in page.project_codes
            }.get,
        )
        confirmed = _confirmed(meeting, "steering_d_confirm")
        if st.form_submit_button(t("steering.submit.add_decision"), type="primary"):
            if not confirmed:
                st.error(t("steering.confirm_needed", month=month(meeting.month)))
                st.stop()
            _save(
                create_decision,
                "steering.saved.decision",
                meeting_month=meeting.month,
                title=title,
                description=description,
                project_code=project or None,
            )


def add_action_form(page: SteeringPage, meeting: SteeringMeeting) -> None:
    with st.form("steering_add_action", clear_on_submit=True):
        st.subheader(t("steering.add_action.header"))
        decision = st.selectbox(
            t("steering.field.decision"),
            options=list(meeting.decision_options),
            key="steering_a_decision",
            format_func=meeting.decision_labels.get,
        )
        title = st.text_input(t("steering.field.title"), key="steering_a_title")
        department = st.selectbox(
            t("steering.field.owner_department"),
            options=list(page.department_codes),
            key="steering_a_department",
            format_func=lambda code: page.department_names.get(code, code),
        )
        person = st.text_input(t("steering.field.owner_person"), key="steering_a_person")
        due = st.date_input(
            t("steering.field.due_date"),
            value=default_due_date(meeting.month),
            key="steering_a_due",
            format="DD-MM-YYYY",
            help=t("steering.field.due_date_help"),
        )
        status = st.selectbox(
            t("steering.field.status"),
            options=list(OPEN_STATUSES),
            key="steering_a_status",
            format_func=page.status_labels.get,
        )
        confirmed = _confirmed(meeting, "steering_a_confirm")
        if st.form_submit_button(t("steering.submit.add_action"), type="primary"):
            if not confirmed:
                st.error(t("steering.confirm_needed", month=month(meeting.month)))
                st.stop()
            _save(
                create_action,
                "steering.saved.action",
                meeting_month=meeting.month,
                decision_id=decision,
                title=title,
                owner_department=department,
                owner_person=person,
                due_date=due,
                status=status,
            )


def _snapshot(chosen: int):
    """The version the user started editing from, kept across reruns."""
    snapshot = st.session_state.get(EDIT_KEY)
    if snapshot is None or snapshot["id"] != chosen:
        row = load_action(engine=get_engine(), action_id=chosen)
        snapshot = {"id": chosen, "version": row["version"], "row": row} if row else None
        st.session_state[EDIT_KEY] = snapshot
    return snapshot


def edit_action_form(page: SteeringPage, meeting: SteeringMeeting) -> None:
    """Pick an action of the month or an open one; edit it, or close it as done."""
    st.subheader(t("steering.edit_action.header"))
    editable = pd.concat([meeting.actions, page.open_actions]).drop_duplicates("id")
    if editable.empty:
        st.caption(t("steering.no_actions_to_edit"))
        return
    labels = {
        int(row.id): t(
            "steering.action_option",
            id=row.id,
            title=row.title,
            status=page.status_labels[row.status],
            due=day(row.due_date),
        )
        for row in editable.itertuples(index=False)
    }
    chosen = st.selectbox(
        t("steering.field.action"), options=list(labels), key="steering_edit_id", format_func=labels.get
    )
    snapshot = _snapshot(chosen)
    if snapshot is None:
        st.warning(t("steering.not_found"))
        return
    base = snapshot["row"]
    suffix = f"{snapshot['id']}_{snapshot['version']}"
    codes = list(page.department_codes)
    st.caption(t("steering.editing_version", version=snapshot["version"]))
    with st.form(f"steering_edit_{suffix}"):
        title = st.text_input(
            t("steering.field.title"), value=base["title"], key=f"steering_e_title_{suffix}"
        )
        department = st.selectbox(
            t("steering.field.owner_department"),
            options=codes,
            index=codes.index(base["owner_department"]),
            key=f"steering_e_department_{suffix}",
            format_func=lambda code: page.department_names.get(code, code),
        )
        person = st.text_input(
            t("steering.field.owner_person"), value=base["owner_person"], key=f"steering_e_person_{suffix}"
        )
        due = st.date_input(
            t("steering.field.due_date"),
            value=base["due_date"],
            key=f"steering_e_due_{suffix}",
            format="DD-MM-YYYY",
        )
        status = st.selectbox(
            t("steering.field.status"),
            options=list(ACTION_STATUSES),
            index=list(ACTION_STATUSES).index(base["status"]),
            key=f"steering_e_status_{suffix}",
            format_func=page.status_labels.get,
        )
        closed = st.date_input(
            t("steering.field.closed_on"),
            value=base["closed_on"],
            key=f"steering_e_closed_{suffix}",
            format="DD-MM-YYYY",
            help=t("steering.field.closed_on_help"),
        )
        save = st.form_submit_button(t("steering.submit.save_action"), type="primary")
        close = base["status"] in OPEN_STATUSES and st.form_submit_button(t("steering.submit.close_done"))
    if not (save or close):
        return
    attempt = {
        "id": snapshot["id"],
        "title": title,
        "owner_department": department,
        "owner_person": person,
        "due_date": due,
        "status": "done" if close else status,
        "closed_on": dt.date.today() if close else closed,
    }
    try:
        if close:
            new_version = _write(
                close_action,
                action_id=snapshot["id"],
                expected_version=snapshot["version"],
                closed_on=dt.date.today(),
                status="done",
            )
        else:
            new_version = _write(
                update_action,
                action_id=snapshot["id"],
                expected_version=snapshot["version"],
                title=title,
                owner_department=department,
                owner_person=person,
                due_date=due,
                status=status,
                closed_on=closed,
            )
    except ValidationFailed as exc:
        st.error(_problems_text(exc.problems))
    except NotAllowed:
        st.error(t("auth.not_allowed"))
    except NotFound:
        st.session_state.pop(EDIT_KEY, None)
        st.warning(t("steering.not_found"))
    except ConflictError as exc:
        current = exc.current
        st.session_state[EDIT_KEY] = {"id": current["id"], "version": current["version"], "row": current}
        when = moment(exc.changed_at) if exc.changed_at else "?"
        flash(
            "error",
            t("steering.conflict", who=exc.changed_by or t("steering.conflict.someone"), at=when),
            **{"steering.conflict.current": current, "steering.conflict.yours": attempt},
        )
        st.rerun()
    else:
        st.session_state.pop(EDIT_KEY, None)
        verb = "close" if close else "update"
        flash("success", t(f"steering.saved.{verb}", id=snapshot["id"], version=new_version))
        st.rerun()
