"""Decisions and actions: the steering meeting's log, follow-through and the audit trail."""

import datetime as dt

import pandas as pd
import streamlit as st

from access.roles import EDIT_DATA, READ, NotAllowed
from data_access.reference import load_departments, load_projects_list
from data_access.steering import (
    ConflictError,
    NotFound,
    close_action,
    create_action,
    create_decision,
    load_action,
    load_actions,
    load_decisions,
    load_meeting_months,
    load_steering_trail,
    update_action,
)
from i18n import names_by_code
from kpis.steering import (
    ACTION_STATUSES,
    CHANGE_FIELDS,
    OPEN_STATUSES,
    ValidationFailed,
    count_follow_through,
    default_due_date,
    describe_changes,
    follow_through,
    needs_confirmation,
    overdue_actions,
    with_labels,
)
from services.links import FOCUS_PARAM, STEERING_OVERDUE, TAB_PARAM
from ui.auth import current_user, ensure_allowed, require
from ui.data import cached, get_engine
from ui.filters import current_filters
from ui.i18n import day, lang, month, number, pct, t
from ui.text import tm
from ui.times import moment, moments, zone

FLASH_KEY = "steering_flash"
EDIT_KEY = "steering_edit"

filters = current_filters()
user = require(READ)
status_labels = {status: t(f"steering.status.{status}") for status in ACTION_STATUSES}
_departments = cached(load_departments)
DEPARTMENT_NAMES = names_by_code(_departments, lang())
_projects = cached(load_projects_list)
PROJECT_LABELS = {
    code: f"{code} {name}" for code, name in zip(_projects["code"], _projects["name"], strict=True)
}
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


def _show_table(frame, names):
    """A log table in plain words: departments and projects by name, empty cells blank."""
    if frame.empty:
        st.caption(t("steering.none"))
        return
    shown = with_labels(frame, column="status", labels=status_labels) if "status" in frame else frame
    if "owner_department" in shown:
        shown = with_labels(shown, column="owner_department", labels=DEPARTMENT_NAMES)
    if "project" in shown:
        shown = with_labels(shown, column="project", labels=PROJECT_LABELS)
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


def _problems_text(problems):
    lines = [
        "- " + t("steering.error.field", field=t(f"steering.field.{p.field}"), message=t(p.key, **p.params))
        for p in problems
    ]
    return t("steering.not_saved") + "\n\n" + "\n".join(lines)


def _write(function, **kwargs):
    """Every write: the server checks the right first, then records the signed-in user's name."""
    writer = current_user()
    ensure_allowed(writer, EDIT_DATA)
    return function(engine=get_engine(), user=writer, **kwargs)


def _flash(kind, text, **tables):
    st.session_state[FLASH_KEY] = {"kind": kind, "text": text, "tables": tables}


def _show_flash():
    flash = st.session_state.pop(FLASH_KEY, None)
    if not flash:
        return
    if flash["kind"] == "success":
        st.success(flash["text"], icon=":material/check_circle:")
        return
    st.error(flash["text"], icon=":material/error:")
    for label, rows in flash["tables"].items():
        st.caption(t(label))
        names = [name for name in ACTION_TABLE + ["version"] if name in rows]
        _show_table(pd.DataFrame([rows]), names)


OVERDUE_COLUMNS = [
    "id",
    "meeting_month",
    "title",
    "owner_department",
    "owner_person",
    "due_date",
    "days_overdue",
]


def _show_overdue(overdue, focus):
    """The overdue actions; the one a link names (`focus`, an action id) on top, in a box."""
    st.subheader(t("steering.overdue.header", as_of=month(filters.as_of)))
    chosen = overdue[overdue["id"].astype(str) == focus] if focus and not overdue.empty else overdue.iloc[0:0]
    for row in chosen.itertuples(index=False):
        with st.container(border=True, key="steering_overdue_focus"):
            st.markdown(f"**{tm('steering.overdue.focus', id=row.id, title=row.title)}**")
            st.caption(
                t(
                    "steering.overdue.focus_detail",
                    owner=row.owner_person,
                    department=DEPARTMENT_NAMES.get(row.owner_department, row.owner_department),
                    due=day(pd.Timestamp(row.due_date).date()),
                    days=number(row.days_overdue),
                )
            )
    _show_table(overdue, OVERDUE_COLUMNS)


