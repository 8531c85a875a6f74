"""services.steering_page: the Steering page's figures on the demo data and on an empty database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from domain.filters import Filters
from services.steering_page import steering_meeting, steering_page

FILTERS = Filters(as_of=DEMO_LAST_ACTUAL_MONTH, period_start=dt.date(DEMO_LAST_ACTUAL_MONTH.year, 1, 1))


@pytest.fixture(scope="module")
def page(demo_sqlite_engine: Engine):
    return steering_page(engine=demo_sqlite_engine, filters=FILTERS, lang="nl")


def test_the_demo_figures(page) -> None:
    assert [(metric.label, metric.value) for metric in page.metrics] == [
        ("Opvolging acties", "55%"),
        ("Achterstallige acties", "3"),
        ("Open acties nu", "7"),
    ]
    assert page.metrics[0].caption == "6 van 11 acties op tijd afgerond"
    assert list(page.overdue["id"]) == [4, 9, 11]
    assert list(page.overdue_focus("9")["id"]) == [9] and page.overdue_focus(None).empty
    assert page.meeting_options[0] == FILTERS.as_of
    assert page.project_codes[0] == ""


def test_the_meeting_month(demo_sqlite_engine: Engine) -> None:
    current = steering_meeting(engine=demo_sqlite_engine, filters=FILTERS, meeting=FILTERS.as_of, lang="nl")
    assert not current.confirm_needed and current.other_month_warning is None
    assert (len(current.decisions), len(current.actions)) == (2, 3)
    assert current.decision_options == (None, 9, 10)
    assert current.decision_labels[None] == "—"
    earlier = steering_meeting(
        engine=demo_sqlite_engine, filters=FILTERS, meeting=dt.date(2026, 9, 1), lang="nl"
    )
    assert earlier.confirm_needed
    assert earlier.other_month_warning.startswith("Je legt vast in de vergadering van september 2026")


def test_an_empty_database(empty_engine: Engine) -> None:
    empty = steering_page(engine=empty_engine, filters=FILTERS, lang="en")
    assert empty.metrics[0].value == "n/a" and empty.metrics[0].caption
    assert [metric.value for metric in empty.metrics[1:]] == ["0", "0"]
    assert empty.meeting_options == (FILTERS.as_of,) and empty.trail.empty
