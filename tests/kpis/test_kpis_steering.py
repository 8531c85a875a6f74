"""Steering rules and the KPI catalogue as pure functions, on tiny hand-made frames."""

import datetime as dt
import math
import random
import re
from pathlib import Path

import pandas as pd
import pytest

from data_access.models import ACTION_STATUSES as SCHEMA_STATUSES
from domain.months import month_end
from domain.statuses import ACTION_STATUSES
from domain.steering import validate_action, validate_close, validate_decision
from domain.targets import DEFAULT_TARGETS, Target
from i18n import LANGUAGES, load_catalog
from kpis.catalogue import BY_CODE, CATALOGUE, TEXT_PARTS, catalogue_table, validate_target
from kpis.steering import (
    count_follow_through,
    count_follow_through_by_month,
    follow_through,
    follow_through_by_month,
    overdue_actions,
    replay_actions,
    status_as_of,
    with_labels,
)

D = dt.date
MAY = D(2026, 5, 1)
VALID = {
    "meeting_month": MAY,
    "title": "Plan opleveren",
    "owner_department": "IT",
    "owner_person": "J. de Vries",
    "due_date": D(2026, 6, 5),
    "status": "open",
}


def _keys(problems) -> list[str]:
    return [p.key for p in problems]


def test_statuses_match_the_schema() -> None:
    assert ACTION_STATUSES == SCHEMA_STATUSES


def test_a_valid_action_and_decision_have_no_problems() -> None:
    assert validate_action(**VALID) == []
    assert validate_action(**VALID | {"status": "done", "closed_on": D(2026, 6, 1)}) == []
    assert validate_decision(meeting_month=MAY, title="Besluit", description=None) == []


@pytest.mark.parametrize(
    ("change", "field", "key"),
    [
        ({"title": "   "}, "title", "steering.error.title_required"),
        ({"title": None}, "title", "steering.error.title_required"),
        ({"title": "x" * 201}, "title", "steering.error.too_long"),
        ({"owner_person": ""}, "owner_person", "steering.error.owner_person_required"),
        ({"owner_department": ""}, "owner_department", "steering.error.owner_department_required"),
        ({"due_date": "2026-06-05"}, "due_date", "steering.error.due_date_invalid"),
        ({"due_date": D(2026, 4, 30)}, "due_date", "steering.error.due_before_meeting"),
        ({"status": "finished"}, "status", "steering.error.status_invalid"),
        ({"status": "done"}, "closed_on", "steering.error.closed_on_required"),
        (
            {"status": "cancelled", "closed_on": D(2026, 4, 1)},
            "closed_on",
            "steering.error.closed_before_meeting",
        ),
        ({"closed_on": D(2026, 6, 1)}, "closed_on", "steering.error.closed_on_open"),
        ({"meeting_month": D(2026, 5, 2)}, "meeting_month", "steering.error.meeting_month_first"),
        ({"meeting_month": None}, "meeting_month", "steering.error.meeting_month_invalid"),
    ],
)
def test_each_bad_action_field_gets_its_own_message(change, field, key) -> None:
    problems = validate_action(**VALID | change)
    assert [(p.field, p.key) for p in problems] == [(field, key)]


def test_title_of_exactly_200_characters_is_fine_and_length_is_reported() -> None:
    assert validate_action(**VALID | {"title": "x" * 200}) == []
    (problem,) = validate_action(**VALID | {"title": "x" * 250})
    assert problem.params == {"max": 200, "length": 250}


def test_unknown_department_when_the_list_is_given() -> None:
    assert _keys(validate_action(**VALID, departments=("MKT", "FIN"))) == [
        "steering.error.owner_department_unknown"
    ]
    assert validate_action(**VALID, departments=("MKT", "IT")) == []


def test_closing_needs_a_closed_status_and_date() -> None:
    assert validate_close(status="done", closed_on=D(2026, 6, 1), meeting_month=MAY) == []
    assert _keys(validate_close(status="open", closed_on=None, meeting_month=MAY)) == [
        "steering.error.close_status",
        "steering.error.closed_on_required",
    ]


