"""Trust index from survey scores, with the confidentiality rule applied first.

Scores are on a 1–5 scale with reverse-coded items flipped (6 − score) in SQL; the index
maps a mean to 0–100: (mean − 1) / 4 × 100. Statistics work on respondent-level means
(each respondent's mean adjusted score over the items of a cell), so every respondent
weighs once: 95% confidence intervals are Student's t intervals and a change between two
waves is significant when Welch's t-test (unequal variances) gives p < 0.05. Every frame
meant for display has passed `domain.confidentiality.suppress`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from domain.confidentiality import ABSOLUTE_MIN_GROUP as ABSOLUTE_MIN_GROUP
from domain.confidentiality import (
    DEFAULT_MIN_GROUP,
    SMALL_GROUP,
    keep_shown_groups,
    shown_groups,
    suppress,
    validate_min_group,
)
from kpis.common import KpiValue, not_available


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
    columns = [groups[name] for name in ("respondents", "score_sum", "answers")]
    if not all(_plain_numbers(column) for column in columns):
        return _pooled_index_pandas(groups, min_group=min_group)
    respondents, score_sum, answers = (column.to_numpy() for column in columns)
    return _pooled(respondents, score_sum, answers, min_group)


def _plain_numbers(column: pd.Series) -> bool:
    """A column held as a plain NumPy integer or float array (no pandas NA mask)."""
    return isinstance(column.dtype, np.dtype) and column.dtype.kind in "iuf"


def _series_sum(values: np.ndarray) -> np.number:
    """What pandas' Series.sum gives for a plain NumPy array: NaN counts as 0, NumPy's order."""
    if values.dtype.kind == "f":
        values = np.where(np.isnan(values), 0.0, values)
    return values.sum()


def _pooled(
    respondents: np.ndarray, score_sum: np.ndarray, answers: np.ndarray, min_group: int
) -> TrustResult:
    """`pooled_index` on the columns of a non-empty groups frame as NumPy arrays."""
    shown = respondents >= min_group
    hidden = len(respondents) - int(shown.sum())
    total_answers = float(_series_sum(answers[shown]))
    if not shown.any() or total_answers == 0:
        return TrustResult(not_available("kpi.na.group_too_small"), 0, hidden)
    mean = float(_series_sum(score_sum[shown])) / total_answers
    return TrustResult(KpiValue(index_from_mean(mean)), int(_series_sum(respondents[shown])), hidden)


def _pooled_index_pandas(groups: pd.DataFrame, *, min_group: int) -> TrustResult:
    """`pooled_index` for columns with pandas' own dtypes (nullable integers and the like)."""
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
    min_group = validate_min_group(min_group)
    ids = waves["id"].to_numpy()
    code = str(waves["code"].iat[-1])
    at = _wave_pooler(groups, min_group)
    current = at(ids[-1])
    if len(waves) < 2:
        return WaveTrust(code, current, not_available("kpi.na.no_previous_wave"))
    return WaveTrust(code, current, at(ids[-2]).index)


def _wave_pooler(groups: pd.DataFrame, min_group: int) -> Callable[[object], TrustResult]:
    """wave id -> `pooled_index` of that wave's rating groups, on NumPy arrays when it can."""
    wave_of_group = groups["wave_id"].to_numpy()
    columns = [groups[name] for name in ("respondents", "score_sum", "answers")]
    if not all(_plain_numbers(column) for column in columns):
        return lambda wave: pooled_index(groups[wave_of_group == wave], min_group=min_group)
    arrays = [column.to_numpy() for column in columns]

    def at(wave: object) -> TrustResult:
        rows = wave_of_group == wave
        if not rows.any():
            return TrustResult(not_available("kpi.na.no_survey"), 0, 0)
        return _pooled(*(values[rows] for values in arrays), min_group)

    return at


OVERALL = "overall"
CONFIDENCE = 0.95
SIGNIFICANCE_LEVEL = 0.05
ALPHA_WARNING = 0.7

# Values blanked for hidden cells: the index, its interval and the spread used by the tests.
CELL_VALUES = ["mean_score", "sd", "index", "ci_low", "ci_high"]


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


