"""Trust index from survey scores, with the confidentiality rule applied first.

Scores are on a 1–5 scale with reverse-coded items flipped (6 − score) in SQL; the index
maps a mean to 0–100: (mean − 1) / 4 × 100. Statistics work on respondent-level means
(each respondent's mean adjusted score over the items of a cell), so every respondent
weighs once: 95% confidence intervals are Student's t intervals and a change between two
waves is significant when Welch's t-test (unequal variances) gives p < 0.05. Every frame
meant for display has passed `kpis.confidentiality.suppress`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from kpis.common import KpiValue, not_available
from kpis.confidentiality import ABSOLUTE_MIN_GROUP as ABSOLUTE_MIN_GROUP
from kpis.confidentiality import (
    DEFAULT_MIN_GROUP,
    SMALL_GROUP,
    keep_shown_groups,
    shown_groups,
    suppress,
    validate_min_group,
)


def index_from_mean(mean_score: float) -> float:
    """Trust index = (mean − 1) / 4 × 100: a mean of 1 on the 1–5 scale is 0, 5 is 100."""
    return (mean_score - 1.0) / 4.0 * 100.0


@dataclass(frozen=True)
class TrustResult:
    index: KpiValue
    respondents: int
    hidden_groups: int


def pooled_index(groups: pd.DataFrame, *, min_group: int = DEFAULT_MIN_GROUP) -> TrustResult:
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


@dataclass(frozen=True)
class WaveTrust:
    """Trust index of the latest wave and its change against the previous wave (points)."""

    wave_code: str | None
    current: TrustResult
    previous_index: KpiValue

    @property
    def change(self) -> KpiValue:
        if self.current.index.value is None:
            return not_available(self.current.index.reason or "kpi.na.no_survey")
        if self.previous_index.value is None:
            return not_available("kpi.na.no_previous_wave")
        return KpiValue(self.current.index.value - self.previous_index.value)


def latest_wave_trust(
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
    current = pooled_index(groups[groups["wave_id"] == latest["id"]], min_group=min_group)
    if len(waves) < 2:
        return WaveTrust(str(latest["code"]), current, not_available("kpi.na.no_previous_wave"))
    previous = pooled_index(groups[groups["wave_id"] == waves.iloc[-2]["id"]], min_group=min_group)
    return WaveTrust(str(latest["code"]), current, previous.index)


OVERALL = "overall"
CONFIDENCE = 0.95
SIGNIFICANCE_LEVEL = 0.05
ALPHA_WARNING = 0.7
NO_CHANGE_REASON = "trust.change.no_previous"

CELL_VALUES = ["mean_score", "index", "ci_low", "ci_high"]
CHANGE_COLUMNS = ["previous_wave_id", "change", "p_value", "significant"]


def respondent_means(scores: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
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


def mean_confidence_interval(values: np.ndarray | pd.Series, *, confidence: float = CONFIDENCE) -> tuple:
    """(mean, low, high): Student's t interval mean ± t(1 − α/2, n − 1) · s / √n (scipy.stats.t).

    With fewer than two values the bounds are NaN (no interval); with no spread they equal
    the mean.
    """
    data = np.asarray(values, dtype="float64")
    if data.size == 0:
        return (np.nan, np.nan, np.nan)
    mean = float(data.mean())
    if data.size < 2:
        return (mean, np.nan, np.nan)
    sem = float(stats.sem(data))
    if sem == 0:
        return (mean, mean, mean)
    low, high = stats.t.interval(confidence, df=data.size - 1, loc=mean, scale=sem)
    return (mean, float(low), float(high))


@dataclass(frozen=True)
class WelchResult:
    """Welch's t-test of `after` against `before` (respondent-level means, unequal variances).

    `difference` is in index points (after − before); `significant` when p < 0.05.
    """

    difference: float
    statistic: float
    p_value: float
    significant: bool


def welch_test(before: np.ndarray | pd.Series, after: np.ndarray | pd.Series) -> WelchResult:
    """Welch's t-test (scipy.stats.ttest_ind, equal_var=False) on two samples of 1–5 means.

    With fewer than two values on either side, or no spread at all, p is NaN and the
    difference is never called significant.
    """
    a = np.asarray(before, dtype="float64")
    b = np.asarray(after, dtype="float64")
    if a.size == 0 or b.size == 0:
        return WelchResult(np.nan, np.nan, np.nan, False)
    difference = (float(b.mean()) - float(a.mean())) / 4.0 * 100.0
    if a.size < 2 or b.size < 2 or (a.var() == 0 and b.var() == 0):
        return WelchResult(difference, np.nan, np.nan, False)
    result = stats.ttest_ind(b, a, equal_var=False)
    p_value = float(result.pvalue)
    return WelchResult(difference, float(result.statistic), p_value, bool(p_value < SIGNIFICANCE_LEVEL))


def cell_statistics(means: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per wave and cell: respondents, mean_score (mean of respondent means), index and its 95% CI.

    `means` is respondent_means(...) for the same keys; index = (mean − 1) / 4 × 100 and the
    interval bounds are mapped the same way.
    """
    by = ["wave_id", *keys]
    rows = []
    for key, group in means.groupby(by, sort=True):
        mean, low, high = mean_confidence_interval(group["mean_score"])
        rows.append((*key, len(group), mean, low, high))
    frame = pd.DataFrame(rows, columns=[*by, "respondents", "mean_score", "ci_low", "ci_high"])
    return frame.assign(
        index=index_from_mean(frame["mean_score"]),
        ci_low=index_from_mean(frame["ci_low"]),
        ci_high=index_from_mean(frame["ci_high"]),
    )[[*by, "respondents", *CELL_VALUES]]


