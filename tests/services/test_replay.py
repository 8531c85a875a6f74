"""A faithful replay: September 2026 computed again after today's changes is the same.

Changing a target today (in force from this month) leaves September's colours alone; the
same change dated from September recolours it (so the check can fail). Changing ownership
today leaves September's ownership, tiles and exceptions alone. SQLite and PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from data_access.demo import DEMO_HISTORY_START
from data_access.importer import export_rows
from data_access.projects import load_ownership
from data_access.targets import save_target
from domain.filters import Filters
from domain.targets import Target
from presentation.overview import tile_text
from reports.pack import build_pack
from services.single_view import compute_single_view
from services.single_view_model import SingleView
from services.single_view_tiles import HISTORY_TILES
from tests.data_access.test_data_access_history import SEPTEMBER, reimport, require_after_september

FILTERS = Filters(as_of=SEPTEMBER, period_start=dt.date(2026, 1, 1))


def view(engine) -> SingleView:
    return compute_single_view(engine=engine, filters=FILTERS, min_group=5)


def colours(view: SingleView) -> dict[str, str | None]:
    return {tile.code: tile.rag for tile in view.tiles}


def figures(view: SingleView) -> list[tuple]:
    return [(tile.code, tile.value, tile.rag, tile.trend, tile.change, tile.note) for tile in view.tiles]


def test_a_target_changed_today_does_not_recolour_september(demo_copy) -> None:
    engine = demo_copy
    today = require_after_september(engine)
    before = view(engine)
    assert before.tile("cpi").rag != "green"
    strict = Target(green=0.97, amber=0.99, direction="lower", low_green=0.9, low_amber=0.8)
    save_target(engine=engine, kpi="budget_realisation", target=strict, user_name="cio", effective_from=today)
    save_target(
        engine=engine, kpi="cpi", target=Target(green=0.5, amber=0.4), user_name="cio", effective_from=today
    )
    after = view(engine)
    assert colours(after) == colours(before)
    assert after.exceptions == before.exceptions
    assert after.targets == before.targets
    # Dated from September, the same change does recolour September.
    save_target(
        engine=engine,
        kpi="cpi",
        target=Target(green=0.5, amber=0.4),
        user_name="cio",
        effective_from=SEPTEMBER,
    )
    assert view(engine).tile("cpi").rag == "green"


def test_a_target_changed_today_leaves_septembers_pack_alone(demo_copy) -> None:
    """The meeting pack of September: the same tile colours, texts and forecast RAG after
    a target change dated today."""
    engine = demo_copy
    today = require_after_september(engine)

    def pack_tiles() -> tuple:
        pack = build_pack(engine, filters=FILTERS, lang="nl", render=False)
        forecast = pack.forecast.rag if pack.forecast is not None else None
        return [(tile.name, tile.value_text, tile.rag) for tile in pack.kpis], forecast

    before = pack_tiles()
    assert any(rag is not None for _, _, rag in before[0])
    save_target(
        engine=engine, kpi="cpi", target=Target(green=0.5, amber=0.4), user_name="cio", effective_from=today
    )
    save_target(
        engine=engine,
        kpi="follow_through",
        target=Target(green=0.99, amber=0.98),
        user_name="cio",
        effective_from=today,
    )
    assert pack_tiles() == before


def test_ownership_changed_today_leaves_septembers_replay_alone(demo_copy) -> None:
    engine = demo_copy
    require_after_september(engine)
    before = view(engine)
    ownership = load_ownership(engine=engine, filters=FILTERS, as_of=SEPTEMBER)
    rows = export_rows(engine=engine, kind="ownership")
    # Fix P-007's house-rule breach and give P-001 a double owner today.
    rows = [row for row in rows if row["project"] != "P-007"] + [
        {"project": "P-007", "area": area, "department": department}
        for area, department in (
            ("data_processing", "IT"),
            ("data_policy", "IT"),
            ("customer_database", "MKT"),
            ("campaign_use", "MKT"),
        )
    ]
    rows.append({"project": "P-001", "area": "data_policy", "department": "MKT"})
    reimport(engine, "ownership", rows)
    now = load_ownership(engine=engine, filters=FILTERS)
    assert not now.equals(ownership)
    assert load_ownership(engine=engine, filters=FILTERS, as_of=SEPTEMBER).equals(ownership)
    after = view(engine)
    assert figures(after) == figures(before)
    assert after.exceptions == before.exceptions
    # Today's month does see the change.
    current = dataclasses.replace(FILTERS, as_of=dt.date.today().replace(day=1))
    kinds = {e.kind for e in compute_single_view(engine=engine, filters=current, min_group=5).exceptions}
    assert "double_owner" in kinds


def test_months_before_history_are_left_out_and_the_tile_says_so(demo_engine) -> None:
    september = view(demo_engine)
    assert september.history_start == DEMO_HISTORY_START
    assert september.months_without_history == (dt.date(2026, 4, 1), dt.date(2026, 5, 1))
    for code in HISTORY_TILES:
        tile = september.tile(code)
        assert tile.trend[:2] == (None, None) and None not in tile.trend[2:], code
        assert (
            tile_text(tile, "en").note
            == "History recorded from 1 Jun 2026: earlier months are left out of the trend."
        )
    # Tiles that do not depend on the recorded history keep every month.
    assert None not in september.tile("budget_realisation").trend
    # Ownership has a real trend now: P-002's breach until July 2026.
    ownership = september.tile("ownership_clarity").trend
    assert ownership[2] < ownership[3] == ownership[-1]
