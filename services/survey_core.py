"""The survey's trust core for the waves an as-of month sees, sliced from the core over every
wave: computed once per data version, rating departments and threshold, not per filter set.

The trust core (kpis.trust.trust_core: rating groups, trend, mirror and perception gaps)
depends on the filters only through the rating departments; the as-of month only decides
which waves count. A wave's figures depend on that wave and the ones before it alone (its
change and significance are against the wave before; suppression is within a wave), so the
rows of the waves fielded by the as-of month, taken from the core over every wave, are the
core computed on those waves (tests/services/test_survey_core.py compares them for every
month, several department sets and thresholds, on SQLite and PostgreSQL). Every as-of month
and project status filter of the Overview and the Alignment health page reuses one core; the
Trust page's full report (with response rates and the item heatmap) is held the same way.
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine

from data_access.memo import memoised_result
from data_access.survey import (
    load_all_waves,
    load_item_distribution,
    load_respondent_scores,
    load_response_counts,
    load_trust_groups,
)
from domain.filters import Filters
from kpis.trust import TrustReport, trust_core, trust_report


def _core_over_every_wave(
    engine: Engine, filters: Filters, min_group: int
) -> tuple[pd.DataFrame, TrustReport]:
    waves = load_all_waves(engine=engine)
    wave_ids = [int(i) for i in waves["id"]]
    groups = load_trust_groups(engine=engine, filters=filters, wave_ids=wave_ids)
    scores = load_respondent_scores(engine=engine, filters=filters, wave_ids=wave_ids)
    return groups, trust_core(waves=waves, respondent_scores=scores, groups=groups, min_group=min_group)


def _report_over_every_wave(engine: Engine, filters: Filters, min_group: int) -> TrustReport:
    waves = load_all_waves(engine=engine)
    wave_ids = [int(i) for i in waves["id"]]
    return trust_report(
        waves=waves,
        respondent_scores=load_respondent_scores(engine=engine, filters=filters, wave_ids=wave_ids),
        item_distribution=load_item_distribution(engine=engine, filters=filters, wave_ids=wave_ids),
        response_counts=load_response_counts(engine=engine, filters=filters, wave_ids=wave_ids),
        min_group=min_group,
    )


def _rows_of(frame: pd.DataFrame, wave_ids: list[int]) -> pd.DataFrame:
    if frame.empty or "wave_id" not in frame.columns:
        return frame.copy()
    return frame[frame["wave_id"].isin(wave_ids)].reset_index(drop=True)


def trust_core_of_waves(
    *, engine: Engine, filters: Filters, waves: pd.DataFrame, min_group: int
) -> tuple[pd.DataFrame, TrustReport]:
    """For `waves` (the ones fielded by the as-of month, as `load_waves` gives them): the rating
    groups as `load_trust_groups` gives them and `trust_core` over those waves, for the filters'
    rating departments and `min_group`."""
    key = (tuple(sorted(filters.departments)), min_group)
    groups, core = memoised_result(
        engine=engine,
        name="trust_core",
        key=key,
        compute=lambda engine: _core_over_every_wave(engine, filters, min_group),
    )
    wave_ids = [int(i) for i in waves["id"]]
    return _rows_of(groups, wave_ids), _report_of(core, wave_ids)


def trust_report_of_waves(
    *, engine: Engine, filters: Filters, waves: pd.DataFrame, min_group: int
) -> TrustReport:
    """`kpis.trust.trust_report` (the Trust page's frames, with response rates and the item
    heatmap) over `waves`, for the filters' rating departments and `min_group`: the rows of
    those waves from the report over every wave, computed once per data version."""
    report = memoised_result(
        engine=engine,
        name="trust_report",
        key=(tuple(sorted(filters.departments)), min_group),
        compute=lambda engine: _report_over_every_wave(engine, filters, min_group),
    )
    return _report_of(report, [int(i) for i in waves["id"]])


def _report_of(report: TrustReport, wave_ids: list[int]) -> TrustReport:
    return TrustReport(
        min_group=report.min_group,
        groups=_rows_of(report.groups, wave_ids),
        rates=_rows_of(report.rates, wave_ids),
        trend=_rows_of(report.trend, wave_ids),
        mirror=_rows_of(report.mirror, wave_ids),
        gaps=_rows_of(report.gaps, wave_ids),
        heatmap=_rows_of(report.heatmap, wave_ids),
    )
