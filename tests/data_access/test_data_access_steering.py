"""The steering log on real SQLite and PostgreSQL: writes, audit trail, conflicts, rights."""

import datetime as dt
import json

import pytest

from access.roles import NotAllowed, User
from data_access.audit import load_audit_trail
from data_access.engine import read_data_version
from data_access.steering import (
    ConflictError,
    close_action,
    create_action,
    create_decision,
    load_action,
    load_actions,
    load_decisions,
    load_meeting_months,
    load_steering_trail,
    update_action,
    update_decision,
)
from data_access.targets import load_target_changes, save_target
from domain.steering import ValidationFailed
from domain.targets import Target
from kpis.steering import follow_through
from tests.factories import insert_tiny_portfolio

D = dt.date
MAY = D(2026, 5, 1)
ANNA = User(name="anna@example.nl", email="anna@example.nl", role="editor")
BERT = User(name="bert@example.nl", email="bert@example.nl", role="cio")
VIEWER = User(name="v", email=None, role="viewer")


@pytest.fixture
def tiny(empty_engine):
    insert_tiny_portfolio(empty_engine)
    return empty_engine


def _action(engine, **overrides) -> int:
    values = {
        "meeting_month": MAY,
        "title": "Herziene planning opleveren",
        "owner_department": "IT",
        "owner_person": "J. de Vries",
        "due_date": D(2026, 6, 5),
    } | overrides
    return create_action(engine=engine, user=ANNA, **values)


def test_create_decision_and_action_read_back_with_audit(tiny) -> None:
    decision_id = create_decision(
        engine=tiny,
        user=ANNA,
        meeting_month=MAY,
        title="  Herplanning CDP  ",
        description="",
        project_code="A",
    )
    action_id = _action(tiny, decision_id=decision_id)
    decisions = load_decisions(engine=tiny, meeting_month=MAY)
    assert decisions[["id", "title", "description", "project", "created_by", "version"]].values.tolist() == [
        [decision_id, "Herplanning CDP", None, "A", "anna@example.nl", 1]
    ]
    action = load_action(engine=tiny, action_id=action_id)
    assert action is not None
    assert (action["decision_title"], action["owner_department"], action["status"], action["version"]) == (
        "Herplanning CDP",
        "IT",
        "open",
        1,
    )
    assert action["due_date"] == D(2026, 6, 5) and action["closed_on"] is None
    assert load_meeting_months(engine=tiny) == [MAY]
    trail = load_steering_trail(engine=tiny)
    assert list(trail["action"]) == ["create", "create"]
    assert set(trail["user_name"]) == {"anna@example.nl"}
    created = json.loads(trail.iloc[0]["new_values"])
    assert created["title"] == "Herziene planning opleveren" and created["owner_department"] == "IT"
    assert trail.iloc[0]["old_values"] is None
    assert read_data_version(tiny) == 1 + 2  # the factory's bump, then one per write


def test_update_and_close_record_old_and_new_values(tiny) -> None:
    action_id = _action(tiny)
    version = update_action(
        engine=tiny,
        user=BERT,
        action_id=action_id,
        expected_version=1,
        title="Herziene planning opleveren",
        owner_department="MKT",
        owner_person="S. Bakker",
        due_date=D(2026, 6, 30),
        status="in_progress",
    )
    assert version == 2
    version = close_action(
        engine=tiny, user=BERT, action_id=action_id, expected_version=2, closed_on=D(2026, 6, 28)
    )
    assert version == 3
    action = load_action(engine=tiny, action_id=action_id)
    assert (action["owner_department"], action["owner_person"], action["status"], action["closed_on"]) == (
        "MKT",
        "S. Bakker",
        "done",
        D(2026, 6, 28),
    )
    trail = load_audit_trail(engine=tiny, entity="steering_action", entity_id=str(action_id))
    assert list(trail["action"]) == ["close", "update", "create"]
    update_old, update_new = json.loads(trail.iloc[1]["old_values"]), json.loads(trail.iloc[1]["new_values"])
    assert update_old == {
        "owner_department": "IT",
        "owner_person": "J. de Vries",
        "due_date": "2026-06-05",
        "status": "open",
        "version": 1,
    }
    assert update_new == {
        "owner_department": "MKT",
        "owner_person": "S. Bakker",
        "due_date": "2026-06-30",
        "status": "in_progress",
        "version": 2,
    }
    assert json.loads(trail.iloc[0]["new_values"]) == {
        "status": "done",
        "closed_on": "2026-06-28",
        "version": 3,
    }
    assert follow_through(load_actions(engine=tiny), as_of_end=D(2026, 6, 30)).value == 1.0