def with_changes(
    cells: pd.DataFrame, means: pd.DataFrame, keys: list[str], wave_order: list[int]
) -> pd.DataFrame:
    """Add the change against the previous wave in `wave_order`: change (index points), p_value
    (Welch), significant. Only where the cell is shown in both waves; otherwise NaN/False."""
    position = {wave: i for i, wave in enumerate(wave_order)}
    samples = {key: group["mean_score"].to_numpy() for key, group in means.groupby(["wave_id", *keys])}
    shown = cells[cells["shown"]]
    shown_keys = {tuple(row) for row in shown[["wave_id", *keys]].itertuples(index=False)}
    previous, change, p_value, significant = [], [], [], []
    for row in cells[["wave_id", *keys, "shown"]].itertuples(index=False):
        wave, *rest, is_shown = row
        i = position.get(wave)
        before_wave = wave_order[i - 1] if i else None
        before_key = (before_wave, *rest)
        if not is_shown or before_wave is None or before_key not in shown_keys:
            previous.append(before_wave)
            change.append(np.nan)
            p_value.append(np.nan)
            significant.append(False)
            continue
        result = welch_test(samples[before_key], samples[(wave, *rest)])
        previous.append(before_wave)
        change.append(result.difference)
        p_value.append(result.p_value)
        significant.append(result.significant)
    return cells.assign(
        previous_wave_id=pd.array(previous, dtype="Int64"),
        change=change,
        p_value=p_value,
        significant=significant,
    )


