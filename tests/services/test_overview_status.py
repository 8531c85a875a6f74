"""One status language on the Overview: the colour decisions (presentation.overview), the
sparkline axes, the budget forecast, exception words and names, cancelled projects, and a
property check over every demo month that no tile's badge, sparkline and change disagree."""

import pytest

from data_access.demo import DEMO_FIRST_MONTH, DEMO_LAST_ACTUAL_MONTH, DEMO_PLANTED
from domain.filters import Filters
from domain.months import add_months
from domain.targets import DEFAULT_TARGETS, Target
from kpis.common import KpiValue, not_available
from kpis.exceptions import ExceptionItem, forecast_items, with_names, without_cancelled
from presentation.overview import (
    NEUTRAL,
    STATUS_COLOURS,
    change_meaningful,
    change_text,
    exception_text,
    tile_colours,
    tile_text,
    tile_texts,
    trend_domain,
)
from services.single_view import compute_single_view
from services.single_view_model import Tile, worst


def _tile(code="joint_share", value=0.8, change=0.0, rag="green", note=None, trend=(0.8, 0.8)):
    return Tile(
        code=code,
        value=KpiValue(value),
        rag=rag,
        unit="ratio",
        trend=trend,
        change=KpiValue(change) if change is not None else not_available("x"),
        note=note,
    )


def test_colours_follow_the_status_never_the_direction() -> None:
    # A rise of a red KPI is red; a fall of a green one is green; zero or noise is neutral.
    assert tile_colours("red", change_meaningful=True).change == "red"
    assert tile_colours("green", change_meaningful=True).change == "green"
    assert tile_colours("amber", change_meaningful=True) == tile_colours("amber", change_meaningful=True)
    amber = tile_colours("amber", change_meaningful=False)
    assert (amber.badge, amber.line, amber.change) == ("orange", "orange", NEUTRAL)
    assert tile_colours(None, change_meaningful=True).line == NEUTRAL


def test_a_change_is_meaningful_only_when_visible_and_for_trust_significant() -> None:
    tiny = _tile(change=0.0004)  # rounds to ±0,0 pp
    assert not change_meaningful(tiny, change_text(tiny, "nl"))
    moved = _tile(change=0.012)
    assert change_text(moved, "nl") == "+1,2 pp" and change_meaningful(moved, change_text(moved, "nl"))
    assert not change_meaningful(_tile(change=None), None)
    noise = _tile(code="trust_index", value=61.2, change=-2.5, note=("single.note.trust_not_significant", {}))
    significant = _tile(
        code="trust_index", value=61.2, change=-2.5, note=("single.note.trust_significant", {})
    )
    assert not change_meaningful(noise, change_text(noise, "en"))
    assert change_meaningful(significant, change_text(significant, "en"))
    # Rendered: a zero change is gray even when the KPI is red.
    shown = tile_text(_tile(rag="red", change=0.0), "nl")
    assert shown.change == "±0,0 pp" and shown.colours.change == NEUTRAL and shown.colours.line == "red"


def test_trend_axes_keep_noise_flat() -> None:
    low, high = trend_domain((61.2138, 61.2167), band=10.0)
    assert high - low == pytest.approx(20.0)
    # The move is under 0.02% of the axis: drawn flat, not as a cliff.
    assert (61.2167 - 61.2138) / (high - low) < 0.001
    low, high = trend_domain((61.2138, 61.2167))  # no target: a tenth of the value
    assert high - low == pytest.approx(6.12167)
    assert trend_domain((0.4, None, 0.9), band=0.2) == pytest.approx(
        (0.4, 0.9)
    )  # real moves keep their range
    assert trend_domain((None, None), band=0.2) is None


def test_worst_status_and_the_forecast_exception() -> None:
    assert worst("green", "red") == "red" and worst("amber", None) == "amber" and worst(None, None) is None
    target = DEFAULT_TARGETS["forecast_ratio"]
    assert target == Target(green=1.0, amber=1.05, direction="lower")
    args = {"forecast": 8.2e6, "year_budget": 7.8e6, "year": 2026, "target": target}
    assert forecast_items(forecast_ratio=KpiValue(1.05), **args) == []  # amber: on the tile, not a decision
    (item,) = forecast_items(forecast_ratio=KpiValue(1.0513), **args)
    assert item.kind == "forecast_overrun" and item.page == "views/budget.py"
    assert (
        exception_text(item, "nl").replace("\xa0", " ")
        == "Prognose jaareinde 2026: € 8,2 mln tegen een jaarbegroting van € 7,8 mln (105%)"
    )
    assert forecast_items(forecast_ratio=not_available("x"), **args) == []


