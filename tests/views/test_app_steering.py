"""AppTest: the steering log and the KPI catalogue pages, writing through the forms."""

import datetime as dt
import sqlite3

import pytest

import ui.auth
from access.roles import User
from data_access.engine import create_db_engine
from data_access.steering import load_action, load_actions, load_decisions, update_action
from data_access.targets import load_target_changes, load_targets
from i18n.format import format_pct
from kpis.steering import follow_through, overdue_actions
from tests.apptest_helpers import metric_values, open_app

STEERING = "views/steering.py"
CATALOGUE = "views/catalogue.py"
BERT = User(name="bert@example.nl", email=None, role="cio")


@pytest.fixture
def writable(demo_sqlite_engine, tmp_path):
    """A private copy of the demo database that a test may write to: (url, engine)."""
    path = tmp_path / "demo-copy.db"
    source = sqlite3.connect(demo_sqlite_engine.url.database)
    target = sqlite3.connect(path)
    source.backup(target)
    source.close()
    target.close()
    engine = create_db_engine(f"sqlite:///{path}")
    yield f"sqlite:///{path}", engine
    engine.dispose()


def _button(at, label):
    matches = [b for b in at.button if b.label == label]
    assert matches, [b.label for b in at.button]
    return matches[0]


def _shown_texts(at) -> str:
    parts = [e.value for e in at.error] + [s.value for s in at.success] + [w.value for w in at.warning]
    return " ".join(parts)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_steering_page_shows_the_demo_figures(monkeypatch, demo_sqlite_engine, demo_sqlite_url, lang) -> None:
    """October 2026 in the demo: 55% of the actions due were done on time, 3 are overdue."""
    at = open_app(monkeypatch, demo_sqlite_url, page=STEERING, query={"lang": lang})
    filters = at.session_state["filters"]
    labels = {
        "nl": ("Besluiten en acties", "Opvolging acties", "Achterstallige acties"),
        "en": ("Decisions and actions", "Follow-through of actions", "Overdue actions"),
    }[lang]
    assert at.title[0].value == labels[0]
    shown = metric_values(at)
    assert shown[labels[1]] == "55%"
    assert shown[labels[2]] == "3"
    decisions_table = at.dataframe[0].value
    assert set(decisions_table["title"]) == set(
        load_decisions(engine=demo_sqlite_engine, meeting_month=filters.as_of)["title"]
    )


def test_an_overdue_action_link_opens_on_that_action(
    monkeypatch, demo_sqlite_engine, demo_sqlite_url
) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=STEERING, query={"lang": "en"})
    filters = at.session_state["filters"]
    overdue = overdue_actions(
        load_actions(engine=demo_sqlite_engine, up_to_month=filters.as_of), as_of_end=filters.as_of_end
    )
    last = overdue.iloc[-1]  # the least overdue: last in the list, first after the link
    at = open_app(
        monkeypatch,
        demo_sqlite_url,
        page=STEERING,
        query={"lang": "en", "tab": "overdue", "focus": str(last["id"])},
    )
    assert at.subheader[0].value.startswith("Overdue as of")
    assert at.markdown[0].value == f"**Overdue action #{last['id']}: {last['title']}**"
    assert f"{last['days_overdue']} days overdue" in at.caption[1].value
    # Without the link the page opens on the meeting's decisions, the overdue list further down.
    at = open_app(monkeypatch, demo_sqlite_url, page=STEERING, query={"lang": "en"})
    assert at.subheader[0].value.startswith("Decisions of")
    assert not [m for m in at.markdown if m.value.startswith("**Overdue action #")]


def test_write_a_decision_and_an_action_then_read_them_back(monkeypatch, writable) -> None:
    url, engine = writable
    at = open_app(monkeypatch, url, page=STEERING)
    at.text_input(key="steering_d_title").input("Pilot gemengd team <b>klantdata</b>")
    at.text_area(key="steering_d_description").input("Start in november.")
    _button(at, "Besluit vastleggen").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("vastgelegd" in s.value for s in at.success)
    stored = load_decisions(engine=engine, meeting_month=dt.date(2026, 10, 1))
    new = stored[stored["title"] == "Pilot gemengd team <b>klantdata</b>"]
    assert len(new) == 1 and new.iloc[0]["created_by"] == "local"
    assert "Pilot gemengd team <b>klantdata</b>" in list(at.dataframe[0].value["title"])

    at.text_input(key="steering_a_title").input("Teamsamenstelling voorstellen")
    at.text_input(key="steering_a_person").input("CMO-office: S. Bakker")
    _button(at, "Actie vastleggen").click().run()
    assert not at.exception
    actions = load_actions(engine=engine, meeting_month=dt.date(2026, 10, 1))
    added = actions[actions["title"] == "Teamsamenstelling voorstellen"]
    # Due by default at the next meeting: the end of the month after the meeting month.
    assert added[["owner_person", "status", "due_date"]].values.tolist() == [
        ["CMO-office: S. Bakker", "open", dt.date(2026, 11, 30)]
    ]
    # So it is neither overdue nor due in October's follow-through; the page's figures stand.
    after = load_actions(engine=engine, up_to_month=dt.date(2026, 10, 1))
    assert format_pct(follow_through(after, as_of_end=dt.date(2026, 10, 31)).value, "nl") == "55%"
    trail_table = at.dataframe[-1].value
    assert "local" in set(trail_table["user_name"]) and len(trail_table) == 2