st.title(t("steering.title"))
st.caption(t("steering.caption", as_of=month(filters.as_of)))
_show_flash()

# A link from an overdue-action exception (tab=overdue, focus=<action id>) opens here with
# the overdue actions first, that action on top, so it is in view without scrolling.
overdue_first = st.query_params.get(TAB_PARAM) == STEERING_OVERDUE
replayable = cached(load_actions, up_to_month=filters.as_of)
overdue = overdue_actions(replayable, as_of_end=filters.as_of_end)
if overdue_first:
    _show_overdue(overdue, st.query_params.get(FOCUS_PARAM))

meeting_options = sorted(set(cached(load_meeting_months)) | {filters.as_of}, reverse=True)
meeting = st.selectbox(
    t("steering.meeting_month"),
    options=meeting_options,
    index=meeting_options.index(filters.as_of),
    key="steering_month",
    format_func={m: month(m) for m in meeting_options}.get,
)

# The due date's default follows the meeting month: a new month starts from its default.
if st.session_state.get("steering_due_for") != meeting:
    st.session_state.pop("steering_a_due", None)
    st.session_state["steering_due_for"] = meeting

# Recording into another month than the current meeting (the as-of month) changes that
# month's replay: the forms then ask for a confirmation first.
confirm_needed = needs_confirmation(meeting_month=meeting, current_month=filters.as_of)
if confirm_needed:
    st.warning(
        t("steering.other_month", month=month(meeting), current=month(filters.as_of)),
        icon=":material/history:",
    )

on_time, due = count_follow_through(replayable, as_of_end=filters.as_of_end)
rate = follow_through(replayable, as_of_end=filters.as_of_end)
open_actions = cached(load_actions, open_only=True)

rate_col, overdue_col, open_col = st.columns(3, border=True)
with rate_col:
    st.metric(
        t("steering.follow_through"),
        pct(rate.value) if rate.available else t("kpi.na"),
        help=t("steering.follow_through.help"),
    )
    st.caption(
        t("steering.follow_through.detail", on_time=on_time, due=due) if rate.available else t(rate.reason)
    )
with overdue_col:
    st.metric(t("steering.overdue"), number(len(overdue)), help=t("steering.overdue.help"))
with open_col:
    st.metric(t("steering.open_count"), number(len(open_actions)))

decisions = cached(load_decisions, meeting_month=meeting)
month_actions = cached(load_actions, meeting_month=meeting)

st.subheader(t("steering.decisions.header", month=month(meeting)))
_show_table(decisions, ["id", "title", "description", "project", "created_by", "created_at"])
st.subheader(t("steering.actions.header", month=month(meeting)))
_show_table(month_actions, ACTION_TABLE)
if not overdue_first:
    _show_overdue(overdue, None)
st.subheader(t("steering.open.header"))
_show_table(open_actions, ["id", "meeting_month", *ACTION_TABLE[1:]])

if not user.may(EDIT_DATA):
    st.info(t("steering.read_only"), icon=":material/lock:")