def t_interval(mean, sd, n, *, confidence: float = CONFIDENCE) -> tuple[np.ndarray, np.ndarray]:
    """Student's t interval bounds mean ± t(1 − α/2; n − 1) · sd / √n, element-wise.

    The quantile is Student's t inverse CDF from scipy.special.stdtrit (what
    scipy.stats.t.ppf computes; importing scipy.stats would cost the server about 46 MB).
    n < 2 gives NaN bounds, sd = 0 gives the mean.
    """
    mean, sd, n = (np.asarray(v, dtype="float64") for v in (mean, sd, n))
    with np.errstate(divide="ignore", invalid="ignore"):
        quantile = special.stdtrit(np.where(n >= 2, n - 1, np.nan), (1 + confidence) / 2)
        half = np.where(sd == 0, 0.0, quantile * sd / np.sqrt(n))
    half = np.where(n >= 2, half, np.nan)
    return mean - half, mean + half


def mean_confidence_interval(values, *, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """(mean, low, high) of a sample: the t interval of `t_interval` (NaN bounds below 2 values)."""
    data = np.asarray(values, dtype="float64")
    if data.size == 0:
        return (np.nan, np.nan, np.nan)
    sd = float(data.std(ddof=1)) if data.size > 1 else np.nan
    low, high = t_interval(data.mean(), sd, data.size, confidence=confidence)
    return (float(data.mean()), float(low), float(high))


@dataclass(frozen=True)
class WelchResult:
    """Welch's t-test of `after` against `before` (respondent-level means, unequal variances).

    `difference` is in index points (after − before); `significant` when p < 0.05.
    """

    difference: float
    statistic: float
    p_value: float
    significant: bool


def welch_from_stats(mean_before, sd_before, n_before, mean_after, sd_after, n_after) -> pd.DataFrame:
    """Welch's t-test from summary statistics, element-wise: difference (index points,
    after − before), statistic, p_value, significant.

    t = (m2 − m1) / √(s1²/n1 + s2²/n2), with Welch–Satterthwaite degrees of freedom
    df = (v1 + v2)² / (v1²/(n1 − 1) + v2²/(n2 − 1)), vi = si²/ni, and the two-sided
    p = 2 · T_df(−|t|) from scipy.special.stdtr: the figures of
    scipy.stats.ttest_ind_from_stats(equal_var=False) (tested), without importing scipy.stats.

    With fewer than two respondents on either side or no spread at all, p is NaN and the
    difference is never significant.
    """
    arrays = [
        np.atleast_1d(np.asarray(v, dtype="float64"))
        for v in (mean_before, sd_before, n_before, mean_after, sd_after, n_after)
    ]
    m1, s1, n1, m2, s2, n2 = arrays
    usable = (n1 >= 2) & (n2 >= 2) & ((s1 > 0) | (s2 > 0))
    statistic = np.full(m1.shape, np.nan)
    p_value = np.full(m1.shape, np.nan)
    if usable.any():
        v1, v2 = s1[usable] ** 2 / n1[usable], s2[usable] ** 2 / n2[usable]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (m2[usable] - m1[usable]) / np.sqrt(v1 + v2)
            df = (v1 + v2) ** 2 / (v1**2 / (n1[usable] - 1) + v2**2 / (n2[usable] - 1))
        statistic[usable] = t
        p_value[usable] = 2 * special.stdtr(df, -np.abs(t))
    return pd.DataFrame(
        {
            "difference": (m2 - m1) / 4.0 * 100.0,
            "statistic": statistic,
            "p_value": p_value,
            "significant": np.nan_to_num(p_value, nan=1.0) < SIGNIFICANCE_LEVEL,
        }
    )


def welch_test(before, after) -> WelchResult:
    """Welch's t-test of two samples of respondent means on 1–5 (see `welch_from_stats`)."""
    a = np.asarray(before, dtype="float64")
    b = np.asarray(after, dtype="float64")
    if a.size == 0 or b.size == 0:
        return WelchResult(np.nan, np.nan, np.nan, False)
    sd_a = a.std(ddof=1) if a.size > 1 else np.nan
    sd_b = b.std(ddof=1) if b.size > 1 else np.nan
    row = welch_from_stats(a.mean(), sd_a, a.size, b.mean(), sd_b, b.size).iloc[0]
    return WelchResult(
        float(row["difference"]), float(row["statistic"]), float(row["p_value"]), bool(row["significant"])
    )


def cell_statistics(means: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per wave and cell: respondents, mean_score (mean of respondent means), sd, index and 95% CI.

    `means` is respondent_means(...) for the same keys; index = (mean − 1) / 4 × 100 and the
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


def with_changes(cells: pd.DataFrame, keys: list[str], wave_order: list[int]) -> pd.DataFrame:
    """Add the change against the previous wave in `wave_order`: previous_wave_id, has_previous, change
    (index points), p_value (Welch's t on the respondent means, from the cells' mean, sd and
    n), significant (p < 0.05). Only where the cell is shown in both waves; else NaN/False."""
    previous_of = {wave: wave_order[i - 1] for i, wave in enumerate(wave_order) if i}
    previous_wave_id = cells["wave_id"].map(previous_of).astype("Int64")
    # The row of the same cell in the previous wave, by position (-1: none).
    key_columns = [cells[column].tolist() for column in ["wave_id", *keys]]
    position_of = {key: position for position, key in enumerate(zip(*key_columns, strict=True))}
    previous_waves = [previous_of.get(wave) for wave in key_columns[0]]
    before = np.array(
        [
            -1 if wave is None else position_of.get((wave, *rest), -1)
            for wave, *rest in zip(previous_waves, *key_columns[1:], strict=True)
        ],
        dtype="int64",
    )
    found = before >= 0
    take = np.where(found, before, 0)
    shown = cells["shown"].to_numpy(dtype=bool)
    both = shown & found & shown[take]
    mean = cells["mean_score"].to_numpy(dtype="float64")
    sd = cells["sd"].to_numpy(dtype="float64")
    n = cells["respondents"].astype("float64").to_numpy()
    test = welch_from_stats(
        np.where(both, mean[take], np.nan),
        np.where(found, sd[take], np.nan),
        np.where(found, n[take], np.nan),
        np.where(both, mean, np.nan),
        sd,
        n,
    )
    return cells.assign(
        previous_wave_id=previous_wave_id,
        has_previous=previous_wave_id.notna().to_numpy(dtype=bool),
        change=np.where(both, test["difference"].to_numpy(), np.nan),
        p_value=np.where(both, test["p_value"].to_numpy(), np.nan),
        significant=test["significant"].to_numpy() & both,
    )


def _with_overall(scores: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Cells per dimension and over all dimensions (dimension = OVERALL, level "total")."""
    per_dimension = respondent_means(scores, [*keys, "dimension"])
    overall = respondent_means(scores, keys).assign(dimension=OVERALL)
    cells = cell_statistics(pd.concat([per_dimension, overall], ignore_index=True), [*keys, "dimension"])
    return cells.assign(level=np.where(cells["dimension"] == OVERALL, "total", "dimension"))


def _wave_codes(frame: pd.DataFrame, waves: pd.DataFrame) -> pd.DataFrame:
    codes = dict(zip(waves["id"], waves["code"], strict=True))
    return frame.assign(wave_code=frame["wave_id"].map(codes))


def _survey_cells(kept: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells of the trend and of the mirror, before suppression, in one pass:
    `_with_overall(kept, [])` and `_with_overall(kept renamed to rater/rated, ["rater", "rated"])`.

    `kept` is respondent scores of shown groups (keep_shown_groups). The rows are coded once;
    one groupby sums every respondent's answers per cell for all four levels (trend per
    dimension and overall, mirror per dimension and overall) and one groupby takes count,
    mean and sd of the respondent means per cell. Within each group the rows come in the
    order the level-by-level computation gives them (by respondent; per dimension before
    overall), so the sums, means and spreads are bit for bit the same.
    """
    wave, waves = pd.factorize(kept["wave_id"], sort=True)
    respondent, respondents = pd.factorize(kept["respondent"], sort=True)
    rater, raters = pd.factorize(kept["department"], sort=True)
    rated, rateds = pd.factorize(kept["rated_department"], sort=True)
    dimension, found = pd.factorize(kept["dimension"], sort=True)
    # OVERALL is a value of the dimension column (a dimension called "overall" joins its cell).
    dimensions = found.append(pd.Index([OVERALL])).unique().sort_values()
    overall = dimensions.get_loc(OVERALL)
    dimension = np.where(dimension >= 0, dimensions.get_indexer(found)[np.maximum(dimension, 0)], -1)
    n_waves, n_respondents = len(waves), len(respondents)
    n_raters, n_rateds, n_dimensions = max(len(raters), 1), max(len(rateds), 1), len(dimensions)
    n_keys = n_raters * n_rateds * n_dimensions
    answered = respondent >= 0
    pair = (rater >= 0) & (rated >= 0)
    pair_key = (rater * n_rateds + rated) * n_dimensions
    # Levels in the order the cells see their rows: trend per dimension, trend overall,
    # mirror per dimension, mirror overall. Key = (rater, rated, dimension); the trend's has no pair.
    levels = [
        (answered & (dimension >= 0), dimension),
        (answered, np.full(len(kept), overall)),
        (answered & pair & (dimension >= 0), pair_key + dimension),
        (answered & pair, pair_key + overall),
    ]
    rows = np.concatenate([np.flatnonzero(valid) for valid, _ in levels])
    level = np.concatenate([np.full(int(valid.sum()), number) for number, (valid, _) in enumerate(levels)])
    key = np.concatenate([keys[valid] for valid, keys in levels])
    by_respondent = ((level * n_waves + wave[rows]) * n_respondents + respondent[rows]) * n_keys + key
    summed = (
        kept[["score_sum", "answers"]].take(rows).set_axis(by_respondent).groupby(level=0, sort=True).sum()
    )
    means = summed["score_sum"] / summed["answers"]
    codes = summed.index.to_numpy()
    respondent_key = codes % n_keys
    respondent_wave = codes // (n_keys * n_respondents) % n_waves
    mirror_level = codes // (n_keys * n_respondents * n_waves) >= 2
    cell = (mirror_level * n_waves + respondent_wave) * n_keys + respondent_key
    stats = (
        means.set_axis(cell)
        .groupby(level=0, sort=True)
        .agg(respondents="count", mean_score="mean", sd="std")
        .astype({"mean_score": "float64", "sd": "float64"})
    )
    cell = stats.index.to_numpy()
    in_mirror = cell >= n_waves * n_keys
    cell_wave = cell // n_keys % n_waves
    cell_key = cell % n_keys

    counts = stats["respondents"].to_numpy()
    mean_scores, spreads = stats["mean_score"].to_numpy(), stats["sd"].to_numpy()

    def frame(rows: np.ndarray, key_columns: dict[str, pd.Index]) -> pd.DataFrame:
        mean, sd, n = mean_scores[rows], spreads[rows], counts[rows]
        low, high = t_interval(mean, sd, n)
        return pd.DataFrame(
            {
                "wave_id": waves.take(cell_wave[rows]),
                **key_columns,
                "respondents": n,
                "mean_score": mean,
                "sd": sd,
                "index": index_from_mean(mean),
                "ci_low": index_from_mean(low),
                "ci_high": index_from_mean(high),
                "level": np.where(cell_key[rows] % n_dimensions == overall, "total", "dimension"),
            }
        )

    in_trend = ~in_mirror
    trend = frame(in_trend, {"dimension": dimensions.take(cell_key[in_trend] % n_dimensions)})
    pairs = cell_key[in_mirror] // n_dimensions
    mirror = frame(
        in_mirror,
        {
            "rater": raters.take(pairs // n_rateds) if len(raters) else raters,
            "rated": rateds.take(pairs % n_rateds) if len(rateds) else rateds,
            "dimension": dimensions.take(cell_key[in_mirror] % n_dimensions),
        },
    )
    if not in_trend.any():
        trend = _with_overall(kept, [])
    if not in_mirror.any():
        mirror = _with_overall(_as_rater_rated(kept), ["rater", "rated"])
    return trend, mirror


def _as_rater_rated(kept: pd.DataFrame) -> pd.DataFrame:
    return kept.rename(columns={"department": "rater", "rated_department": "rated"})


def trend_frame(
    scores: pd.DataFrame, waves: pd.DataFrame, groups: pd.DataFrame, *, min_group: int
) -> pd.DataFrame:
    """Trust index per wave, overall and per dimension, over the shown rating groups only.

    Columns: wave_id, wave_code, dimension (OVERALL or a dimension), level, respondents,
    mean_score, sd, index, ci_low, ci_high, shown, reason, previous_wave_id, change,
    p_value, significant. Hidden rating groups never enter (rule 3); the dimensions of a
    wave are a breakdown of its shown overall, so complementary suppression applies.
    """
    kept = keep_shown_groups(scores, groups, department_column="department")
    return _trend_from_cells(_cells_of(kept)[0], waves, min_group=min_group)


def _cells_of(kept: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Trend and mirror cells of `kept` (see `_survey_cells`); the level-by-level frames when empty."""
    if kept.empty:
        return _with_overall(kept, []), _with_overall(_as_rater_rated(kept), ["rater", "rated"])
    return _survey_cells(kept)


def _trend_from_cells(cells: pd.DataFrame, waves: pd.DataFrame, *, min_group: int) -> pd.DataFrame:
    cells = suppress(
        cells, min_group=min_group, value_columns=CELL_VALUES, complementary_within=[["wave_id", "level"]]
    )
    return _wave_codes(with_changes(cells, ["dimension"], list(waves["id"])), waves)


def mirror_frame(
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
    return _mirror_from_cells(_cells_of(kept)[1], waves, groups, min_group=min_group)


def _mirror_from_cells(
    cells: pd.DataFrame, waves: pd.DataFrame, groups: pd.DataFrame, *, min_group: int
) -> pd.DataFrame:
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
    cells = with_changes(cells, ["rater", "rated", "dimension"], list(waves["id"]))
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
    "shown",
    "reason",
]


def perception_gaps(mirror: pd.DataFrame) -> pd.DataFrame:
    """Perception gaps from the (already suppressed) mirror, per wave and dimension.

    kind "mutual": index_a = how A rates B, index_b = how B rates A, gap = index_a − index_b
    (A before B alphabetically). kind "self": index_a = how A rates itself, index_b = how B
    rates A, gap = self-image − the image B holds. p_value/significant: Welch's t on the
    two cells' respondent means. A gap needs both cells shown; otherwise gap is NaN,
    `shown` False and `reason` says why.
    """
    # Pairs of mirror rows (a, b) by position: mutual (A rates B, A before B, and B rates A),
    # then self (A rates itself, and each other rater of A), as the merges on wave and
    # dimension would pair them.
    waves, dimensions = mirror["wave_id"].tolist(), mirror["dimension"].tolist()
    raters, rateds = mirror["rater"].tolist(), mirror["rated"].tolist()
    position_of = {
        key: position for position, key in enumerate(zip(waves, dimensions, raters, rateds, strict=True))
    }
    others_of: dict[tuple, list[int]] = {}
    for position, (wave, dimension, rater, rated) in enumerate(
        zip(waves, dimensions, raters, rateds, strict=True)
    ):
        if rater != rated:
            others_of.setdefault((wave, dimension, rated), []).append(position)
    mutual, selfs = [], []
    for position, (wave, dimension, rater, rated) in enumerate(
        zip(waves, dimensions, raters, rateds, strict=True)
    ):
        if rater < rated:
            other = position_of.get((wave, dimension, rated, rater))
            if other is not None:
                mutual.append((position, other))
        elif rater == rated:
            selfs.extend((position, other) for other in others_of.get((wave, dimension, rated), []))
    if not mutual and not selfs:
        return pd.DataFrame(columns=GAP_COLUMNS).astype({"shown": bool, "significant": bool})
    first = np.array([a for a, _ in [*mutual, *selfs]], dtype="int64")
    second = np.array([b for _, b in [*mutual, *selfs]], dtype="int64")
    kind = ["mutual"] * len(mutual) + ["self"] * len(selfs)

    def side(column: str, rows: np.ndarray) -> pd.Series:
        return mirror[column].take(rows).reset_index(drop=True)

    pairs = pd.DataFrame(
        {
            "wave_id": side("wave_id", first),
            "wave_code": side("wave_code", first),
            "dimension": side("dimension", first),
            "kind": pd.Series(kind, dtype=str),
            "department_a": side("rater", first),
            "department_b": side("rater", second),
            **{f"{c}_a": side(c, first) for c in ("shown", "index", "mean_score", "sd", "respondents")},
            **{f"{c}_b": side(c, second) for c in ("shown", "index", "mean_score", "sd", "respondents")},
        }
    )
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
    scale = ["wave_id", "dimension", "rated_department"]
    columns = [*scale, "items", "respondents", "alpha", "alpha_reason"]
    if kept.empty:
        return _wave_codes(
            suppress(pd.DataFrame(columns=columns), min_group=min_group, value_columns=["alpha"]), waves
        ).assign(low=False)
    # The same formula as cronbach_alpha, in long form for all scales at once (listwise).
    k = kept.groupby(scale)["item_code"].nunique().rename("items")
    answered = kept.groupby([*scale, "respondent"])["item_code"].nunique().rename("answered").reset_index()
    complete = answered.merge(k.reset_index(), on=scale)
    complete = complete.loc[complete["answered"] == complete["items"], [*scale, "respondent"]]
    rows = kept.merge(complete, on=[*scale, "respondent"])
    item_variance = rows.groupby([*scale, "item_code"])["score"].var(ddof=1).groupby(scale).sum()
    total_variance = rows.groupby([*scale, "respondent"])["score"].sum().groupby(scale).var(ddof=1)
    n = complete.groupby(scale)["respondent"].nunique()
    frame = pd.concat(
        [k, n.rename("respondents"), item_variance.rename("item_var"), total_variance.rename("total_var")],
        axis=1,
    ).reset_index()
    frame["respondents"] = frame["respondents"].fillna(0).astype("int64")
    alpha = frame["items"] / (frame["items"] - 1) * (1 - frame["item_var"] / frame["total_var"])
    reason = np.select(
        [frame["items"] < 2, frame["respondents"] < 2, ~(frame["total_var"] > 0)],
        ["trust.alpha.too_few_items", "trust.alpha.too_few_respondents", "trust.alpha.no_variance"],
        default="",
    )
    frame = frame.assign(
        alpha=alpha.where(reason == ""), alpha_reason=pd.Series(reason, dtype=object).replace("", None)
    )[columns]
    frame = suppress(frame, min_group=min_group, value_columns=["alpha"])
    frame = frame.assign(low=frame["alpha"] < ALPHA_WARNING)
    return _wave_codes(frame, waves)


def _trend_and_mirror(
    scores: pd.DataFrame, waves: pd.DataFrame, groups: pd.DataFrame, *, min_group: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """`trend_frame` and `mirror_frame`, with the shown groups' scores and the cells taken once."""
    kept = keep_shown_groups(scores, groups, department_column="department")
    trend_cells, mirror_cells = _cells_of(kept)
    return (
        _trend_from_cells(trend_cells, waves, min_group=min_group),
        _mirror_from_cells(mirror_cells, waves, groups, min_group=min_group),
    )


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


def rows_for(frame: pd.DataFrame, **equal: object) -> pd.DataFrame:
    """The rows of a report frame whose columns equal the given values (e.g. wave_id=3)."""
    mask = np.ones(len(frame), dtype=bool)
    for column, value in equal.items():
        mask &= (frame[column] == value).to_numpy(dtype=bool)
    return frame[mask].reset_index(drop=True)


def mirror_matrix(mirror: pd.DataFrame, *, wave_id: int, dimension: str) -> pd.DataFrame:
    """Rater (rows) × rated department (columns) of the index for one wave and dimension;
    hidden cells are NaN. The diagonal is each department's self-image."""
    cells = rows_for(mirror, wave_id=wave_id, dimension=dimension)
    if cells.empty:
        return pd.DataFrame()
    return cells.pivot(index="rater", columns="rated", values="index").rename_axis(index=None, columns=None)
