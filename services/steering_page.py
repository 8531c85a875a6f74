"""The Steering page's model: follow-through, overdue and open actions, the audit trail, and
the decisions and actions of the meeting month picked on the page.

`steering_page` gives what depends on the filters; `steering_meeting` what depends on the
meeting month (its options come from the first). No Streamlit here: views/steering.py lays
them out, ui/steering_tables.py shows the tables and ui/steering_forms.py holds the forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Engine

from data_access.reference import load_departments, load_projects_list
from data_access.steering import (
    load_actions,
    load_decisions,
    load_meeting_months,
    load_steering_trail,
)
from domain.filters import Filters
from domain.statuses import ACTION_STATUSES
from kpis.steering import (
    CHANGE_FIELDS,
    count_follow_through,
    describe_changes,
    follow_through,
    needs_confirmation,
    overdue_actions,
    with_labels,
)
from presentation.metrics import Metric, kpi_metric_text
from presentation.words import Words

TRAIL_ENTITIES = ("steering_action", "steering_decision")
TRAIL_VERBS = ("create", "update", "close")


@dataclass(frozen=True)
class SteeringPage:
    caption: str
    metrics: tuple[Metric, ...]  # follow-through, overdue, open
    overdue_header: str
    overdue: pd.DataFrame
    open_actions: pd.DataFrame
    meeting_options: tuple[dt.date, ...]  # newest first, the as-of month among them
    trail: pd.DataFrame  # labelled, changes in words; `at` still a stored time
    status_labels: Mapping[str, str]
    department_names: Mapping[str, str]
    department_codes: tuple[str, ...]
    project_labels: Mapping[str, str]  # code → "code name"
    project_codes: tuple[str, ...]

    def overdue_focus(self, focus: str | None) -> pd.DataFrame:
        """The overdue action a link names (`focus`, an action id), or no rows."""
        if not focus or self.overdue.empty:
            return self.overdue.iloc[0:0]
        return self.overdue[self.overdue["id"].astype(str) == focus]


@dataclass(frozen=True)
class SteeringMeeting:
    """One meeting month: its decisions and actions and what recording into it needs."""

    month: dt.date
    decisions_header: str
    decisions: pd.DataFrame
    actions_header: str
    actions: pd.DataFrame
    confirm_needed: bool  # recording into another month than the as-of month
    other_month_warning: str | None
    decision_options: tuple[int | None, ...]
    decision_labels: Mapping[int | None, str]


def _names(frame: pd.DataFrame, key: str, value: str) -> dict[str, str]:
    return dict(zip(frame[key], frame[value], strict=True))


def steering_page(*, engine: Engine, filters: Filters, lang: str) -> SteeringPage:
    """The Steering page for `filters` (the as-of month is the current meeting) in `lang`."""
    words = Words(lang)
    status_labels = {status: words.t(f"steering.status.{status}") for status in ACTION_STATUSES}
    departments = load_departments(engine=engine)
    projects = load_projects_list(engine=engine)
    replayable = load_actions(engine=engine, up_to_month=filters.as_of)
    overdue = overdue_actions(replayable, as_of_end=filters.as_of_end)
    open_actions = load_actions(engine=engine, open_only=True)
    on_time, due = count_follow_through(replayable, as_of_end=filters.as_of_end)
    rate = follow_through(replayable, as_of_end=filters.as_of_end)
    metrics = (
        kpi_metric_text(
            words.t("steering.follow_through"),
            rate,
            words.pct,
            lang,
            help_text=words.t("steering.follow_through.help"),
            detail=words.t("steering.follow_through.detail", on_time=on_time, due=due),
        ),
        Metric(
            words.t("steering.overdue"), words.number(len(overdue)), help=words.t("steering.overdue.help")
        ),
        Metric(words.t("steering.open_count"), words.number(len(open_actions))),
    )
    trail = load_steering_trail(engine=engine)
    if not trail.empty:
        field_labels = {name: words.t(f"steering.field.{name}") for name in CHANGE_FIELDS}
        trail = with_labels(
            trail, column="entity", labels={e: words.t(f"steering.entity.{e}") for e in TRAIL_ENTITIES}
        )
        trail = with_labels(
            trail, column="action", labels={verb: words.t(f"steering.trail.{verb}") for verb in TRAIL_VERBS}
        ).assign(
            old_values=[
                describe_changes(v, labels=field_labels, value_labels=status_labels)
                for v in trail["old_values"]
            ],
            new_values=[
                describe_changes(v, labels=field_labels, value_labels=status_labels)
                for v in trail["new_values"]
            ],
        )
    return SteeringPage(
        caption=words.t("steering.caption", as_of=words.month(filters.as_of)),
        metrics=metrics,
        overdue_header=words.t("steering.overdue.header", as_of=words.month(filters.as_of)),
        overdue=overdue,
        open_actions=open_actions,
        meeting_options=tuple(
            sorted(set(load_meeting_months(engine=engine)) | {filters.as_of}, reverse=True)
        ),
        trail=trail,
        status_labels=status_labels,
        department_names=_names(departments, "code", f"name_{lang}"),
        department_codes=tuple(departments["code"]),
        project_labels={
            code: f"{code} {name}" for code, name in zip(projects["code"], projects["name"], strict=True)
        },
        project_codes=("", *projects["code"]),
    )


def steering_meeting(*, engine: Engine, filters: Filters, meeting: dt.date, lang: str) -> SteeringMeeting:
    """The decisions and actions of meeting month `meeting`, in `lang`."""
    words = Words(lang)
    decisions = load_decisions(engine=engine, meeting_month=meeting)
    confirm_needed = needs_confirmation(meeting_month=meeting, current_month=filters.as_of)
    return SteeringMeeting(
        month=meeting,
        decisions_header=words.t("steering.decisions.header", month=words.month(meeting)),
        decisions=decisions,
        actions_header=words.t("steering.actions.header", month=words.month(meeting)),
        actions=load_actions(engine=engine, meeting_month=meeting),
        confirm_needed=confirm_needed,
        other_month_warning=words.t(
            "steering.other_month", month=words.month(meeting), current=words.month(filters.as_of)
        )
        if confirm_needed
        else None,
        decision_options=(None, *[int(i) for i in decisions["id"]]),
        decision_labels={None: words.t("steering.field.none")}
        | {int(i): f"#{i} {title}" for i, title in zip(decisions["id"], decisions["title"], strict=True)},
    )