else:
    departments = cached(load_departments)
    department_codes = list(departments["code"])
    department_names = names_by_code(departments, lang())
    project_codes = ["", *cached(load_projects_list)["code"]]
    decision_options = [None, *[int(i) for i in decisions["id"]]]
    decision_labels = {None: t("steering.field.none")} | {
        int(i): f"#{i} {title}" for i, title in zip(decisions["id"], decisions["title"], strict=True)
    }

    add_decision_col, add_action_col = st.columns(2)
    with add_decision_col, st.form("steering_add_decision", clear_on_submit=True):
        st.subheader(t("steering.add_decision.header"))
        d_title = st.text_input(t("steering.field.title"), key="steering_d_title")
        d_description = st.text_area(t("steering.field.description"), key="steering_d_description")
        d_project = st.selectbox(
            t("steering.field.project"),
            options=project_codes,
            key="steering_d_project",
            format_func={
                code: PROJECT_LABELS.get(code, code) or t("steering.field.none") for code in project_codes
            }.get,
        )
        d_confirmed = (
            st.checkbox(t("steering.confirm_month", month=month(meeting)), key="steering_d_confirm")
            if confirm_needed
            else True
        )
        if st.form_submit_button(t("steering.submit.add_decision"), type="primary"):
            if not d_confirmed:
                st.error(t("steering.confirm_needed", month=month(meeting)))
                st.stop()
            try:
                new_id = _write(
                    create_decision,
                    meeting_month=meeting,
                    title=d_title,
                    description=d_description,
                    project_code=d_project or None,
                )
            except ValidationFailed as exc:
                st.error(_problems_text(exc.problems))
            except NotAllowed:
                st.error(t("auth.not_allowed"))
            else:
                _flash("success", t("steering.saved.decision", id=new_id))
                st.rerun()

    with add_action_col, st.form("steering_add_action", clear_on_submit=True):
        st.subheader(t("steering.add_action.header"))
        a_decision = st.selectbox(
            t("steering.field.decision"),
            options=decision_options,
            key="steering_a_decision",
            format_func=decision_labels.get,
        )
        a_title = st.text_input(t("steering.field.title"), key="steering_a_title")
        a_department = st.selectbox(
            t("steering.field.owner_department"),
            options=department_codes,
            key="steering_a_department",
            format_func=lambda code: department_names.get(code, code),
        )
        a_person = st.text_input(t("steering.field.owner_person"), key="steering_a_person")
        a_due = st.date_input(
            t("steering.field.due_date"),
            value=default_due_date(meeting),
            key="steering_a_due",
            format="DD-MM-YYYY",
            help=t("steering.field.due_date_help"),
        )
        a_status = st.selectbox(
            t("steering.field.status"),
            options=list(OPEN_STATUSES),
            key="steering_a_status",
            format_func=status_labels.get,
        )
        a_confirmed = (
            st.checkbox(t("steering.confirm_month", month=month(meeting)), key="steering_a_confirm")
            if confirm_needed
            else True
        )
        if st.form_submit_button(t("steering.submit.add_action"), type="primary"):
            if not a_confirmed:
                st.error(t("steering.confirm_needed", month=month(meeting)))
                st.stop()
            try:
                new_id = _write(
                    create_action,
                    meeting_month=meeting,
                    decision_id=a_decision,
                    title=a_title,
                    owner_department=a_department,
                    owner_person=a_person,
                    due_date=a_due,
                    status=a_status,
                )
            except ValidationFailed as exc:
                st.error(_problems_text(exc.problems))
            except NotAllowed:
                st.error(t("auth.not_allowed"))
            else:
                _flash("success", t("steering.saved.action", id=new_id))
                st.rerun()

    st.subheader(t("steering.edit_action.header"))
    editable = pd.concat([month_actions, open_actions]).drop_duplicates("id")
    if editable.empty:
        st.caption(t("steering.no_actions_to_edit"))
    else:
        labels = {
            int(row.id): t(
                "steering.action_option",
                id=row.id,
                title=row.title,
                status=status_labels[row.status],
                due=day(row.due_date),
            )
            for row in editable.itertuples(index=False)
        }
        chosen = st.selectbox(
            t("steering.field.action"), options=list(labels), key="steering_edit_id", format_func=labels.get
        )
        # The version the user started editing from is kept across reruns, so a save made
        # by someone else in between is detected instead of overwritten.
        snapshot = st.session_state.get(EDIT_KEY)
        if snapshot is None or snapshot["id"] != chosen:
            row = load_action(engine=get_engine(), action_id=chosen)
            snapshot = {"id": chosen, "version": row["version"], "row": row} if row else None
            st.session_state[EDIT_KEY] = snapshot
        if snapshot is None:
            st.warning(t("steering.not_found"))
        else:
            base = snapshot["row"]
            suffix = f"{snapshot['id']}_{snapshot['version']}"
            st.caption(t("steering.editing_version", version=snapshot["version"]))
            with st.form(f"steering_edit_{suffix}"):
                e_title = st.text_input(
                    t("steering.field.title"), value=base["title"], key=f"steering_e_title_{suffix}"
                )
                e_department = st.selectbox(
                    t("steering.field.owner_department"),
                    options=department_codes,
                    index=department_codes.index(base["owner_department"]),
                    key=f"steering_e_department_{suffix}",
                    format_func=lambda code: department_names.get(code, code),
                )
                e_person = st.text_input(
                    t("steering.field.owner_person"),
                    value=base["owner_person"],
                    key=f"steering_e_person_{suffix}",
                )
                e_due = st.date_input(
                    t("steering.field.due_date"),
                    value=base["due_date"],
                    key=f"steering_e_due_{suffix}",
                    format="DD-MM-YYYY",
                )
                e_status = st.selectbox(
                    t("steering.field.status"),
                    options=list(ACTION_STATUSES),
                    index=list(ACTION_STATUSES).index(base["status"]),
                    key=f"steering_e_status_{suffix}",
                    format_func=status_labels.get,
                )
                e_closed = st.date_input(
                    t("steering.field.closed_on"),
                    value=base["closed_on"],
                    key=f"steering_e_closed_{suffix}",
                    format="DD-MM-YYYY",
                    help=t("steering.field.closed_on_help"),
                )
                save = st.form_submit_button(t("steering.submit.save_action"), type="primary")
                close = base["status"] in OPEN_STATUSES and st.form_submit_button(
                    t("steering.submit.close_done")
                )
            if save or close:
                attempt = {
                    "id": snapshot["id"],
                    "title": e_title,
                    "owner_department": e_department,
                    "owner_person": e_person,
                    "due_date": e_due,
                    "status": "done" if close else e_status,
                    "closed_on": dt.date.today() if close else e_closed,
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
                            title=e_title,
                            owner_department=e_department,
                            owner_person=e_person,
                            due_date=e_due,
                            status=e_status,
                            closed_on=e_closed,
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
                    st.session_state[EDIT_KEY] = {
                        "id": current["id"],
                        "version": current["version"],
                        "row": current,
                    }
                    when = moment(exc.changed_at) if exc.changed_at else "?"
                    _flash(
                        "error",
                        t("steering.conflict", who=exc.changed_by or t("steering.conflict.someone"), at=when),
                        **{"steering.conflict.current": current, "steering.conflict.yours": attempt},
                    )
                    st.rerun()
                else:
                    st.session_state.pop(EDIT_KEY, None)
                    verb = "close" if close else "update"
                    _flash("success", t(f"steering.saved.{verb}", id=snapshot["id"], version=new_version))
                    st.rerun()

st.subheader(t("steering.audit.header"))
st.caption(t("steering.audit.caption"))
trail = cached(load_steering_trail)
if trail.empty:
    st.caption(t("steering.none"))
else:
    entity_labels = {e: t(f"steering.entity.{e}") for e in ("steering_action", "steering_decision")}
    trail_columns = ["at", "user_name", "entity", "entity_id", "action", "old_values", "new_values"]
    field_labels = {name: t(f"steering.field.{name}") for name in CHANGE_FIELDS}
    verbs = {verb: t(f"steering.trail.{verb}") for verb in ("create", "update", "close")}
    trail = with_labels(trail, column="entity", labels=entity_labels)
    trail = with_labels(trail, column="action", labels=verbs).assign(
        at=moments(trail["at"], missing=""),
        old_values=[
            describe_changes(v, labels=field_labels, value_labels=status_labels) for v in trail["old_values"]
        ],
        new_values=[
            describe_changes(v, labels=field_labels, value_labels=status_labels) for v in trail["new_values"]
        ],
    )
    st.dataframe(
        trail,
        column_order=trail_columns,
        column_config=_columns(trail_columns),
        hide_index=True,
    )