def test_concurrent_edit_second_is_told_and_first_is_kept(tiny) -> None:
    action_id = _action(tiny)
    anna_read = load_action(engine=tiny, action_id=action_id)
    bert_read = load_action(engine=tiny, action_id=action_id)
    assert anna_read["version"] == bert_read["version"] == 1
    update_action(
        engine=tiny,
        user=ANNA,
        action_id=action_id,
        expected_version=anna_read["version"],
        title="Anna's title",
        owner_department="IT",
        owner_person="J. de Vries",
        due_date=D(2026, 6, 5),
        status="in_progress",
    )
    with pytest.raises(ConflictError) as caught:
        update_action(
            engine=tiny,
            user=BERT,
            action_id=action_id,
            expected_version=bert_read["version"],
            title="Bert's title",
            owner_department="FIN",
            owner_person="M. Jansen",
            due_date=D(2026, 7, 1),
            status="open",
        )
    conflict = caught.value
    assert conflict.changed_by == "anna@example.nl"
    assert isinstance(conflict.changed_at, dt.datetime)
    assert conflict.current["title"] == "Anna's title" and conflict.current["version"] == 2
    stored = load_action(engine=tiny, action_id=action_id)
    assert (stored["title"], stored["owner_department"], stored["status"], stored["version"]) == (
        "Anna's title",
        "IT",
        "in_progress",
        2,
    )
    with pytest.raises(ConflictError):
        close_action(engine=tiny, user=BERT, action_id=action_id, expected_version=1, closed_on=D(2026, 6, 1))
    trail = load_audit_trail(engine=tiny, entity="steering_action")
    assert list(trail["user_name"]) == ["anna@example.nl", "anna@example.nl"]


def test_decision_update_conflict(tiny) -> None:
    decision_id = create_decision(engine=tiny, user=ANNA, meeting_month=MAY, title="Eerste titel")
    assert (
        update_decision(engine=tiny, user=ANNA, decision_id=decision_id, expected_version=1, title="Tweede")
        == 2
    )
    with pytest.raises(ConflictError) as caught:
        update_decision(engine=tiny, user=BERT, decision_id=decision_id, expected_version=1, title="Derde")
    assert caught.value.current["title"] == "Tweede" and caught.value.changed_by == "anna@example.nl"
    assert load_decisions(engine=tiny)["title"].tolist() == ["Tweede"]


def test_bad_input_writes_nothing(tiny) -> None:
    version_before = read_data_version(tiny)
    with pytest.raises(ValidationFailed) as caught:
        _action(tiny, title="", owner_person=" ", due_date=D(2026, 4, 1))
    assert [p.key for p in caught.value.problems] == [
        "steering.error.title_required",
        "steering.error.owner_person_required",
        "steering.error.due_before_meeting",
    ]
    with pytest.raises(ValidationFailed):
        _action(tiny, owner_department="NOPE")
    with pytest.raises(ValidationFailed):
        create_decision(engine=tiny, user=ANNA, meeting_month=MAY, title="x", project_code="NOPE")
    action_id = _action(tiny)
    with pytest.raises(ValidationFailed):
        close_action(
            engine=tiny,
            user=ANNA,
            action_id=action_id,
            expected_version=1,
            closed_on=D(2026, 6, 1),
            status="open",
        )
    assert load_action(engine=tiny, action_id=action_id)["version"] == 1
    close_action(engine=tiny, user=ANNA, action_id=action_id, expected_version=1, closed_on=D(2026, 6, 1))
    with pytest.raises(ValidationFailed) as caught:
        close_action(engine=tiny, user=ANNA, action_id=action_id, expected_version=2, closed_on=D(2026, 7, 1))
    assert [p.key for p in caught.value.problems] == ["steering.error.already_closed"]
    assert load_action(engine=tiny, action_id=action_id)["closed_on"] == D(2026, 6, 1)
    assert len(load_actions(engine=tiny)) == 1 and load_decisions(engine=tiny).empty
    assert len(load_steering_trail(engine=tiny)) == 2
    assert read_data_version(tiny) == version_before + 2