def test_recording_into_another_month_asks_for_confirmation(monkeypatch, writable) -> None:
    url, engine = writable
    september = dt.date(2026, 9, 1)
    at = open_app(monkeypatch, url, page=STEERING, query={"lang": "en"})
    assert not at.warning and not [c for c in at.checkbox if c.key == "steering_a_confirm"]
    at.selectbox(key="steering_month").set_value(september).run()
    assert any("not the current one (October 2026)" in w.value for w in at.warning)
    assert at.date_input(key="steering_a_due").value == dt.date(2026, 10, 31)
    before = len(load_actions(engine=engine, meeting_month=september))
    at.text_input(key="steering_a_title").input("Late entry")
    at.text_input(key="steering_a_person").input("CIO-office: J. de Vries")
    _button(at, "Record action").click().run()
    assert any("first confirm" in e.value for e in at.error)
    assert len(load_actions(engine=engine, meeting_month=september)) == before
    at.checkbox(key="steering_a_confirm").check()
    at.text_input(key="steering_a_title").input("Late entry")
    at.text_input(key="steering_a_person").input("CIO-office: J. de Vries")
    _button(at, "Record action").click().run()
    assert not at.exception
    stored = load_actions(engine=engine, meeting_month=september)
    assert len(stored) == before + 1 and "Late entry" in set(stored["title"])


def test_bad_action_input_is_explained_and_nothing_written(monkeypatch, writable) -> None:
    url, engine = writable
    before = len(load_actions(engine=engine))
    at = open_app(monkeypatch, url, page=STEERING, query={"lang": "en"})
    at.text_input(key="steering_a_person").input("Someone")
    at.date_input(key="steering_a_due").set_value(dt.date(2026, 9, 1))
    _button(at, "Record action").click().run()
    assert not at.exception
    message = " ".join(e.value for e in at.error)
    assert "Title: A title is required." in message
    assert "Due date: The due date is before the meeting month." in message
    assert len(load_actions(engine=engine)) == before


def test_concurrent_edit_is_detected_in_the_page(monkeypatch, writable) -> None:
    url, engine = writable
    at = open_app(monkeypatch, url, page=STEERING, query={"lang": "en"})
    action_id = at.selectbox(key="steering_edit_id").value
    read = load_action(engine=engine, action_id=action_id)
    suffix = f"{action_id}_{read['version']}"
    # Someone else saves first, while this user has the form open.
    update_action(
        engine=engine,
        user=BERT,
        action_id=action_id,
        expected_version=read["version"],
        title="Bert's wording",
        owner_department=read["owner_department"],
        owner_person=read["owner_person"],
        due_date=read["due_date"],
        status="in_progress",
    )
    at.text_input(key=f"steering_e_title_{suffix}").input("My wording")
    _button(at, "Save change").click().run()
    assert not at.exception
    assert "bert@example.nl changed this action meanwhile" in _shown_texts(at)
    stored = load_action(engine=engine, action_id=action_id)
    assert (stored["title"], stored["version"]) == ("Bert's wording", read["version"] + 1)
    # The form now shows the current version and saves on top of it.
    suffix = f"{action_id}_{stored['version']}"
    assert at.text_input(key=f"steering_e_title_{suffix}").value == "Bert's wording"
    at.text_input(key=f"steering_e_title_{suffix}").input("My wording")
    _button(at, "Save change").click().run()
    assert "saved" in _shown_texts(at)
    assert load_action(engine=engine, action_id=action_id)["title"] == "My wording"


def test_close_an_action_from_the_page(monkeypatch, writable) -> None:
    url, engine = writable
    at = open_app(monkeypatch, url, page=STEERING, query={"lang": "en"})
    assert not [b for b in at.button if b.label == "Close as done (today)"]  # the first one shown is done
    action_id = int(
        load_actions(engine=engine, open_only=True, meeting_month=dt.date(2026, 10, 1))["id"].iloc[0]
    )
    at.selectbox(key="steering_edit_id").set_value(action_id).run()
    _button(at, "Close as done (today)").click().run()
    assert not at.exception
    stored = load_action(engine=engine, action_id=action_id)
    assert (stored["status"], stored["closed_on"]) == ("done", dt.date.today())


