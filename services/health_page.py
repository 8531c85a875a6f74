"""The Alignment health page model: the maturity profile of the as-of month and of the same
month a year earlier, the overall level by month, the figures behind each criterion, and
trust beside delivery per survey wave.

It composes the single view (services.single_view, the Overview's KPIs month by month), the
existing loaders and the pure functions of kpis.maturity, kpis.maturity_measures and
kpis.trust_delivery; it knows nothing of Streamlit, so the page, the pack, the what-if page
and the tests share it. The survey passes the same gate as on the Trust page
(kpis.trust.trust_core over the shown rating groups): a hidden group contributes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import Engine

from data_access.budget import load_progress_history
from data_access.maturity_rules import load_maturity_rule_versions
from data_access.steering import load_decisions
from data_access.survey import load_trust_groups, load_waves
from domain.filters import Filters
from domain.maturity import MaturityRules, RuleVersion, rules_in_force
from domain.months import month_end
from kpis.budget import portfolio_earned_value_of
from kpis.common import KpiValue, not_available
from kpis.maturity import NO_DATA, Profile, score_profile
from kpis.maturity_measures import (
    CUSTOMER_DATA_AREAS,
    PROCESSING_AREAS,
    areas_by_rule_by_month,
    breach_share_by_month,
    ev_coverage_by_month,
    forecast_accuracy,
    fte_balance_by_month,
    latest_wave_values,
    meeting_outcomes_by_month,
    returners_by_month,
)
from kpis.steering import follow_through_by_month
from kpis.trends import goals_on_time_by_month, progress_by_month
from kpis.trust import rating_groups
from kpis.trust_delivery import (
    DELIVERY,
    TABLE_COLUMNS,
    Correlation,
    correlation,
    reading,
    trust_by_direction,
    trust_by_wave,
)
from services.single_view import ViewFrames, single_view_with_frames
from services.single_view_model import trend_months
from services.survey_core import trust_core_of_waves

PROFILE_MONTHS = 13  # the as-of month and the twelve before it: "a year earlier" is the first
# Measures that are a tile of the single view, by tile code.
TILE_MEASURES = {
    "perception_gap": "perception_gap",
    "goals_on_time": "goals_on_time",
    "ownership_clarity": "ownership_clarity",
    "follow_through": "follow_through",
    "joint_share": "joint_share",
    "funding_balance": "funding_balance",
    "mixed_teams": "mixed_teams",
}
TRUST_MEASURES = {
    "trust_communication": "communication",
    "trust_benevolence": "benevolence",
    "trust_integrity": "integrity",
}


@dataclass(frozen=True)
class HealthView:
    """Everything the Alignment health page and its pack pages show.

    profile / earlier: the as-of month's and a year earlier's profiles; trend: month, level,
    confidence (the overall level at each of the last 13 month closes); trust_delivery:
    kpis.trust_delivery.TABLE_COLUMNS, one row per wave fielded by the as-of month;
    directions: how each department rates another per wave; reading: i18n keys + params.
    """

    as_of: dt.date
    year_earlier: dt.date
    profile: Profile
    earlier: Profile
    trend: pd.DataFrame
    trust_delivery: pd.DataFrame
    directions: pd.DataFrame
    correlations: dict[str, Correlation | None] = field(default_factory=dict)
    reading: tuple[tuple[str, dict], ...] = ()
    hidden_survey_groups: int = 0
    rules: MaturityRules = field(default_factory=MaturityRules)


def _months_back(first: dt.date, as_of: dt.date) -> int:
    return (as_of.year - first.year) * 12 + as_of.month - first.month + 1


def _tile_values(series: tuple[float | None, ...]) -> list[KpiValue]:
    return [KpiValue(value) if value is not None else not_available(NO_DATA) for value in series]


def _survey(
    engine: Engine, filters: Filters, min_group: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """waves, trend and mirror past the Trust page's gate (kpis.trust.trust_core)."""
    waves = load_waves(engine=engine, filters=filters)
    if waves.empty:
        return waves, pd.DataFrame(), pd.DataFrame()
    _, report = trust_core_of_waves(engine=engine, filters=filters, waves=waves, min_group=min_group)
    return waves, report.trend, report.mirror


