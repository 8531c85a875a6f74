"""Validation of steering decisions and actions, before anything is written: the rules the
steering page shows and the data layer enforces (a refused input writes nothing)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from domain.statuses import ACTION_STATUSES, CLOSED_STATUSES

MAX_TITLE = 200
MAX_PERSON = 200
MAX_DESCRIPTION = 5000


@dataclass(frozen=True)
class Problem:
    """One validation problem: the field it concerns and an i18n key with its parameters."""

    field: str
    key: str
    params: dict[str, object] = field(default_factory=dict)


class ValidationFailed(ValueError):
    """Input was refused; `problems` says what is wrong, field by field. Nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.key for p in problems))
        self.problems = problems


def _text_problems(name: str, value: object, *, required: bool, maximum: int) -> list[Problem]:
    text = value.strip() if isinstance(value, str) else ""
    if value is not None and not isinstance(value, str):
        return [Problem(name, "steering.error.not_text")]
    if required and not text:
        return [Problem(name, f"steering.error.{name}_required")]
    if len(text) > maximum:
        return [Problem(name, "steering.error.too_long", {"max": maximum, "length": len(text)})]
    return []


def _is_date(value: object) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _month_problems(meeting_month: object) -> list[Problem]:
    if not _is_date(meeting_month):
        return [Problem("meeting_month", "steering.error.meeting_month_invalid")]
    assert isinstance(meeting_month, dt.date)
    if meeting_month.day != 1:
        return [Problem("meeting_month", "steering.error.meeting_month_first")]
    return []


def validate_decision(*, meeting_month: object, title: object, description: object = None) -> list[Problem]:
    """Problems with a decision: meeting month the first of a month, title 1–200 characters."""
    return [
        *_month_problems(meeting_month),
        *_text_problems("title", title, required=True, maximum=MAX_TITLE),
        *_text_problems("description", description, required=False, maximum=MAX_DESCRIPTION),
    ]


def validate_action(
    *,
    meeting_month: object,
    title: object,
    owner_department: object,
    owner_person: object,
    due_date: object,
    status: object,
    closed_on: object = None,
    departments: tuple[str, ...] | None = None,
) -> list[Problem]:
    """Problems with an action, each with a clear message key.

    Title 1–200 characters; owner department one of `departments` (when given); owner
    person required (≤ 200); due date a date not before the meeting month; status one of
    open, in progress, done, cancelled; a done or cancelled action has a closing date (on or
    after the meeting month), an open one has none.
    """
    problems = [
        *_month_problems(meeting_month),
        *_text_problems("title", title, required=True, maximum=MAX_TITLE),
        *_text_problems("owner_person", owner_person, required=True, maximum=MAX_PERSON),
    ]
    if not isinstance(owner_department, str) or not owner_department.strip():
        problems.append(Problem("owner_department", "steering.error.owner_department_required"))
    elif departments is not None and owner_department not in departments:
        problems.append(Problem("owner_department", "steering.error.owner_department_unknown"))
    month_ok = not _month_problems(meeting_month)
    if not _is_date(due_date):
        problems.append(Problem("due_date", "steering.error.due_date_invalid"))
    elif month_ok and due_date < meeting_month:  # type: ignore[operator]
        problems.append(Problem("due_date", "steering.error.due_before_meeting"))
    if status not in ACTION_STATUSES:
        problems.append(Problem("status", "steering.error.status_invalid"))
    elif status in CLOSED_STATUSES:
        if not _is_date(closed_on):
            problems.append(Problem("closed_on", "steering.error.closed_on_required"))
        elif month_ok and closed_on < meeting_month:  # type: ignore[operator]
            problems.append(Problem("closed_on", "steering.error.closed_before_meeting"))
    elif closed_on is not None:
        problems.append(Problem("closed_on", "steering.error.closed_on_open"))
    return problems


def validate_close(*, status: object, closed_on: object, meeting_month: dt.date) -> list[Problem]:
    """Problems with closing an action: status done or cancelled, a closing date not before the meeting."""
    problems: list[Problem] = []
    if status not in CLOSED_STATUSES:
        problems.append(Problem("status", "steering.error.close_status"))
    if not _is_date(closed_on):
        problems.append(Problem("closed_on", "steering.error.closed_on_required"))
    elif closed_on < meeting_month:  # type: ignore[operator]
        problems.append(Problem("closed_on", "steering.error.closed_before_meeting"))
    return problems
