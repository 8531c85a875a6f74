"""Survey statistics on respondent-level means (each respondent's mean adjusted score over
the items of a cell), so every respondent weighs once: 95% confidence intervals are
Student's t intervals, a change between two waves is significant when Welch's t-test
(unequal variances) gives p < 0.05; Cronbach's alpha per dimension. scipy.special only
(scipy.stats costs memory); the figures are scipy.stats' own.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from domain.confidentiality import (
    keep_shown_groups,
    suppress,
)
from kpis.common import KpiValue, not_available
from kpis.trust_index import index_from_mean

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
    one groupby per level sums every respondent's answers per cell (trend per dimension and
    overall, mirror per dimension and overall) and one groupby takes count,
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
    # One grouped sum per level, concatenated in level order: the level is the key's most
    # significant part, so this is the order (and each group the rows) of one sum over all
    # four levels stacked, without holding the four stacked copies and their sort at once
    # (at 2,000 projects that held about 20 MB above the server's resting size).
    values = kept[["score_sum", "answers"]]
    sums = []
    for number, (valid, keys) in enumerate(levels):
        rows = np.flatnonzero(valid)
        by_respondent = ((number * n_waves + wave[rows]) * n_respondents + respondent[rows]) * n_keys + keys[
            rows
        ]
        sums.append(values.take(rows).set_axis(by_respondent).groupby(level=0, sort=True).sum())
    summed = pd.concat(sums)
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