def test_decision_title_required() -> None:
    assert _keys(validate_decision(meeting_month=MAY, title="")) == ["steering.error.title_required"]


def _actions() -> pd.DataFrame:
    rows = [
        # title, meeting, due, status, closed_on
        ("a on time", MAY, D(2026, 6, 5), "done", D(2026, 6, 3)),
        ("b late", MAY, D(2026, 6, 5), "done", D(2026, 6, 12)),
        ("c cancelled", MAY, D(2026, 6, 30), "cancelled", D(2026, 6, 26)),
        ("d open", D(2026, 6, 1), D(2026, 6, 20), "open", None),
        ("e later meeting", D(2026, 7, 1), D(2026, 7, 20), "in_progress", None),
        ("f not due", MAY, D(2026, 8, 31), "done", D(2026, 6, 2)),
    ]
    return pd.DataFrame(rows, columns=["title", "meeting_month", "due_date", "status", "closed_on"])


def test_follow_through_at_june_close() -> None:
    # Due by 30 June and not cancelled: a, b, d. Done by due date: a. → 1 / 3.
    assert count_follow_through(_actions(), as_of_end=D(2026, 6, 30)) == (1, 3)
    assert follow_through(_actions(), as_of_end=D(2026, 6, 30)).value == pytest.approx(1 / 3)


def test_follow_through_replays_the_past() -> None:
    # At 10 June: c was still open (cancelled on 26 June) but not due; b was open (closed 12 June).
    assert count_follow_through(_actions(), as_of_end=D(2026, 6, 10)) == (1, 2)
    # At 31 August: e (due 20 July, still in progress) and f (done early) join → a, f of a, b, d, e, f.
    assert count_follow_through(_actions(), as_of_end=D(2026, 8, 31)) == (2, 5)


def _follow_through_by_replay(actions: pd.DataFrame, as_of_end: dt.date) -> tuple[int, int]:
    """The definition read straight: replay the log at `as_of_end`, then count."""
    replayed = replay_actions(actions, as_of_end=as_of_end)
    cutoff = pd.Timestamp(as_of_end)
    due = replayed[
        (pd.to_datetime(replayed["due_date"]) <= cutoff) & (replayed["status_then"] != "cancelled")
    ]
    done = due[due["status_then"] == "done"]
    on_time = done[pd.to_datetime(done["closed_on"]) <= pd.to_datetime(done["due_date"])]
    return len(on_time), len(due)


def test_follow_through_by_month_is_the_replay_of_each_month_on_random_logs() -> None:
    rng = random.Random(7)
    month_ends = [month_end(D(2025, 11 + i, 1) if i < 2 else D(2026, i - 1, 1)) for i in range(14)]
    for case in range(60):
        rows = []
        for _ in range(rng.randint(0, 40)):
            meeting = D(2025, 11, 1) + dt.timedelta(days=rng.randint(0, 420))
            due = None if rng.random() < 0.05 else meeting + dt.timedelta(days=rng.randint(-10, 120))
            status = rng.choice(["open", "in_progress", "done", "cancelled"])
            closed = (
                meeting + dt.timedelta(days=rng.randint(0, 150)) if status in ("done", "cancelled") else None
            )
            if status == "done" and rng.random() < 0.05:
                closed = None  # a done action without its date: never counted as done in time
            rows.append(("t", meeting.replace(day=1), due, status, closed))
        actions = pd.DataFrame(rows, columns=["title", "meeting_month", "due_date", "status", "closed_on"])
        expected = [_follow_through_by_replay(actions, end) for end in month_ends]
        assert count_follow_through_by_month(actions, as_of_ends=month_ends) == expected, case
        assert [value.value for value in follow_through_by_month(actions, as_of_ends=month_ends)] == [
            on_time / due if due else None for on_time, due in expected
        ]
        assert [count_follow_through(actions, as_of_end=end) for end in month_ends] == expected