def measure_values(
    *,
    engine: Engine,
    filters: Filters,
    min_group: int,
    months: list[dt.date],
    waves: pd.DataFrame,
    trend: pd.DataFrame,
) -> tuple[dict[dt.date, dict[str, KpiValue]], ViewFrames]:
    """Every maturity measure at each of `months` (the last is `filters.as_of`), code → value,
    and the frames of the single view they come from (ownership, team mixes, projects and
    their budget lines are read from it, not loaded or computed again)."""
    view, frames = single_view_with_frames(
        engine=engine, filters=filters, min_group=min_group, trend=len(months)
    )
    by_code: dict[str, list[KpiValue]] = {
        measure: _tile_values(view.tile(tile).trend) for measure, tile in TILE_MEASURES.items()
    }
    by_code["forecast_accuracy"] = [
        forecast_accuracy(value) for value in _tile_values(view.tile("budget_realisation").trend)
    ]
    for measure, dimension in TRUST_MEASURES.items():
        by_code[measure] = latest_wave_values(waves, trend, dimension, months)
    projects = frames.projects
    cancelled = set(projects.loc[projects["status"] == "cancelled", "project"])
    ownership = frames.ownership
    # Recorded history only: before it a month's ownership is assumed, as on the Overview.
    masked = set(view.months_without_history)
    ownership = ownership[~ownership["month"].isin(masked)]
    by_code["house_rule_breaches"] = breach_share_by_month(ownership, months, cancelled=cancelled)
    by_code["processing_by_rule"] = areas_by_rule_by_month(
        ownership, months, areas=PROCESSING_AREAS, cancelled=cancelled
    )
    by_code["customer_data_by_rule"] = areas_by_rule_by_month(
        ownership, months, areas=CUSTOMER_DATA_AREAS, cancelled=cancelled
    )
    by_code["fte_balance"] = [
        not_available(NO_DATA) if month in masked else value
        for month, value in zip(months, fte_balance_by_month(frames.mixes, months), strict=True)
    ]
    history = load_progress_history(engine=engine, filters=filters, months=len(months))
    lines = frames.lines
    planned = lines[lines["planned"] != 0]
    started = planned.groupby("project")["month"].min().to_dict() if not planned.empty else {}
    by_code["ev_coverage"] = ev_coverage_by_month(projects, history, months, started=started)
    by_code["meeting_outcomes"] = meeting_outcomes_by_month(
        load_decisions(engine=engine), frames.actions, months
    )
    by_code["returners"] = returners_by_month(months)
    values = {
        month: {code: values[row] for code, values in by_code.items()} for row, month in enumerate(months)
    }
    return values, frames


def profiles(
    values: Mapping[dt.date, Mapping[str, KpiValue]], versions: list[RuleVersion]
) -> dict[dt.date, Profile]:
    """Each month's profile under the rules in force at its close."""
    return {
        month: score_profile(month_values, rules_in_force(versions, as_of=month))
        for month, month_values in values.items()
    }


def delivery_by_wave(
    *, engine: Engine, filters: Filters, table: pd.DataFrame, frames: ViewFrames
) -> pd.DataFrame:
    """`table` (trust by wave) with CPI, SPI, insight goals on time and follow-through at each
    wave's month close, computed as the Overview computes them for that month, from the
    frames of the as-of month's single view (`frames`)."""
    if table.empty:
        return table.reindex(columns=TABLE_COLUMNS)
    months = list(table["month"])
    back = _months_back(min(months), filters.as_of)
    lines, projects, actions, goals = frames.lines, frames.projects, frames.actions, frames.goals
    history = load_progress_history(engine=engine, filters=filters, months=back)
    progress = progress_by_month(projects["project"], history, months)
    goals_values = goals_on_time_by_month(goals, months)
    follow = follow_through_by_month(actions, as_of_ends=[month_end(month) for month in months])
    rows = []
    for row, month in enumerate(months):
        at_close = projects.assign(pct_complete=progress[row])
        earned = portfolio_earned_value_of(lines, at_close, as_of=month)
        rows.append(
            {
                "cpi": earned.cpi.value,
                "spi": earned.spi.value,
                "goals_on_time": goals_values[row].value,
                "follow_through": follow[row].value,
            }
        )
    delivery = pd.DataFrame(rows, columns=list(DELIVERY), dtype="float64")
    return pd.concat([table.reset_index(drop=True), delivery], axis=1)[TABLE_COLUMNS]