def _with_overall(scores: pd.DataFrame, keys: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Respondent means per dimension and over all dimensions (dimension = OVERALL), and cells."""
    per_dimension = respondent_means(scores, [*keys, "dimension"])
    overall = respondent_means(scores, keys).assign(dimension=OVERALL)
    means = pd.concat([per_dimension, overall], ignore_index=True)
    cells = cell_statistics(means, [*keys, "dimension"])
    return means, cells.assign(level=np.where(cells["dimension"] == OVERALL, "total", "dimension"))


def _wave_codes(frame: pd.DataFrame, waves: pd.DataFrame) -> pd.DataFrame:
    codes = dict(zip(waves["id"], waves["code"], strict=True))
    return frame.assign(wave_code=frame["wave_id"].map(codes))


def trend_frame(
    scores: pd.DataFrame, waves: pd.DataFrame, groups: pd.DataFrame, *, min_group: int
) -> pd.DataFrame:
    """Trust index per wave, overall and per dimension, over the shown rating groups only.

    Columns: wave_id, wave_code, dimension (OVERALL or a dimension), level, respondents,
    mean_score, index, ci_low, ci_high, shown, reason, previous_wave_id, change, p_value,
    significant. Hidden rating groups never enter (rule 3); dimensions of one wave are a
    breakdown of the shown overall, so complementary suppression applies among them.
    """
    kept = keep_shown_groups(scores, groups, department_column="department")
    means, cells = _with_overall(kept, [])
    cells = suppress(
        cells, min_group=min_group, value_columns=CELL_VALUES, complementary_within=[["wave_id", "level"]]
    )
    cells = with_changes(cells, means, ["dimension"], list(waves["id"]))
    return _wave_codes(cells, waves)


def mirror_frame(
    scores: pd.DataFrame, waves: pd.DataFrame, groups: pd.DataFrame, *, min_group: int
) -> pd.DataFrame:
    """How each department rates each (rater × rated), overall and per dimension, per wave.

    Columns: wave_id, wave_code, rater, rated, dimension, level, respondents, mean_score,
    index, ci_low, ci_high, shown, reason, previous_wave_id, change, p_value, significant.
    A rater group below the threshold is hidden everywhere; the dimensions of one rater ×
    rated pair get complementary suppression (their overall is shown).
    """
    kept = keep_shown_groups(scores, groups, department_column="department")
    renamed = kept.rename(columns={"department": "rater", "rated_department": "rated"})
    means, cells = _with_overall(renamed, ["rater", "rated"])
    hidden_groups = groups.loc[~groups["shown"], ["wave_id", "department"]]
    if not hidden_groups.empty:
        # Keep a visible "hidden" row for every rated department a hidden group would rate,
        # so tables say "too few respondents" instead of silently omitting the group.
        pairs = cells[["wave_id", "rated", "dimension", "level"]].drop_duplicates()
        placeholders = hidden_groups.rename(columns={"department": "rater"}).merge(pairs, on="wave_id")
        cells = pd.concat([cells, placeholders.assign(respondents=0)], ignore_index=True)
    cells = suppress(
        cells,
        min_group=min_group,
        value_columns=CELL_VALUES,
        complementary_within=[["wave_id", "rater", "rated", "level"]],
    )
    cells = with_changes(cells, means, ["rater", "rated", "dimension"], list(waves["id"]))
    return _wave_codes(cells, waves).sort_values(
        ["wave_id", "rated", "rater", "dimension"], ignore_index=True
    )


GAP_COLUMNS = [
    "wave_id",
    "wave_code",
    "dimension",
    "kind",
    "department_a",
    "department_b",
    "index_a",
    "index_b",
    "gap",
    "p_value",
    "significant",
    "reason",
]


def perception_gaps(mirror: pd.DataFrame, scores: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Perception gaps from the shown mirror cells, per wave and dimension.

    kind "mutual": index_a = how A rates B, index_b = how B rates A, gap = index_a − index_b
    (A before B alphabetically). kind "self": index_a = how A rates itself, index_b = how B
    rates A, gap = self-image − image held by B. p_value/significant: Welch's t on the two
    cells' respondent means. A gap needs both cells shown; otherwise gap is NaN and
    `reason` says why.
    """
    kept = keep_shown_groups(scores, groups, department_column="department")
    renamed = kept.rename(columns={"department": "rater", "rated_department": "rated"})
    means = pd.concat(
        [
            respondent_means(renamed, ["rater", "rated", "dimension"]),
            respondent_means(renamed, ["rater", "rated"]).assign(dimension=OVERALL),
        ],
        ignore_index=True,
    )
    samples = {
        key: g["mean_score"].to_numpy()
        for key, g in means.groupby(["wave_id", "rater", "rated", "dimension"])
    }
    cells = {
        (row.wave_id, row.rater, row.rated, row.dimension): row for row in mirror.itertuples(index=False)
    }
    departments = sorted(set(mirror["rater"]) | set(mirror["rated"]))
    rows = []
    for wave_id, wave_code, dimension in (
        mirror[["wave_id", "wave_code", "dimension"]].drop_duplicates().itertuples(index=False)
    ):
        for a in departments:
            for b in departments:
                if a == b:
                    continue
                if a < b:
                    first, second = (wave_id, a, b, dimension), (wave_id, b, a, dimension)
                    rows.append(
                        _gap_row(wave_id, wave_code, dimension, "mutual", a, b, cells, samples, first, second)
                    )
                first, second = (wave_id, a, a, dimension), (wave_id, b, a, dimension)
                rows.append(
                    _gap_row(wave_id, wave_code, dimension, "self", a, b, cells, samples, first, second)
                )
    frame = pd.DataFrame(rows, columns=GAP_COLUMNS)
    return frame[frame["reason"] != "absent"].reset_index(drop=True)


def _gap_row(wave_id, wave_code, dimension, kind, a, b, cells, samples, first, second) -> tuple:
    one, two = cells.get(first), cells.get(second)
    if one is None or two is None:
        return (wave_id, wave_code, dimension, kind, a, b, np.nan, np.nan, np.nan, np.nan, False, "absent")
    if not (one.shown and two.shown):
        return (wave_id, wave_code, dimension, kind, a, b, np.nan, np.nan, np.nan, np.nan, False, SMALL_GROUP)
    test = welch_test(samples[second], samples[first])
    return (
        wave_id,
        wave_code,
        dimension,
        kind,
        a,
        b,
        one.index,
        two.index,
        one.index - two.index,
        test.p_value,
        test.significant,
        None,
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


def cronbach_alpha(items: pd.DataFrame) -> KpiValue:
    """Cronbach's alpha of a scale: rows are respondents, columns the scale's items.

    α = k / (k − 1) · (1 − Σ σ²_item / σ²_total), with sample variances (n − 1) and
    σ²_total the variance of each respondent's sum over the k items. Respondents missing an
    item are left out (listwise). n/a with fewer than 2 items, 2 respondents, or no spread.
    """
    complete = items.dropna()
    k = complete.shape[1]
    if k < 2:
        return not_available("trust.alpha.too_few_items")
    if len(complete) < 2:
        return not_available("trust.alpha.too_few_respondents")
    total_variance = float(complete.sum(axis=1).var(ddof=1))
    if total_variance == 0:
        return not_available("trust.alpha.no_variance")
    item_variances = float(complete.var(ddof=1).sum())
    return KpiValue(k / (k - 1) * (1 - item_variances / total_variance))


def reliability_table(
    item_scores: pd.DataFrame, waves: pd.DataFrame, groups: pd.DataFrame, *, min_group: int
) -> pd.DataFrame:
    """Cronbach's alpha per wave, dimension and rated department (one scale = the items of
    one dimension about one department), over respondents of shown groups only.

    `item_scores` is load_item_scores(...) of several waves with wave_id added. Columns:
    wave_id, wave_code, dimension, rated_department, items, respondents, alpha, alpha_reason,
    low (alpha < 0.7), shown, reason.
    """
    kept = keep_shown_groups(item_scores, groups, department_column="department")
    rows = []
    for (wave_id, dimension, rated), scale in kept.groupby(
        ["wave_id", "dimension", "rated_department"], sort=True
    ):
        matrix = scale.pivot_table(index="respondent", columns="item_code", values="score", aggfunc="first")
        alpha = cronbach_alpha(matrix)
        rows.append(
            (wave_id, dimension, rated, matrix.shape[1], len(matrix.dropna()), alpha.value, alpha.reason)
        )
    frame = pd.DataFrame(
        rows,
        columns=["wave_id", "dimension", "rated_department", "items", "respondents", "alpha", "alpha_reason"],
    )
    frame = suppress(frame, min_group=min_group, value_columns=["alpha"])
    frame = frame.assign(low=frame["alpha"] < ALPHA_WARNING)
    return _wave_codes(frame, waves)


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
    mirror = mirror_frame(respondent_scores, waves, groups, min_group=min_group)
    return TrustReport(
        min_group=min_group,
        groups=groups,
        rates=response_rates(response_counts, waves),
        trend=trend_frame(respondent_scores, waves, groups, min_group=min_group),
        mirror=mirror,
        gaps=perception_gaps(mirror, respondent_scores, groups),
        heatmap=item_heatmap(item_distribution, waves, min_group=min_group),
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
