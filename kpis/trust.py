"""The trust report of a survey: rating groups, response rates, the item heatmap and the
significant drops, assembled from kpis.trust_index, kpis.survey_stats and kpis.perception,
with the confidentiality rule applied first.

Every frame meant for display has passed `domain.confidentiality.suppress`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from domain.confidentiality import ABSOLUTE_MIN_GROUP as ABSOLUTE_MIN_GROUP
from domain.confidentiality import (
    DEFAULT_MIN_GROUP,
    shown_groups,
    suppress,
    validate_min_group,
)

# Compatibility re-exports; import from kpis.trust_index, kpis.survey_stats and kpis.perception.
from kpis.perception import (
    _trend_and_mirror,
    perception_gaps,
)
from kpis.survey_stats import (
    _wave_codes,
)

HEATMAP_VALUES = ["favourable_share", "neutral_share", "unfavourable_share"]


def item_heatmap(distribution: pd.DataFrame, waves: pd.DataFrame, *, min_group: int) -> pd.DataFrame:
    """Per wave, item and rating department: favourable (4–5), neutral (3), unfavourable (1–2)
    shares of answers, after reverse-coded items were flipped (favourable = favourable to trust).

    share = count / (favourable + neutral + unfavourable). Cells below the threshold are
    hidden; the items of one dimension about one department are a breakdown of that
    dimension's shown score, so they get complementary suppression.
    """
    answered = distribution["favourable"] + distribution["neutral"] + distribution["unfavourable"]
    safe = answered.where(answered > 0)
    frame = distribution.assign(
        favourable_share=distribution["favourable"] / safe,
        neutral_share=distribution["neutral"] / safe,
        unfavourable_share=distribution["unfavourable"] / safe,
    ).drop(columns=["favourable", "neutral", "unfavourable"])
    frame = suppress(
        frame,
        min_group=min_group,
        value_columns=HEATMAP_VALUES,
        complementary_within=[["wave_id", "department", "rated_department", "dimension"]],
    )
    return _wave_codes(frame, waves)


def response_rates(counts: pd.DataFrame, waves: pd.DataFrame) -> pd.DataFrame:
    """Per wave and department: invited, respondents, response_rate = respondents / invited
    (NaN when nobody was invited). Counts, not scores: shown for every group."""
    invited = counts["invited"].where(counts["invited"] > 0)
    return _wave_codes(counts.assign(response_rate=counts["respondents"] / invited), waves)


@dataclass(frozen=True)
class TrustReport:
    """Every survey frame the Trust page (and the export) shows, all past the confidentiality gate.

    groups: wave_id, department, respondents, shown, reason (the rating groups).
    rates: response rates per wave and department (counts, not scores).
    trend: trend_frame; mirror: mirror_frame; gaps: perception_gaps; heatmap: item_heatmap.
    """

    min_group: int
    groups: pd.DataFrame
    rates: pd.DataFrame
    trend: pd.DataFrame
    mirror: pd.DataFrame
    gaps: pd.DataFrame
    heatmap: pd.DataFrame


def rating_groups(counts: pd.DataFrame, *, min_group: int) -> pd.DataFrame:
    """The rating groups (wave × department) with `shown` from the response counts."""
    return shown_groups(counts[["wave_id", "department", "respondents"]], min_group=min_group)


def trust_report(
    *,
    waves: pd.DataFrame,
    respondent_scores: pd.DataFrame,
    item_distribution: pd.DataFrame,
    response_counts: pd.DataFrame,
    min_group: int = DEFAULT_MIN_GROUP,
) -> TrustReport:
    """All Trust page frames from the loaded aggregates, suppressed (see the frame functions)."""
    min_group = validate_min_group(min_group)
    groups = rating_groups(response_counts, min_group=min_group)
    trend, mirror = _trend_and_mirror(respondent_scores, waves, groups, min_group=min_group)
    return TrustReport(
        min_group=min_group,
        groups=groups,
        rates=response_rates(response_counts, waves),
        trend=trend,
        mirror=mirror,
        gaps=perception_gaps(mirror),
        heatmap=item_heatmap(item_distribution, waves, min_group=min_group),
    )


def trust_core(
    *,
    waves: pd.DataFrame,
    respondent_scores: pd.DataFrame,
    groups: pd.DataFrame,
    min_group: int = DEFAULT_MIN_GROUP,
) -> TrustReport:
    """The trend, mirror and gaps of `trust_report` without the item heatmap and response rates.

    For the Overview, which shows neither: saves the item-level and invitation queries.
    `groups` has wave_id, department and respondents per rating group (as `load_trust_groups`
    or the response counts give them); the same gate applies, so the frames are identical to
    those of `trust_report`.
    """
    min_group = validate_min_group(min_group)
    shown = rating_groups(groups, min_group=min_group)
    trend, mirror = _trend_and_mirror(respondent_scores, waves, shown, min_group=min_group)
    empty = pd.DataFrame()
    return TrustReport(
        min_group=min_group,
        groups=shown,
        rates=empty,
        trend=trend,
        mirror=mirror,
        gaps=perception_gaps(mirror),
        heatmap=empty,
    )


def significant_drops(report: TrustReport) -> pd.DataFrame:
    """Significant trust drops in the latest wave: cells of the trend and the mirror whose
    change against the previous wave is negative and significant (Welch, p < 0.05).

    Columns: scope ("trend" or "mirror"), wave_code, rater, rated, dimension, index, change,
    p_value. Empty when nothing dropped significantly.
    """
    columns = ["scope", "wave_code", "rater", "rated", "dimension", "index", "change", "p_value"]
    latest = report.trend["wave_id"].max() if not report.trend.empty else None
    parts = []
    for scope, frame in (("trend", report.trend), ("mirror", report.mirror)):
        if frame.empty:
            continue
        hit = frame[(frame["wave_id"] == latest) & frame["significant"] & (frame["change"] < 0)]
        parts.append(hit.assign(scope=scope).reindex(columns=columns))
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True)