def compute_health(*, engine: Engine, filters: Filters, min_group: int) -> HealthView:
    """The Alignment health page model at `filters.as_of` (see HealthView)."""
    months = trend_months(filters.as_of, PROFILE_MONTHS)
    waves, trend, mirror = _survey(engine, filters, min_group)
    values, frames = measure_values(
        engine=engine, filters=filters, min_group=min_group, months=months, waves=waves, trend=trend
    )
    versions = load_maturity_rule_versions(engine=engine)
    by_month = profiles(values, versions)
    table = trust_by_wave(waves, trend) if not waves.empty else pd.DataFrame(columns=TABLE_COLUMNS[:4])
    table = delivery_by_wave(engine=engine, filters=filters, table=table, frames=frames)
    correlations = {measure: correlation(table, measure) for measure in DELIVERY}
    hidden = 0
    if not waves.empty:
        latest = load_trust_groups(engine=engine, filters=filters, wave_ids=[int(waves["id"].iloc[-1])])
        hidden = int((~rating_groups(latest, min_group=min_group)["shown"].astype(bool)).sum())
    return HealthView(
        as_of=filters.as_of,
        year_earlier=months[0],
        profile=by_month[months[-1]],
        earlier=by_month[months[0]],
        trend=pd.DataFrame(
            {
                "month": months,
                "level": [by_month[month].level for month in months],
                "confidence": [by_month[month].confidence for month in months],
            }
        ),
        trust_delivery=table,
        directions=trust_by_direction(waves, mirror) if not waves.empty else pd.DataFrame(),
        correlations=correlations,
        reading=tuple(reading(table, correlations)),
        hidden_survey_groups=hidden,
        rules=rules_in_force(versions, as_of=filters.as_of),
    )


@dataclass(frozen=True)
class MonthProfile:
    """The profile of one month close and the rules it was scored by (what the what-if page needs)."""

    as_of: dt.date
    profile: Profile
    rules: MaturityRules


def compute_month_profile(*, engine: Engine, filters: Filters, min_group: int) -> MonthProfile:
    """The as-of month's profile alone: `compute_health(...).profile` without the trend, the
    year-earlier profile and trust beside delivery, at about the cost of one month."""
    waves, trend, _ = _survey(engine, filters, min_group)
    values, _ = measure_values(
        engine=engine, filters=filters, min_group=min_group, months=[filters.as_of], waves=waves, trend=trend
    )
    rules = rules_in_force(load_maturity_rule_versions(engine=engine), as_of=filters.as_of)
    return MonthProfile(as_of=filters.as_of, profile=score_profile(values[filters.as_of], rules), rules=rules)


def criterion_rows(profile: Profile) -> pd.DataFrame:
    """The figures behind each criterion: criterion, measure, value (NaN: no data), reason,
    unit, direction, t1..t4, level (None: no data), one row per measure in criterion order."""
    rows = [
        {
            "criterion": score.criterion,
            "measure": measure.rule.code,
            "value": measure.value.value,
            "reason": measure.value.reason,
            "unit": measure.rule.unit,
            "direction": measure.rule.direction,
            **{f"t{n}": threshold for n, threshold in enumerate(measure.rule.thresholds, start=1)},
            "level": measure.level,
        }
        for score in profile.criteria
        for measure in score.measures
    ]
    return pd.DataFrame(rows)