def test_follow_through_is_na_when_nothing_is_due() -> None:
    value = follow_through(_actions(), as_of_end=D(2026, 5, 31))
    assert value.value is None and value.reason == "kpi.na.no_actions_due"
    assert follow_through(_actions().iloc[0:0], as_of_end=D(2026, 6, 30)).reason == "kpi.na.no_actions_due"


def test_replay_status_and_existing_actions() -> None:
    replayed = replay_actions(_actions(), as_of_end=D(2026, 6, 10))
    assert "e later meeting" not in set(replayed["title"])
    assert dict(zip(replayed["title"], replayed["status_then"], strict=True)) == {
        "a on time": "done",
        "b late": "open",
        "c cancelled": "open",
        "d open": "open",
        "f not due": "done",
    }
    assert status_as_of("done", D(2026, 7, 1), D(2026, 6, 30)) == "open"
    assert status_as_of("cancelled", D(2026, 6, 1), D(2026, 6, 30)) == "cancelled"
    assert status_as_of("in_progress", None, D(2026, 6, 30)) == "in_progress"


def test_overdue_actions_most_late_first() -> None:
    at_june_10 = overdue_actions(_actions(), as_of_end=D(2026, 6, 10))
    assert list(at_june_10["title"]) == ["b late"]
    assert list(at_june_10["days_overdue"]) == [5]
    at_july = overdue_actions(_actions(), as_of_end=D(2026, 7, 31))
    assert list(at_july["title"]) == ["d open", "e later meeting"]
    assert list(at_july["days_overdue"]) == [41, 11]
    # Due on the as-of day itself is not overdue yet; a day later it is.
    assert overdue_actions(_actions(), as_of_end=D(2026, 6, 20)).empty
    assert list(overdue_actions(_actions(), as_of_end=D(2026, 6, 21))["title"]) == ["d open"]


def test_with_labels_translates_known_values_only() -> None:
    frame = pd.DataFrame({"status": ["open", "weird"]})
    assert list(with_labels(frame, column="status", labels={"open": "Open!"})["status"]) == ["Open!", "weird"]
    assert list(frame["status"]) == ["open", "weird"]


def test_catalogue_covers_every_target_and_has_texts_in_both_languages() -> None:
    codes = [kpi.code for kpi in CATALOGUE]
    assert len(codes) == len(set(codes))
    assert set(DEFAULT_TARGETS) <= set(codes)
    assert len(codes) > len(DEFAULT_TARGETS)
    catalog = load_catalog()
    for kpi in CATALOGUE:
        if kpi.has_target:
            assert kpi.direction == DEFAULT_TARGETS[kpi.code].direction, kpi.code
        keys = [kpi.text_key(part) for part in TEXT_PARTS]
        keys += [
            f"catalogue.unit.{kpi.unit}",
            f"catalogue.group.{kpi.group}",
            f"catalogue.direction.{kpi.direction}",
        ]
        for key in keys:
            assert all(catalog.get(key, {}).get(lang) for lang in LANGUAGES), key


@pytest.mark.parametrize(
    ("green", "amber", "direction", "keys"),
    [
        (0.9, 0.8, "higher", []),
        (0.8, 0.8, "higher", []),
        (0.7, 0.8, "higher", ["catalogue.error.order_higher"]),
        (10.0, 15.0, "lower", []),
        (20.0, 15.0, "lower", ["catalogue.error.order_lower"]),
        (math.inf, 0.5, "higher", ["catalogue.error.not_finite"]),
        (0.5, math.nan, "higher", ["catalogue.error.not_finite"]),
        (None, 0.5, "higher", ["catalogue.error.not_finite"]),
    ],
)
def test_target_validation(green, amber, direction, keys) -> None:
    assert _keys(validate_target(green=green, amber=amber, direction=direction)) == keys