def test_exception_lines_say_name_and_what_the_rule_measured() -> None:
    items = [
        ExceptionItem("over_budget", "P-004", "P-004", {"cpi": 0.71, "realisation": 0.97, "rule": "cpi"}),
        ExceptionItem("over_budget", "P-009", "P-009", {"cpi": 1.0, "realisation": 1.2, "rule": "spend"}),
        ExceptionItem("house_rule_breach", "P-007", "data_processing"),
    ]
    named = with_names(
        items,
        project_names={"P-004": "Churnvoorspelling", "P-007": "Webshop personalisatie"},
        area_names={"data_processing": {"nl": "Gegevensverwerking", "en": "Data processing"}},
    )
    lines = [exception_text(item, "en").replace("\xa0", " ") for item in named]
    assert lines[0].startswith("P-004 Churnvoorspelling: the work costs more than it is worth (CPI 0.71")
    assert "spend" not in lines[0]
    assert lines[1] == "P-009: spend 120% of plan to date (CPI 1.00)"
    assert (
        lines[2]
        == "P-007 Webshop personalisatie: Data processing is not with the department the house rule names"
    )
    assert "data_processing" not in exception_text(named[2], "nl")


def test_cancelled_projects_leave_goal_ownership_and_team_rules() -> None:
    import pandas as pd

    goals = pd.DataFrame({"project": ["P-020", "P-021"], "code": ["G1", "G1"]})
    kept = without_cancelled(goals, {"P-020": "on_hold", "P-021": "cancelled"})
    assert list(kept["project"]) == ["P-020"]


@pytest.fixture(scope="module")
def demo_views(demo_sqlite_engine):
    """The single view at every demo month with actuals (the property's domain)."""
    views = []
    month = DEMO_FIRST_MONTH
    while month <= DEMO_LAST_ACTUAL_MONTH:
        views.append(
            compute_single_view(engine=demo_sqlite_engine, filters=Filters.year_to_date(month), min_group=5)
        )
        month = add_months(month, 1)
    return views


def test_no_tile_badge_sparkline_and_change_disagree_in_any_demo_month(demo_views) -> None:
    checked = 0
    for view in demo_views:
        for lang in ("nl", "en"):
            for text in tile_texts(view, lang):
                status = STATUS_COLOURS[text.rag]
                assert text.colours.badge == status, (view.as_of, text.code)
                assert text.colours.line == status, (view.as_of, text.code)
                assert text.colours.change in {status, NEUTRAL}, (view.as_of, text.code)
                if text.change is None or text.change.startswith("±") or text.change_is_noise:
                    assert text.colours.change == NEUTRAL, (view.as_of, text.code, text.change)
                else:
                    assert text.colours.change == status, (view.as_of, text.code, text.change)
                checked += 1
    assert checked == len(demo_views) * 2 * 10
    assert len(demo_views) == 34


def test_budget_tile_tells_the_year_and_cancelled_goals_are_not_late(demo_views) -> None:
    october = demo_views[-1]
    budget = october.tile("budget_realisation")
    assert budget.note is not None and budget.note[0] == "single.note.forecast"
    figures = budget.note[1]
    assert figures["forecast_ratio"] == pytest.approx(figures["forecast"] / figures["year_budget"])
    assert figures["forecast_ratio"] > 1.05 and budget.rag == "red" == figures["forecast_rag"]
    assert any(item.kind == "forecast_overrun" for item in october.exceptions)
    shown = tile_text(budget, "en")
    assert shown.note is not None and shown.note.replace("\xa0", " ").startswith(
        "Year-end forecast €8.2m of year budget €7.8m (106%)"
    )
    (cancelled,) = DEMO_PLANTED["cancelled"]
    for view in demo_views:
        assert not [
            item for item in view.exceptions if item.project == cancelled and item.kind == "late_goal"
        ]
