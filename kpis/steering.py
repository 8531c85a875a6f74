"""The steering log: follow-through and overdue actions (what may be recorded is checked in domain.steering).

Definitions (used by the steering page and the Overview):
- An action *exists* at an as-of date when its meeting month is on or before the as-of month.
- An action is *due* by the as-of date when its due date is on or before the as-of month end.
- *As-of replay*: an action closed (done or cancelled) after the as-of month end counts as
  still open at that date; only `closed_on` tells when it closed, so a replayed action that
  is now `in_progress` or closed shows as `open` (the log keeps no status history).
- *Follow-through* = actions due by the as-of date that were done on or before their due date
  (and on or before the as-of date) / actions due by the as-of date. Actions cancelled on or
  before the as-of date are left out of both counts (a cancelled action is a decision not
  to do it, not a failure to follow through); one cancelled later counts as open then.
- *Overdue* at the as-of date: an existing action still open (open or in progress, after
  replay) whose due date is before the as-of month end. Actions done late are not overdue;
  they count against follow-through instead.
- *Default due date* (`default_due_date`): a new action is due at the next meeting. The
  meeting of month M reviews M's close; the next one reviews M + 1, so an action recorded at
  the meeting of M is due by the last day of M + 1. It is then neither overdue nor counted
  in M's follow-through; the next meeting sees it done or overdue.
- *Current meeting month*: the as-of month. Recording a decision or action into another
  month (a past meeting, or a future one) changes what that month's replay shows, so the
  page asks for confirmation first (`needs_confirmation`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

import pandas as pd

from domain.months import add_months, month_end
from domain.statuses import CLOSED_STATUSES, OPEN_STATUSES
from kpis.common import KpiValue, ratio


def default_due_date(meeting_month: dt.date) -> dt.date:
    """The due date a new action gets by default: the next meeting, i.e. the last day of the
    month after `meeting_month` (see the module's definitions)."""
    return month_end(add_months(meeting_month.replace(day=1), 1))


def needs_confirmation(*, meeting_month: dt.date, current_month: dt.date) -> bool:
    """Whether recording into `meeting_month` needs a confirmation: it is not the current
    meeting month (the as-of month), so an earlier or later meeting's record would change."""
    return meeting_month.replace(day=1) != current_month.replace(day=1)


def status_as_of(status: str, closed_on: dt.date | None, as_of_end: dt.date) -> str:
    """The status an action had at `as_of_end`: closed only if it closed by then, else as now or open."""
    if status in CLOSED_STATUSES:
        return status if closed_on is not None and closed_on <= as_of_end else "open"
    return status


def _dates(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column).dt.normalize()


def replay_actions(actions: pd.DataFrame, *, as_of_end: dt.date) -> pd.DataFrame:
    """Actions as they stood at `as_of_end`: only those that existed, with `status_then`.

    `actions` has meeting_month, due_date, status and closed_on (None while open);
    the result adds `status_then` (see `status_as_of`) and drops later meetings.
    """
    if actions.empty:
        return actions.assign(status_then=pd.Series(dtype="object"))
    cutoff = pd.Timestamp(as_of_end)
    existed = actions[_dates(actions["meeting_month"]) <= cutoff]
    closed = _dates(existed["closed_on"])
    closed_then = existed["status"].isin(CLOSED_STATUSES) & closed.notna() & (closed <= cutoff)
    status_then = existed["status"].where(closed_then | existed["status"].isin(OPEN_STATUSES), "open")
    return existed.assign(status_then=status_then)


def count_follow_through_by_month(
    actions: pd.DataFrame, *, as_of_ends: Sequence[dt.date]
) -> list[tuple[int, int]]:
    """(actions done by their due date, actions due) at each of `as_of_ends`; see `follow_through`.

    The as-of replay (`replay_actions`) in one pass: the dates are read once, and each month is
    a few comparisons over them (the Overview's and the health page's trends ask for 6 and 13
    months)."""
    if actions.empty:
        return [(0, 0)] * len(as_of_ends)
    meeting = _dates(actions["meeting_month"]).to_numpy()
    due_date = _dates(actions["due_date"]).to_numpy()
    closed = _dates(actions["closed_on"]).to_numpy()
    status = actions["status"]
    closed_status = status.isin(CLOSED_STATUSES).to_numpy()
    done = (status == "done").to_numpy(dtype=bool, na_value=False)
    cancelled = (status == "cancelled").to_numpy(dtype=bool, na_value=False)
    done_in_time = closed <= due_date  # False where either date is missing
    counts = []
    for as_of_end in as_of_ends:
        cutoff = pd.Timestamp(as_of_end).to_datetime64()
        # Closed by then (else replayed as open): only then is a done or cancelled status true.
        closed_then = closed_status & (closed <= cutoff)
        due = (meeting <= cutoff) & (due_date <= cutoff) & ~(closed_then & cancelled)
        on_time = due & closed_then & done & done_in_time
        counts.append((int(on_time.sum()), int(due.sum())))
    return counts


def count_follow_through(actions: pd.DataFrame, *, as_of_end: dt.date) -> tuple[int, int]:
    """(actions done by their due date, actions due) at `as_of_end`; see `follow_through`."""
    return count_follow_through_by_month(actions, as_of_ends=[as_of_end])[0]


def _follow_through(on_time: int, due: int) -> KpiValue:
    return ratio(float(on_time), float(due), reason_if_zero="kpi.na.no_actions_due")


def follow_through(actions: pd.DataFrame, *, as_of_end: dt.date) -> KpiValue:
    """Follow-through = actions done on or before their due date / actions due by `as_of_end`.

    Both counts leave out actions cancelled by then; an action closed after `as_of_end`
    counts as open (as-of replay). n/a (`kpi.na.no_actions_due`) when nothing was due yet.
    """
    return _follow_through(*count_follow_through(actions, as_of_end=as_of_end))


def follow_through_by_month(actions: pd.DataFrame, *, as_of_ends: Sequence[dt.date]) -> list[KpiValue]:
    """`follow_through` at each of `as_of_ends`, in one pass."""
    return [
        _follow_through(*counts) for counts in count_follow_through_by_month(actions, as_of_ends=as_of_ends)
    ]


def overdue_actions(actions: pd.DataFrame, *, as_of_end: dt.date) -> pd.DataFrame:
    """Actions overdue at `as_of_end`, most overdue first, with `days_overdue`.

    Overdue = existed then, still open or in progress then (after replay) and due before
    `as_of_end`; days overdue = as-of month end − due date, in days.
    """
    replayed = replay_actions(actions, as_of_end=as_of_end)
    if replayed.empty:
        return replayed.assign(days_overdue=pd.Series(dtype="int64"))
    cutoff = pd.Timestamp(as_of_end)
    due_date = _dates(replayed["due_date"])
    late = replayed["status_then"].isin(OPEN_STATUSES) & (due_date < cutoff)
    return (
        replayed[late]
        .assign(days_overdue=(cutoff - due_date[late]).dt.days.astype("int64"))
        .sort_values(["days_overdue", "title"], ascending=[False, True])
        .reset_index(drop=True)
    )


def with_labels(frame: pd.DataFrame, *, column: str, labels: dict[str, str]) -> pd.DataFrame:
    """`frame` with `column` replaced by its label (for display); unknown values stay as they are."""
    if frame.empty:
        return frame
    return frame.assign(**{column: frame[column].map(lambda value: labels.get(value, value))})


def actions_for_meeting(actions: pd.DataFrame, *, meeting_month: dt.date) -> pd.DataFrame:
    """What a meeting reviews: its own actions plus earlier ones still open, by due date.

    `actions` as data_access.steering.load_actions gives them (up to that meeting).
    """
    if actions.empty:
        return actions
    months = _dates(actions["meeting_month"])
    cutoff = pd.Timestamp(meeting_month)
    chosen = (months == cutoff) | ((months <= cutoff) & actions["status"].isin(OPEN_STATUSES))
    return actions[chosen].sort_values(["due_date", "id"]).reset_index(drop=True)


# The fields of a decision or action as the audit trail records them, in display order;
# their labels are the i18n keys steering.field.<name>.
CHANGE_FIELDS = (
    "meeting_month",
    "title",
    "description",
    "project_id",
    "decision_id",
    "owner_department_id",
    "owner_person",
    "due_date",
    "status",
    "closed_on",
)


def describe_changes(values: object, *, labels: dict[str, str], value_labels: dict[str, str]) -> str:
    """An audit row's old or new values in words: "Label: value; Label: value" in the order of
    CHANGE_FIELDS (unknown fields after them, by name, underscores as spaces), empty values
    as "–", codes such as a status through `value_labels` (code → label), internal ids as
    "#id". A JSON text is read first; anything else than a dict gives "".
    """
    names = value_labels
    if isinstance(values, str):
        try:
            values = json.loads(values)
        except ValueError:
            return values
    if not isinstance(values, dict) or not values:
        return ""
    order = {name: index for index, name in enumerate(CHANGE_FIELDS)}
    parts = []
    for key in sorted(values, key=lambda name: (order.get(name, len(order)), name)):
        value = values[key]
        if value is None or value == "":
            shown = "–"
        elif key.endswith("_id"):
            shown = f"#{value}"
        else:
            shown = str(names.get(value, value)) if isinstance(value, str) else str(value)
        parts.append(f"{labels.get(key, key.replace('_', ' '))}: {shown}")
    return "; ".join(parts)