def test_a_viewer_is_refused_at_the_function_level(tiny) -> None:
    with pytest.raises(NotAllowed):
        create_decision(engine=tiny, user=VIEWER, meeting_month=MAY, title="Niet toegestaan")
    with pytest.raises(NotAllowed):
        create_action(
            engine=tiny,
            user=VIEWER,
            meeting_month=MAY,
            title="x",
            owner_department="IT",
            owner_person="y",
            due_date=D(2026, 6, 1),
        )
    action_id = _action(tiny)
    with pytest.raises(NotAllowed):
        close_action(
            engine=tiny, user=VIEWER, action_id=action_id, expected_version=1, closed_on=D(2026, 6, 1)
        )
    assert load_action(engine=tiny, action_id=action_id)["status"] == "open"
    assert load_decisions(engine=tiny).empty


def test_open_only_and_month_filters(tiny) -> None:
    first = _action(tiny)
    _action(tiny, meeting_month=D(2026, 6, 1), title="Juni-actie", due_date=D(2026, 6, 30))
    close_action(engine=tiny, user=ANNA, action_id=first, expected_version=1, closed_on=D(2026, 5, 20))
    assert load_actions(engine=tiny, open_only=True)["title"].tolist() == ["Juni-actie"]
    assert load_actions(engine=tiny, meeting_month=MAY)["id"].tolist() == [first]
    assert load_actions(engine=tiny, up_to_month=MAY)["id"].tolist() == [first]
    assert load_meeting_months(engine=tiny) == [MAY, D(2026, 6, 1)]


def test_target_changes_show_who_and_when(empty_engine) -> None:
    assert load_target_changes(engine=empty_engine).empty
    save_target(
        engine=empty_engine, kpi="follow_through", target=Target(green=0.9, amber=0.7), user_name="cmo"
    )
    changes = load_target_changes(engine=empty_engine)
    assert changes[["kpi", "green", "amber", "updated_by"]].values.tolist() == [
        ["follow_through", 0.9, 0.7, "cmo"]
    ]
    updated_at = changes.iloc[0]["updated_at"]
    assert abs(updated_at.to_pydatetime() - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(
        minutes=5
    )


def test_demo_follow_through(demo_engine) -> None:
    # Hand count in the demo log at the October 2026 close: 11 actions due (one cancelled
    # left out), 6 done by their due date.
    actions = load_actions(engine=demo_engine, up_to_month=D(2026, 10, 1))
    assert follow_through(actions, as_of_end=D(2026, 10, 31)).value == pytest.approx(6 / 11)
    assert len(load_actions(engine=demo_engine, open_only=True)) == 7


def test_two_simultaneous_saves_one_wins_one_is_told(tiny) -> None:
    import threading

    action_id = _action(tiny)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(user: User, title: str) -> None:
        barrier.wait()
        try:
            outcomes[user.name] = update_action(
                engine=tiny,
                user=user,
                action_id=action_id,
                expected_version=1,
                title=title,
                owner_department="IT",
                owner_person="J. de Vries",
                due_date=D(2026, 6, 5),
                status="open",
            )
        except ConflictError as exc:
            outcomes[user.name] = exc

    threads = [threading.Thread(target=save, args=(u, f"by {u.name}")) for u in (ANNA, BERT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    winners = [name for name, outcome in outcomes.items() if outcome == 2]
    losers = [outcome for outcome in outcomes.values() if isinstance(outcome, ConflictError)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    stored = load_action(engine=tiny, action_id=action_id)
    assert (stored["title"], stored["version"]) == (f"by {winners[0]}", 2)
    assert losers[0].current["title"] == f"by {winners[0]}" and losers[0].changed_by == winners[0]
