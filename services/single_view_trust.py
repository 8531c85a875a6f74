"""The single view's survey tiles: the trust index (latest wave) and the mutual perception gap,
with their trend over the trend months and their change since the previous wave.

The trust report is the slice of the survey core for the waves fielded by the as-of month
(services.survey_core: computed once per data version, rating departments and threshold); two
views of one meeting (services.single_view.compute_meeting_views) share the latest-wave
figures through `shared`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from data_access.survey import load_waves
from domain.filters import Filters
from domain.months import month_end
from domain.targets import Target, rag
from kpis.common import KpiValue, not_available
from kpis.survey_stats import OVERALL
from kpis.trust import TrustReport
from kpis.trust_index import latest_wave_trust
from services.single_view_model import Tile
from services.survey_core import trust_core_of_waves


def trust_tiles(
    engine: Engine,
    filters: Filters,
    months: list[dt.date],
    targets: dict[str, Target],
    min_group: int,
    shared: dict[tuple, Any],
) -> tuple[list[Tile], TrustReport | None, int]:
    waves = load_waves(engine=engine, filters=filters)
    if waves.empty:
        missing = not_available("kpi.na.no_survey")
        blank = tuple(None for _ in months)
        return (
            [
                Tile("trust_index", missing, None, "index", blank, missing, "wave"),
                Tile("perception_gap", missing, None, "points", blank, missing, "wave"),
            ],
            None,
            0,
        )
    wave_ids = [int(i) for i in waves["id"]]
    groups, report = trust_core_of_waves(engine=engine, filters=filters, waves=waves, min_group=min_group)
    # The latest wave's trust for the few distinct sets of waves the trend months see: each is
    # computed once (and once for both views of a meeting).
    key = ("trust", tuple(wave_ids), tuple(sorted(filters.departments)), min_group)

    # Which waves were fielded by each trend month's close: months × waves.
    fielded = pd.to_datetime(waves["fielded_on"]).to_numpy()
    closes = np.array([np.datetime64(month_end(month), "ns") for month in months])
    seen = fielded[None, :] <= closes[:, None]

    def latest(chosen: np.ndarray) -> Any:
        wave_set = (*key, "latest", tuple(wave for wave, kept in zip(wave_ids, chosen, strict=True) if kept))
        if wave_set not in shared:
            shared[wave_set] = latest_wave_trust(waves[chosen], groups, min_group=min_group)
        return shared[wave_set]

    def index_at(row: int) -> KpiValue:
        return latest(seen[row]).current.index if seen[row].any() else not_available("kpi.na.no_survey")

    headline = latest(np.ones(len(wave_ids), dtype=bool))
    trend = [index_at(row) for row in range(len(months))]
    overall = report.trend[(report.trend["dimension"] == OVERALL) & (report.trend["wave_id"] == wave_ids[-1])]
    significant = bool(overall["significant"].iloc[0]) if not overall.empty else False
    p_value = (
        float(overall["p_value"].iloc[0])
        if not overall.empty and pd.notna(overall["p_value"].iloc[0])
        else None
    )
    trust_tile = Tile(
        code="trust_index",
        value=headline.current.index,
        rag=rag(headline.current.index.value, targets["trust_index"]),
        unit="index",
        trend=tuple(value.value for value in trend),
        change=headline.change,
        change_basis="wave",
        detail=(
            "single.detail.trust",
            {"wave": headline.wave_code, "respondents": headline.current.respondents},
        ),
        note=(
            ("single.note.trust_significant", {"p": p_value})
            if significant
            else ("single.note.trust_not_significant", {"p": p_value})
        )
        if headline.change.available
        else None,
    )

    gaps = report.gaps
    mutual = gaps[(gaps["kind"] == "mutual") & (gaps["dimension"] == OVERALL) & gaps["shown"]]

    # The largest mutual gap of each wave that has one; a month shows its latest such wave's.
    gap_by_wave = {int(wave): float(gap.abs().max()) for wave, gap in mutual.groupby("wave_id")["gap"]}

    def gap_at(row: int) -> KpiValue:
        shown = [wave for wave, kept in zip(wave_ids, seen[row], strict=True) if kept and wave in gap_by_wave]
        return KpiValue(gap_by_wave[max(shown)]) if shown else not_available("kpi.na.no_gap")

    gap_values = [gap_at(row) for row in range(len(months))]
    latest_gap = mutual[mutual["wave_id"] == wave_ids[-1]]
    gap_detail = None
    if not latest_gap.empty:
        row = latest_gap.loc[latest_gap["gap"].abs().idxmax()]
        gap_detail = (
            "single.detail.gap",
            {
                "a": row["department_a"],
                "b": row["department_b"],
                "index_a": row["index_a"],
                "index_b": row["index_b"],
            },
        )
    wave_change = [value.value for value in gap_values]
    gap_tile = Tile(
        code="perception_gap",
        value=gap_values[-1],
        rag=rag(gap_values[-1].value, targets["perception_gap"]),
        unit="points",
        trend=tuple(wave_change),
        change=_gap_change(mutual, wave_ids),
        change_basis="wave",
        detail=gap_detail,
    )
    return [trust_tile, gap_tile], report, headline.current.hidden_groups


def _gap_change(mutual: pd.DataFrame, wave_ids: list[int]) -> KpiValue:
    if len(wave_ids) < 2:
        return not_available("kpi.na.no_previous_wave")
    by_wave = mutual.groupby("wave_id")["gap"].apply(lambda gaps: gaps.abs().max())
    if wave_ids[-1] not in by_wave.index or wave_ids[-2] not in by_wave.index:
        return not_available("kpi.na.no_previous_wave")
    return KpiValue(float(by_wave[wave_ids[-1]] - by_wave[wave_ids[-2]]))