def _as_viewer(monkeypatch) -> None:
    monkeypatch.setattr(ui.auth, "current_user", lambda: User(name="v", email=None, role="viewer"))


def test_a_viewer_sees_the_log_but_cannot_write(monkeypatch, writable) -> None:
    url, engine = writable
    _as_viewer(monkeypatch)
    at = open_app(monkeypatch, url, page=STEERING, query={"lang": "en"})
    assert any("Only editors" in i.value for i in at.info)
    assert not [b for b in at.button if b.label in ("Record decision", "Record action", "Save change")]
    assert len(at.text_input) == 0
    at = open_app(monkeypatch, url, page=CATALOGUE, query={"lang": "en"})
    assert any("Only editors" in i.value for i in at.info)
    assert len(at.number_input) == 0


def test_catalogue_lists_every_kpi_and_an_editor_changes_a_target(monkeypatch, writable) -> None:
    url, engine = writable
    at = open_app(monkeypatch, url, page=CATALOGUE, query={"lang": "en"})
    table = at.dataframe[0].value
    assert "Follow-through of actions" in set(table["name"])
    assert "Estimate at completion (EAC)" in set(table["name"])
    at.selectbox(key="catalogue_kpi").set_value("follow_through").run()
    # Entered in the unit the tile shows: 90 % as 90.
    at.number_input(key="catalogue_green_follow_through").set_value(90.0)
    at.number_input(key="catalogue_amber_follow_through").set_value(75.0)
    _button(at, "Save target").click().run()
    assert not at.exception
    assert any("Target for Follow-through of actions saved" in s.value for s in at.success)
    assert load_targets(engine=engine)["follow_through"].green == pytest.approx(0.9)
    assert load_target_changes(engine=engine)["updated_by"].tolist() == ["local"]
    row = at.dataframe[0].value.set_index("code").loc["follow_through"]
    assert (row["green"], row["amber"], row["updated_by"]) == (
        pytest.approx(90),
        pytest.approx(75),
        "local",
    )
    assert row["target"] == "≥ 90 %"
    assert row["effective_from"] == dt.date.today().replace(day=1)


def test_catalogue_edits_a_band_in_percent_from_a_chosen_month(monkeypatch, writable) -> None:
    url, engine = writable
    at = open_app(monkeypatch, url, page=CATALOGUE, query={"lang": "en"})
    row = at.dataframe[0].value.set_index("code").loc["budget_realisation"]
    assert row["target"] == "95–105 %"
    at.selectbox(key="catalogue_kpi").set_value("budget_realisation").run()
    assert any("green 95–105, amber 90–115 %" in c.value for c in at.caption)
    at.number_input(key="catalogue_low_green_budget_realisation").set_value(97.0)
    at.number_input(key="catalogue_green_budget_realisation").set_value(103.0)
    next_month = dt.date.today().replace(day=28) + dt.timedelta(days=5)
    at.selectbox(key="catalogue_effective_budget_realisation").set_value(next_month.replace(day=1))
    _button(at, "Save target").click().run()
    assert not at.exception
    assert load_targets(engine=engine)["budget_realisation"].low_green == pytest.approx(0.97)
    # Not yet in force this month: this month keeps the default band.
    assert load_targets(engine=engine, as_of=dt.date.today())[
        "budget_realisation"
    ].low_green == pytest.approx(0.95)


def test_catalogue_refuses_green_laxer_than_amber(monkeypatch, writable) -> None:
    url, engine = writable
    at = open_app(monkeypatch, url, page=CATALOGUE)
    at.selectbox(key="catalogue_kpi").set_value("cpi").run()
    at.number_input(key="catalogue_green_cpi").set_value(0.5)
    _button(at, "Drempel opslaan").click().run()
    assert not at.exception
    assert any("groene drempel moet minstens zo hoog" in e.value for e in at.error)
    assert load_target_changes(engine=engine).empty


def test_catalogue_details_for_a_kpi_without_target(monkeypatch, demo_sqlite_url) -> None:
    at = open_app(monkeypatch, demo_sqlite_url, page=CATALOGUE, query={"lang": "en"})
    at.selectbox(key="catalogue_kpi").set_value("eac").run()
    assert not at.exception
    assert [x.value for x in at.text] == [
        "Expected total cost at completion if the current cost performance continues.",
        "BAC / CPI, with BAC = total planned budget",
        "Budget lines and monthly progress per project",
    ]
    assert any("no green, amber and red thresholds" in c.value for c in at.caption)
    assert len(at.number_input) == 0
