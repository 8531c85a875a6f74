"""services.survey_core: the trust core (and the Trust page's full report) of the waves an as-of
month sees, sliced from the one over every wave, equals the one computed on those waves alone; for every month of the demo's
survey, several sets of rating departments and thresholds, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from data_access.demo import DEMO_LAST_ACTUAL_MONTH
from data_access.memo import clear_memo
from data_access.survey import (
    load_all_waves,
    load_item_distribution,
    load_respondent_scores,
    load_response_counts,
    load_trust_groups,
    load_waves,
)
from domain.filters import Filters
from domain.months import add_months
from kpis.trust import trust_core, trust_report
from services.survey_core import trust_core_of_waves, trust_report_of_waves

DEPARTMENT_SETS = [(), ("IT",), ("FIN", "MKT"), ("MKT", "IT", "FIN"), ("NOPE",)]
FRAMES = ["groups", "rates", "trend", "mirror", "gaps", "heatmap"]


def _months(engine) -> list[dt.date]:
    waves = load_all_waves(engine=engine)
    first = pd.Timestamp(waves["fielded_on"].min()).date().replace(day=1)
    last = pd.Timestamp(waves["fielded_on"].max()).date().replace(day=1)
    months, month = [], add_months(first, -1)
    while month <= add_months(last, 1):
        months.append(month)
        month = add_months(month, 1)
    return months


@pytest.mark.parametrize("min_group", [5, 8, 12])
def test_the_slice_is_the_core_of_the_waves_seen(demo_engine, min_group) -> None:
    clear_memo()
    months = _months(demo_engine)
    assert len(load_all_waves(engine=demo_engine)) >= 3 and len(months) >= 12
    hidden = heatmaps = 0
    for departments in DEPARTMENT_SETS:
        for month in months:
            filters = Filters.year_to_date(month, departments=departments)
            waves = load_waves(engine=demo_engine, filters=filters)
            if waves.empty:
                continue
            wave_ids = [int(i) for i in waves["id"]]
            groups = load_trust_groups(engine=demo_engine, filters=filters, wave_ids=wave_ids)
            scores = load_respondent_scores(engine=demo_engine, filters=filters, wave_ids=wave_ids)
            expected = trust_core(waves=waves, respondent_scores=scores, groups=groups, min_group=min_group)
            full = trust_report(
                waves=waves,
                respondent_scores=scores,
                item_distribution=load_item_distribution(
                    engine=demo_engine, filters=filters, wave_ids=wave_ids
                ),
                response_counts=load_response_counts(engine=demo_engine, filters=filters, wave_ids=wave_ids),
                min_group=min_group,
            )
            report_slice = trust_report_of_waves(
                engine=demo_engine, filters=filters, waves=waves, min_group=min_group
            )
            sliced_groups, report = trust_core_of_waves(
                engine=demo_engine, filters=filters, waves=waves, min_group=min_group
            )
            pd.testing.assert_frame_equal(sliced_groups, groups, check_exact=True)
            assert report.min_group == expected.min_group
            assert report_slice.min_group == full.min_group
            for name in FRAMES:
                pd.testing.assert_frame_equal(
                    getattr(report, name), getattr(expected, name), check_exact=True, obj=f"{name} {month}"
                )
                pd.testing.assert_frame_equal(
                    getattr(report_slice, name),
                    getattr(full, name),
                    check_exact=True,
                    obj=f"report {name} {month}",
                )
            if not full.heatmap.empty:
                heatmaps += 1
            hidden += int((~expected.groups["shown"].astype(bool)).sum()) if not expected.groups.empty else 0
    assert heatmaps > 0  # the Trust page's item heatmap and response rates are compared too
    if min_group == 12:
        assert hidden > 0  # the threshold hides groups: the slice keeps their suppression too


def test_the_core_is_shared_by_months_and_statuses_and_follows_the_data(demo_copy, monkeypatch) -> None:
    import services.survey_core as survey_core
    from data_access.engine import bump_data_version

    clear_memo()
    calls: list[tuple] = []
    real = survey_core._core_over_every_wave

    def counted(engine, filters, min_group):
        calls.append((filters.departments, min_group))
        return real(engine, filters, min_group)

    monkeypatch.setattr(survey_core, "_core_over_every_wave", counted)

    def core(filters: Filters, min_group: int = 5):
        return trust_core_of_waves(
            engine=demo_copy,
            filters=filters,
            waves=load_waves(engine=demo_copy, filters=filters),
            min_group=min_group,
        )

    last = _months(demo_copy)[-1]
    for months_back in range(4):
        for statuses in [(), ("active",)]:
            core(dataclasses.replace(Filters.year_to_date(add_months(last, -months_back)), statuses=statuses))
    assert calls == [((), 5)]
    core(Filters.year_to_date(last, departments=("IT",)))
    assert calls[-1] == (("IT",), 5) and len(calls) == 2
    # Any write moves the data version: the next call computes again.
    with demo_copy.begin() as conn:
        bump_data_version(conn)
    core(Filters.year_to_date(last))
    assert len(calls) == 3
    clear_memo()


@pytest.mark.parametrize("departments", [(), ("IT",), ("FIN", "MKT")])
def test_trust_tiles_trend_is_each_months_latest_wave(demo_engine, departments) -> None:
    """The Overview's trust index and perception gap at each of 13 trend months are those of the
    waves fielded by that month's close, read month by month: the latest wave's index, and the
    largest overall mutual gap shown in the latest wave that has one."""
    from data_access.survey import load_waves
    from data_access.targets import load_targets
    from domain.months import month_end
    from kpis.survey_stats import OVERALL
    from kpis.trust_index import latest_wave_trust
    from services.single_view_model import trend_months
    from services.single_view_trust import trust_tiles

    filters = Filters.year_to_date(DEMO_LAST_ACTUAL_MONTH, departments=departments)
    months = trend_months(filters.as_of, 13)
    tiles, _, _ = trust_tiles(demo_engine, filters, months, load_targets(engine=demo_engine), 5, {})
    waves = load_waves(engine=demo_engine, filters=filters)
    groups, report = trust_core_of_waves(engine=demo_engine, filters=filters, waves=waves, min_group=5)
    gaps = report.gaps
    mutual = gaps[(gaps["kind"] == "mutual") & (gaps["dimension"] == OVERALL) & gaps["shown"]]
    fielded = pd.to_datetime(waves["fielded_on"])
    indexes, largest = [], []
    for month in months:
        until = waves[fielded <= pd.Timestamp(month_end(month))]
        indexes.append(
            latest_wave_trust(until, groups, min_group=5).current.index.value if len(until) else None
        )
        rows = mutual[mutual["wave_id"].isin(set(until["id"]))]
        latest = rows[rows["wave_id"] == rows["wave_id"].max()]
        largest.append(None if rows.empty else float(latest["gap"].abs().max()))
    assert list(tiles[0].trend) == indexes
    assert list(tiles[1].trend) == largest
    assert sum(value is not None for value in indexes) >= 2
    if not departments:  # a gap needs both sides of a pair among the rating departments
        assert sum(value is not None for value in largest) >= 2