def test_catalogue_table_joins_targets_and_who_changed_them() -> None:
    targets = dict(DEFAULT_TARGETS) | {"cpi": Target(green=0.9, amber=0.7)}
    changes = pd.DataFrame(
        [("cpi", 0.9, 0.7, "cio@example.nl", dt.datetime(2026, 11, 2, 9, 30))],
        columns=["kpi", "green", "amber", "updated_by", "updated_at"],
    )
    table = catalogue_table(targets=targets, changes=changes, translate=lambda key: f"<{key}>").set_index(
        "code"
    )
    assert len(table) == len(CATALOGUE)
    assert table.loc["cpi", ["green", "amber", "updated_by"]].tolist() == [0.9, 0.7, "cio@example.nl"]
    assert table.loc["cpi", "name"] == "<catalogue.cpi.name>"
    assert table.loc["spi", "green"] == DEFAULT_TARGETS["spi"].green and pd.isna(
        table.loc["spi", "updated_by"]
    )
    assert pd.isna(table.loc["eac", "green"]) and pd.isna(table.loc["eac", "amber"])
    assert BY_CODE["follow_through"].has_target and not BY_CODE["eac"].has_target
    # A band (budget realisation) has no better direction: the column says "within the band".
    assert table.loc["budget_realisation", "direction"] == "<catalogue.direction.band>"
    assert table.loc["cpi", "direction"] == "<catalogue.direction.higher>"


KEY_CALL = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")


STEERING_FILES = (
    "views/steering.py",
    "services/steering_page.py",
    "ui/steering_tables.py",
    "ui/steering_forms.py",
)


@pytest.mark.parametrize("files", [STEERING_FILES, ("views/catalogue.py",)], ids=["steering", "catalogue"])
def test_every_key_on_the_pages_exists(files) -> None:
    # The page with its model, tables and forms.
    root = Path(__file__).resolve().parents[2]
    text = "\n".join((root / name).read_text(encoding="utf-8") for name in files)
    used = set(KEY_CALL.findall(text))
    assert len(used) > 10
    assert sorted(used - set(load_catalog())) == []


def test_default_due_date_is_the_next_meeting_and_other_months_need_confirmation() -> None:
    from kpis.steering import default_due_date, needs_confirmation

    assert default_due_date(dt.date(2026, 10, 1)) == dt.date(2026, 11, 30)
    assert default_due_date(dt.date(2026, 12, 1)) == dt.date(2027, 1, 31)
    assert default_due_date(dt.date(2026, 1, 1)) == dt.date(2026, 2, 28)
    october = dt.date(2026, 10, 1)
    assert not needs_confirmation(meeting_month=october, current_month=october)
    assert needs_confirmation(meeting_month=dt.date(2026, 9, 1), current_month=october)
    assert needs_confirmation(meeting_month=dt.date(2026, 11, 1), current_month=october)


def test_an_action_due_at_the_next_meeting_leaves_this_months_follow_through() -> None:
    from kpis.steering import default_due_date

    october = dt.date(2026, 10, 1)
    actions = pd.DataFrame(
        {
            "meeting_month": [dt.date(2026, 9, 1), october],
            "title": ["earlier", "new"],
            "due_date": [dt.date(2026, 10, 15), default_due_date(october)],
            "status": ["done", "open"],
            "closed_on": [dt.date(2026, 10, 10), None],
        }
    )
    assert count_follow_through(actions, as_of_end=dt.date(2026, 10, 31)) == (1, 1)
    assert overdue_actions(actions, as_of_end=dt.date(2026, 10, 31)).empty
    assert count_follow_through(actions, as_of_end=dt.date(2026, 11, 30)) == (1, 2)


def test_audit_values_in_words() -> None:
    from kpis.steering import describe_changes

    labels = {"title": "Title", "status": "Status", "due_date": "Due date", "project_id": "Project"}
    text = describe_changes(
        '{"status": "in_progress", "title": "X", "project_id": 3, "closed_on": null}',
        labels=labels,
        value_labels={"in_progress": "In progress"},
    )
    assert text == "Title: X; Project: #3; Status: In progress; closed on: –"
    assert describe_changes(None, labels=labels, value_labels={}) == ""
