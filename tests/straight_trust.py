"""Straightforward trust computations, one wave and one level at a time: the oracles for the
one-pass paths of `kpis.trust` (issue #23, "instant at production scale").

These are the implementations the app used before the trust frames were computed in one
pass (kpis/trust.py at 3943b28, copied verbatim; only the names carry a `straight_` prefix).
They stay here, in the tests, so the tests can show that the one-pass path gives exactly the
same figures, and so production code cannot come to depend on them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpis.common import KpiValue, not_available
from kpis.confidentiality import (
    DEFAULT_MIN_GROUP,
    SMALL_GROUP,
    keep_shown_groups,
    suppress,
    validate_min_group,
)
from kpis.trust import (
    CELL_VALUES,
    GAP_COLUMNS,
    OVERALL,
    TrustReport,
    TrustResult,
    WaveTrust,
    index_from_mean,
    item_heatmap,
    rating_groups,
    response_rates,
    t_interval,
    welch_from_stats,
)


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


def straight_respondent_means(scores: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Respondent-level means: `scores` (load_respondent_scores) -> wave_id, respondent, *keys, mean_score.

    mean_score = Σ score_sum / Σ answers over the respondent's answers in the cell, on 1–5.
    """
    by = ["wave_id", "respondent", *keys]
    if scores.empty:
        return pd.DataFrame(columns=[*by, "mean_score"])
    summed = scores.groupby(by, as_index=False, sort=True)[["score_sum", "answers"]].sum()
    return summed.assign(mean_score=summed["score_sum"] / summed["answers"]).drop(
        columns=["score_sum", "answers"]
    )


def straight_cell_statistics(means: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per wave and cell: respondents, mean_score (mean of respondent means), sd, index and 95% CI.

    `means` is straight_respondent_means(...) for the same keys; index = (mean − 1) / 4 × 100 and the
    interval bounds (t interval) are mapped the same way.
    """
    by = ["wave_id", *keys]
    if means.empty:
        return pd.DataFrame(columns=[*by, "respondents", *CELL_VALUES])
    frame = (
        means.groupby(by, as_index=False, sort=True)["mean_score"]
        .agg(respondents="count", mean_score="mean", sd="std")
        .astype({"mean_score": "float64", "sd": "float64"})
    )
    low, high = t_interval(frame["mean_score"], frame["sd"], frame["respondents"])
    return frame.assign(
        index=index_from_mean(frame["mean_score"]),
        ci_low=index_from_mean(low),
        ci_high=index_from_mean(high),
    )[[*by, "respondents", *CELL_VALUES]]


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


def straight_with_overall(scores: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Cells per dimension and over all dimensions (dimension = OVERALL, level "total")."""
    per_dimension = straight_respondent_means(scores, [*keys, "dimension"])
    overall = straight_respondent_means(scores, keys).assign(dimension=OVERALL)
    cells = straight_cell_statistics(
        pd.concat([per_dimension, overall], ignore_index=True), [*keys, "dimension"]
    )
    return cells.assign(level=np.where(cells["dimension"] == OVERALL, "total", "dimension"))


def straight_wave_codes(frame: pd.DataFrame, waves: pd.DataFrame) -> pd.DataFrame:
    codes = dict(zip(waves["id"], waves["code"], strict=True))
    return frame.assign(wave_code=frame["wave_id"].map(codes))


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
    cells = straight_with_overall(kept, [])
    cells = suppress(
        cells, min_group=min_group, value_columns=CELL_VALUES, complementary_within=[["wave_id", "level"]]
    )
    return straight_wave_codes(straight_with_changes(cells, ["dimension"], list(waves["id"])), waves)


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
    cells = straight_with_overall(renamed, ["rater", "rated"])
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
    return straight_wave_codes(cells, waves).sort_values(
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


def straight_significant_drops(report: TrustReport) -> pd.DataFrame:
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


def straight_rows_for(frame: pd.DataFrame, **equal: object) -> pd.DataFrame:
    """The rows of a report frame whose columns equal the given values (e.g. wave_id=3)."""
    mask = pd.Series(True, index=frame.index)
    for column, value in equal.items():
        mask &= frame[column] == value
    return frame[mask].reset_index(drop=True)
