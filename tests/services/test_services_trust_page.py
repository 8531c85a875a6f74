"""services.trust_page: the Trust page's figures on the demo data, the gate, and no survey at all."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import Engine

from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from domain.filters import Filters
from kpis.survey_stats import OVERALL
from services.trust_page import trust_comments, trust_page

FILTERS = Filters(as_of=DEMO_LAST_ACTUAL_MONTH, period_start=dt.date(DEMO_LAST_ACTUAL_MONTH.year, 1, 1))


@pytest.fixture(scope="module")
def page(demo_sqlite_engine: Engine):
    return trust_page(engine=demo_sqlite_engine, filters=FILTERS, lang="nl", min_group=5)


def test_the_demo_tiles(page) -> None:
    assert page.has_survey and page.latest_heading == "Laatste ronde: W2026-2"
    assert {tile.label: tile.value for tile in page.tiles} == {
        "Totaal": "64,3",
        "Bekwaamheid": "67,2",
        "Welwillendheid": "65,3",
        "Integriteit": "68,3",
        "Communicatie": "61,8",
        "Betrokkenheid bij strategie": "58,9",
    }
    assert all(tile.delta is None for tile in page.tiles)  # no significant change in the demo
    assert page.tiles[0].caption == "Geen significante verandering sinds de vorige ronde."
    assert page.wave_ids == (4, 3, 2, 1) and page.dimensions[0] == OVERALL


def test_the_selection_keeps_the_small_department_out(page) -> None:
    chosen = page.selection(wave_id=4, dimension=OVERALL, focus=("IT", "MKT"))
    assert chosen.matrix.loc["IT", "MKT"] == pytest.approx(50.166667, abs=1e-6)
    assert chosen.matrix.loc["FIN"].isna().all()
    assert chosen.hidden_raters == ("Financiën: te weinig respondenten, geen score (vertrouwelijkheid).",)
    assert chosen.focus_text.startswith(
        "Geselecteerd: hoe IT Marketing beoordeelt op Totaal, ronde W2026-2: 50,2."
    )
    mutual = chosen.wave_gaps[chosen.wave_gaps["kind"] == "Wederzijds"].iloc[0]
    assert mutual["pair"] == "IT / Marketing" and mutual["gap"] == pytest.approx(-12.333333, abs=1e-6)
    assert chosen.comment_departments == ("IT", "MKT")


def test_comments_of_the_allowed_departments(demo_sqlite_engine: Engine) -> None:
    comments = trust_comments(engine=demo_sqlite_engine, wave_id=4, departments=("IT", "MKT"), lang="nl")
    assert len(comments) == 6
    assert all(" · " in heading for heading, _ in comments)
    assert trust_comments(engine=demo_sqlite_engine, wave_id=4, departments=(), lang="nl") == ()


def test_english_and_a_month_before_any_survey(demo_sqlite_engine: Engine) -> None:
    english = trust_page(engine=demo_sqlite_engine, filters=FILTERS, lang="en", min_group=5)
    assert english.tiles[0].label == "Overall" and english.tiles[0].value == "64.3"
    before = replace(FILTERS, as_of=dt.date(2024, 1, 1), period_start=dt.date(2024, 1, 1))
    none = trust_page(engine=demo_sqlite_engine, filters=before, lang="nl", min_group=5)
    assert not none.has_survey and none.tiles == () and none.report is None
