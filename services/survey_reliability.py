"""Cronbach's alpha for the Trust page without reading every answer on each filter change.

`kpis.trust.reliability_table` needs the item-level answers (one row per answer: the size
of the survey_response table). Its rows are per wave, dimension and rated department, and
each row depends only on that wave's answers of the selected rating departments and on
which rating groups are shown (a group's own respondent count against `min_group`). So the
table of every wave, for one set of rating departments and one `min_group`, is computed
once per data version and memoised (a few dozen rows, never the answers), and a filter
change only picks the rows of its waves.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Engine

from data_access.memo import memoised_result
from data_access.survey import load_all_waves, load_item_scores, load_response_counts, load_waves
from domain.confidentiality import validate_min_group
from domain.filters import Filters
from kpis.survey_stats import reliability_table
from kpis.trust import rating_groups

_EVERY_WAVE = dt.date(9999, 12, 1)


def _inputs(engine: Engine, filters: Filters, wave_ids: list[int], min_group: int):
    waves = load_waves(engine=engine, filters=filters)
    waves = waves[waves["id"].isin(wave_ids)].reset_index(drop=True)
    counts = load_response_counts(engine=engine, filters=filters, wave_ids=wave_ids)
    groups = rating_groups(counts, min_group=min_group)
    return waves, groups


def reliability_of_waves(
    *, engine: Engine, filters: Filters, wave_ids: list[int], min_group: int
) -> pd.DataFrame:
    """`reliability_table` of the waves `wave_ids` and the filters' rating departments,
    computed directly from the item-level answers (one query over the answers per call)."""
    min_group = validate_min_group(min_group)
    waves, groups = _inputs(engine, filters, wave_ids, min_group)
    items = load_item_scores(engine=engine, filters=filters, wave_ids=wave_ids)
    return reliability_table(items, waves, groups, min_group=min_group)


def load_reliability(
    *, engine: Engine, filters: Filters, wave_ids: list[int], min_group: int
) -> pd.DataFrame:
    """The same frame as `reliability_of_waves`, from a memoised table of every wave (per
    data version, set of rating departments and `min_group`)."""
    min_group = validate_min_group(min_group)
    departments = tuple(sorted(filters.departments))
    every = Filters(as_of=_EVERY_WAVE, period_start=_EVERY_WAVE, departments=departments)

    def load(e: Engine) -> pd.DataFrame:
        ids = [int(i) for i in load_all_waves(engine=e)["id"]]
        # Wave by wave (each row depends on its own wave only): the answers of one wave at a
        # time in memory, not those of every wave at once. The waves and their rating groups
        # are read once for all of them (a wave's rows only meet its own groups).
        waves, groups = _inputs(e, every, ids, min_group)
        tables = [
            reliability_table(
                load_item_scores(engine=e, filters=every, wave_ids=[i]), waves, groups, min_group=min_group
            )
            for i in ids
        ]
        tables = [table for table in tables if not table.empty]
        if not tables:
            return reliability_of_waves(engine=e, filters=every, wave_ids=ids, min_group=min_group)
        return pd.concat(tables, ignore_index=True)

    table = memoised_result(
        engine=engine, name="trust.reliability", key=(departments, min_group), compute=load
    )
    chosen = table[table["wave_id"].isin(wave_ids)].reset_index(drop=True)
    if chosen.empty:  # the table's empty form, as reliability_table gives it
        waves, groups = _inputs(engine, filters, wave_ids, min_group)
        return reliability_table(
            load_item_scores(engine=engine, filters=filters, wave_ids=[]), waves, groups, min_group=min_group
        )
    return chosen
