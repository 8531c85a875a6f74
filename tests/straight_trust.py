"""Straightforward trust computations, one wave and one level at a time: the oracles for the
one-pass paths of `kpis.trust` (issue #23, "instant at production scale").

These are the implementations the app used before the trust frames were computed in one
pass (kpis/trust.py at 3943b28, copied verbatim; only the names carry a `straight_` prefix).
They stay here, in the tests, so the tests can show that the one-pass path gives exactly the
same figures, and so production code cannot come to depend on them.

Only the functions the rewrite changed are copied. What kpis/trust.py still has unchanged
since 3943b28 (`_with_overall`, `_wave_codes`, `significant_drops`, the statistics and
suppression helpers) is imported from production: it is the same code, so the oracle stays
the old computation without a second copy of it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from domain.confidentiality import (
    DEFAULT_MIN_GROUP,
    SMALL_GROUP,
    keep_shown_groups,
    suppress,
    validate_min_group,
)
from kpis.common import KpiValue, not_available
from kpis.perception import GAP_COLUMNS
from kpis.survey_stats import CELL_VALUES, _wave_codes, _with_overall, welch_from_stats
from kpis.trust import TrustReport, item_heatmap, rating_groups, response_rates, significant_drops
from kpis.trust_index import TrustResult, WaveTrust, index_from_mean

# Unchanged since 3943b28: the production function is the old one.
straight_significant_drops = significant_drops


def straight_pooled_index(groups: pd.DataFrame, *, min_group: int = DEFAULT_MIN_GROUP) -> TrustResult:
    """Trust index over the groups that may be shown.

    `groups` has one row per rating department: `respondents`, `score_sum` (scores with
    reverse-coded items flipped, 6 − score) and `answers`. Groups with fewer than
    `min_group` respondents are left out entirely, so no total can reveal them by
    subtraction; index = (Σ score_sum / Σ answers − 1) / 4 × 100 over the rest.
    """
    min_group = validate_min_group(min_group)
    if groups.empty:
        return TrustResult(not_available("kpi.na.no_survey"), 0, 0)
    shown = groups[groups["respondents"] >= min_group]
    hidden = len(groups) - len(shown)
    answers = float(shown["answers"].sum())
    if shown.empty or answers == 0:
        return TrustResult(not_available("kpi.na.group_too_small"), 0, hidden)
    mean = float(shown["score_sum"].sum()) / answers
    return TrustResult(KpiValue(index_from_mean(mean)), int(shown["respondents"].sum()), hidden)


def straight_latest_wave_trust(
    waves: pd.DataFrame, groups: pd.DataFrame, *, min_group: int = DEFAULT_MIN_GROUP
) -> WaveTrust:
    """Trust index of the newest wave in `waves` (oldest first) and of the wave before it.

    `groups` holds per wave_id and rating department the sums `pooled_index` expects.
    """
    if waves.empty:
        return WaveTrust(
            None, TrustResult(not_available("kpi.na.no_survey"), 0, 0), not_available("kpi.na.no_survey")
        )
    latest = waves.iloc[-1]
    current = straight_pooled_index(groups[groups["wave_id"] == latest["id"]], min_group=min_group)
    if len(waves) < 2:
        return WaveTrust(str(latest["code"]), current, not_available("kpi.na.no_previous_wave"))
    previous = straight_pooled_index(groups[groups["wave_id"] == waves.iloc[-2]["id"]], min_group=min_group)
    return WaveTrust(str(latest["code"]), current, previous.index)


def straight_with_changes(cells: pd.DataFrame, keys: list[str], wave_order: list[int]) -> pd.DataFrame:
    """Add the change against the previous wave in `wave_order`: previous_wave_id, has_previous, change
    (index points), p_value (Welch's t on the respondent means, from the cells' mean, sd and
    n), significant (p < 0.05). Only where the cell is shown in both waves; else NaN/False."""
    previous_of = {wave: wave_order[i - 1] for i, wave in enumerate(wave_order) if i}
    out = cells.assign(previous_wave_id=cells["wave_id"].map(previous_of).astype("Int64"))
    stats_columns = ["mean_score", "sd", "respondents", "shown"]
    before = cells[["wave_id", *keys, *stats_columns]].rename(
        columns={"wave_id": "previous_wave_id", **{c: f"{c}_before" for c in stats_columns}}
    )
    paired = out.merge(
        before.astype({"previous_wave_id": "Int64"}), on=["previous_wave_id", *keys], how="left"
    )
    both = paired["shown"] & paired["shown_before"].fillna(False).astype(bool)
    test = welch_from_stats(
        paired["mean_score_before"].where(both),
        paired["sd_before"],
        paired["respondents_before"].astype("float64"),
        paired["mean_score"].where(both),
        paired["sd"],
        paired["respondents"].astype("float64"),
    )
    return out.assign(
        has_previous=out["previous_wave_id"].notna().to_numpy(dtype=bool),
        change=test["difference"].where(both).to_numpy(),
        p_value=test["p_value"].where(both).to_numpy(),
        significant=(test["significant"] & both).to_numpy(),
    )


def straight_trend_frame(
    scores: pd.DataFrame, waves: pd.DataFrame, groups: pd.DataFrame, *, min_group: int
) -> pd.DataFrame:
    """Trust index per wave, overall and per dimension, over the shown rating groups only.

    Columns: wave_id, wave_code, dimension (OVERALL or a dimension), level, respondents,
    mean_score, sd, index, ci_low, ci_high, shown, reason, previous_wave_id, change,
    p_value, significant. Hidden rating groups never enter (rule 3); the dimensions of a
    wave are a breakdown of its shown overall, so complementary suppression applies.
    """
    kept = keep_shown_groups(scores, groups, department_column="department")
    cells = _with_overall(kept, [])
    cells = suppress(
        cells, min_group=min_group, value_columns=CELL_VALUES, complementary_within=[["wave_id", "level"]]
    )
    return _wave_codes(straight_with_changes(cells, ["dimension"], list(waves["id"])), waves)


def straight_mirror_frame(
    scores: pd.DataFrame, waves: pd.DataFrame, groups: pd.DataFrame, *, min_group: int
) -> pd.DataFrame:
    """How each department rates each (rater × rated), overall and per dimension, per wave.

    Columns: wave_id, wave_code, rater, rated, dimension, level, respondents, mean_score, sd,
    index, ci_low, ci_high, shown, reason, previous_wave_id, change, p_value, significant.
    A rater group below the threshold is hidden in every cell (a placeholder row says so);
    the dimensions of one rater × rated pair get complementary suppression (their overall
    is shown).
    """
    kept = keep_shown_groups(scores, groups, department_column="department")
    renamed = kept.rename(columns={"department": "rater", "rated_department": "rated"})
    cells = _with_overall(renamed, ["rater", "rated"])
    hidden_groups = groups.loc[~groups["shown"], ["wave_id", "department"]]
    if not hidden_groups.empty and not cells.empty:
        pairs = cells[["wave_id", "rated", "dimension", "level"]].drop_duplicates()
        placeholders = hidden_groups.rename(columns={"department": "rater"}).merge(pairs, on="wave_id")
        cells = pd.concat([cells, placeholders.assign(respondents=0)], ignore_index=True)
    cells = suppress(
        cells,
        min_group=min_group,
        value_columns=CELL_VALUES,
        complementary_within=[["wave_id", "rater", "rated", "level"]],
    )
    cells = straight_with_changes(cells, ["rater", "rated", "dimension"], list(waves["id"]))
    return _wave_codes(cells, waves).sort_values(
        ["wave_id", "rated", "rater", "dimension"], ignore_index=True
    )


def straight_perception_gaps(mirror: pd.DataFrame) -> pd.DataFrame:
    """Perception gaps from the (already suppressed) mirror, per wave and dimension.

    kind "mutual": index_a = how A rates B, index_b = how B rates A, gap = index_a − index_b
    (A before B alphabetically). kind "self": index_a = how A rates itself, index_b = how B
    rates A, gap = self-image − the image B holds. p_value/significant: Welch's t on the
    two cells' respondent means. A gap needs both cells shown; otherwise gap is NaN,
    `shown` False and `reason` says why.
    """
    keys = ["wave_id", "wave_code", "dimension"]
    cell = mirror[[*keys, "rater", "rated", "shown", "index", "mean_score", "sd", "respondents"]]
    first = cell.rename(columns={c: f"{c}_a" for c in ("shown", "index", "mean_score", "sd", "respondents")})
    second = cell.rename(columns={c: f"{c}_b" for c in ("shown", "index", "mean_score", "sd", "respondents")})
    mutual = first[first["rater"] < first["rated"]].merge(
        second.rename(columns={"rater": "rated", "rated": "rater"}), on=[*keys, "rater", "rated"]
    )
    mutual = mutual.assign(kind="mutual", department_a=mutual["rater"], department_b=mutual["rated"])
    self_image = first[first["rater"] == first["rated"]].drop(columns="rater")
    others = second[second["rater"] != second["rated"]]
    selfs = self_image.merge(others, on=[*keys, "rated"])
    selfs = selfs.assign(kind="self", department_a=selfs["rated"], department_b=selfs["rater"])
    pairs = pd.concat([mutual, selfs], ignore_index=True)
    if pairs.empty:
        return pd.DataFrame(columns=GAP_COLUMNS).astype({"shown": bool, "significant": bool})
    shown = pairs["shown_a"].astype(bool) & pairs["shown_b"].astype(bool)
    test = welch_from_stats(
        pairs["mean_score_b"],
        pairs["sd_b"],
        pairs["respondents_b"].astype("float64"),
        pairs["mean_score_a"],
        pairs["sd_a"],
        pairs["respondents_a"].astype("float64"),
    )
    frame = pairs.assign(
        gap=(pairs["index_a"] - pairs["index_b"]).where(shown),
        p_value=test["p_value"].where(shown).to_numpy(),
        significant=(test["significant"] & shown).to_numpy(),
        shown=shown,
        reason=pd.Series(np.where(shown, None, SMALL_GROUP), index=pairs.index, dtype=object),
    )
    frame["index_a"] = frame["index_a"].where(shown)
    frame["index_b"] = frame["index_b"].where(shown)
    return frame[GAP_COLUMNS].sort_values(
        ["wave_id", "dimension", "kind", "department_a", "department_b"], ignore_index=True
    )


def straight_trust_report(
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
    mirror = straight_mirror_frame(respondent_scores, waves, groups, min_group=min_group)
    return TrustReport(
        min_group=min_group,
        groups=groups,
        rates=response_rates(response_counts, waves),
        trend=straight_trend_frame(respondent_scores, waves, groups, min_group=min_group),
        mirror=mirror,
        gaps=straight_perception_gaps(mirror),
        heatmap=item_heatmap(item_distribution, waves, min_group=min_group),
    )


def straight_trust_core(
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
    mirror = straight_mirror_frame(respondent_scores, waves, shown, min_group=min_group)
    empty = pd.DataFrame()
    return TrustReport(
        min_group=min_group,
        groups=shown,
        rates=empty,
        trend=straight_trend_frame(respondent_scores, waves, shown, min_group=min_group),
        mirror=mirror,
        gaps=straight_perception_gaps(mirror),
        heatmap=empty,
    )


def straight_rows_for(frame: pd.DataFrame, **equal: object) -> pd.DataFrame:
    """The rows of a report frame whose columns equal the given values (e.g. wave_id=3)."""
    mask = pd.Series(True, index=frame.index)
    for column, value in equal.items():
        mask &= frame[column] == value
    return frame[mask].reset_index(drop=True)
