"""Trust analytics on tiny hand-made frames, pinned to hand-computed answers."""

import math

import numpy as np
import pandas as pd
import pytest

from domain.confidentiality import (
    COMPLEMENTARY,
    DEFAULT_MIN_GROUP,
    SMALL_GROUP,
    comment_groups,
    resolve_min_group,
    shown_rows,
    suppress,
)
from kpis.survey_stats import (
    OVERALL,
    cell_statistics,
    cronbach_alpha,
    mean_confidence_interval,
    respondent_means,
    welch_test,
)
from kpis.trust import item_heatmap, response_rates, significant_drops, trust_report

WAVES = pd.DataFrame({"id": [1, 2], "code": ["W1", "W2"]})


def scores_frame(rows: list[tuple]) -> pd.DataFrame:
    """(wave, respondent, rater, rated, dimension, [scores...]) -> load_respondent_scores rows."""
    return pd.DataFrame(
        [(w, r, d, rated, dim, float(sum(s)), len(s)) for w, r, d, rated, dim, s in rows],
        columns=[
            "wave_id",
            "respondent",
            "department",
            "rated_department",
            "dimension",
            "score_sum",
            "answers",
        ],
    )


def test_confidence_interval_is_the_t_interval() -> None:
    # [3, 4, 4, 5]: mean 4, s = √(2/3) = 0.8165, s/√n = 0.40825, t(0.975; 3) = 3.182446.
    mean, low, high = mean_confidence_interval([3, 4, 4, 5])
    assert mean == 4.0
    assert low == pytest.approx(4 - 3.182446 * 0.408248, abs=1e-5)
    assert high == pytest.approx(4 + 3.182446 * 0.408248, abs=1e-5)
    assert math.isnan(mean_confidence_interval([4])[1])
    assert mean_confidence_interval([3, 3, 3]) == (3.0, 3.0, 3.0)


def test_cell_index_and_interval_on_the_0_100_scale() -> None:
    # Two respondents of MKT: means (4 + 2) / 2 = 3 and 5 -> mean 4 -> index 75.
    scores = scores_frame(
        [
            (1, "a", "MKT", "IT", "ability", [4, 2]),
            (1, "b", "MKT", "IT", "ability", [5, 5]),
        ]
    )
    means = respondent_means(scores, ["department"])
    assert list(means["mean_score"]) == [3.0, 5.0]
    cells = cell_statistics(means, ["department"])
    row = cells.iloc[0]
    assert row["respondents"] == 2
    assert row["index"] == pytest.approx(75.0)
    # s = √2, s/√2 = 1, t(0.975; 1) = 12.7062 -> 4 ± 12.7062 on 1–5 -> (x − 1) / 4 × 100.
    assert row["ci_low"] == pytest.approx((4 - 12.7062 - 1) / 4 * 100, abs=1e-3)
    assert row["ci_high"] == pytest.approx((4 + 12.7062 - 1) / 4 * 100, abs=1e-3)


def test_welch_test_pinned_to_hand_computation() -> None:
    # Means 3 and 5, variances 1 and 1, n = 3: t = 2 / √(2/3) = 2.44949, Welch df = 4;
    # for 4 df, F(t) = ½ + ⅜ · t/√(1 + t²/4) · (1 − t²/(12(1 + t²/4))) = 0.964758 -> p = 0.070484.
    result = welch_test([2, 3, 4], [4, 5, 6])
    assert result.difference == pytest.approx(50.0)
    assert result.statistic == pytest.approx(2.44949, abs=1e-5)
    assert result.p_value == pytest.approx(0.070484, abs=1e-5)
    assert not result.significant
    strong = welch_test([1, 1, 2, 2], [4, 4, 5, 5])  # t = 3 / √(1/12 + 1/12) = 7.34847, df 6
    assert strong.statistic == pytest.approx(7.34847, abs=1e-5)
    assert strong.significant
    assert welch_test([3], [4, 5]).significant is False
    assert math.isnan(welch_test([3, 3], [3, 3]).p_value)


def test_cronbach_alpha_pinned_to_hand_computation() -> None:
    # Item variances 5/3, 19/12, 11/12 (Σ 25/6); totals 5, 8, 10, 13 have variance 34/3.
    # α = 3/2 · (1 − (25/6)/(34/3)) = 3/2 · (1 − 25/68) = 0.948529.
    items = pd.DataFrame({"i1": [1, 2, 3, 4], "i2": [2, 3, 3, 5], "i3": [2, 3, 4, 4]})
    assert cronbach_alpha(items).value == pytest.approx(0.948529, abs=1e-6)
    assert cronbach_alpha(items[["i1"]]).reason == "trust.alpha.too_few_items"
    assert cronbach_alpha(items.iloc[:1]).reason == "trust.alpha.too_few_respondents"
    assert cronbach_alpha(pd.DataFrame({"a": [3, 3], "b": [3, 3]})).reason == "trust.alpha.no_variance"
    with_gap = items.assign(i3=[2, 3, np.nan, 4])  # listwise: respondent 3 left out
    assert cronbach_alpha(with_gap).value == pytest.approx(cronbach_alpha(with_gap.dropna()).value)


def test_suppress_hides_small_groups_and_blanks_their_values() -> None:
    frame = pd.DataFrame(
        {"department": ["MKT", "IT", "FIN"], "respondents": [6, 9, 4], "index": [50.0, 60.0, 70.0]}
    )
    out = suppress(frame, min_group=5, value_columns=["index"])
    assert list(out["shown"]) == [True, True, False]
    assert out.loc[2, "reason"] == SMALL_GROUP
    assert math.isnan(out.loc[2, "index"]) and pd.isna(out.loc[2, "respondents"])
    assert list(shown_rows(out)["department"]) == ["MKT", "IT"]
    with pytest.raises(ValueError, match="below 3"):
        suppress(frame, min_group=2, value_columns=["index"])


def test_complementary_suppression_hides_the_next_smallest_and_cascades() -> None:
    frame = pd.DataFrame(
        {
            "group": ["A", "A", "A", "B", "B"],
            "dim": ["x", "y", "z", "x", "y"],
            "respondents": [4, 7, 6, 9, 8],
            "value": [1.0, 2.0, 3.0, 4.0, 5.0],
        }
    )
    out = suppress(frame, min_group=5, value_columns=["value"], complementary_within=[["group"]])
    assert list(out["reason"]) == [SMALL_GROUP, None, COMPLEMENTARY, None, None]
    # A second breakdown over the same cells cascades: dim x then has one hidden cell (A·x),
    # so B·x goes; then group B has one (B·x), so B·y goes; then dim y has one, so A·y goes.
    cascade = suppress(frame, min_group=5, value_columns=["value"], complementary_within=[["group"], ["dim"]])
    assert not cascade["shown"].any()
    assert cascade["value"].isna().all()


def test_min_group_setting_refuses_values_below_three() -> None:
    assert resolve_min_group(None, None).value == DEFAULT_MIN_GROUP
    assert resolve_min_group("7", 4).value == 7
    assert resolve_min_group(None, 4).value == 4
    refused = resolve_min_group("2")
    assert (refused.value, refused.refused) == (DEFAULT_MIN_GROUP, "survey.min_group.too_low")
    assert resolve_min_group("vijf").refused == "survey.min_group.not_a_number"
    assert resolve_min_group(" ", 3).value == 3


def test_comments_need_ten_respondents_in_a_shown_group() -> None:
    groups = pd.DataFrame(
        {
            "wave_id": [1, 1, 1],
            "department": ["MKT", "IT", "FIN"],
            "respondents": [10, 9, pd.NA],
            "shown": [True, True, False],
        }
    )
    assert comment_groups(groups, min_group=5).to_dict("records") == [{"wave_id": 1, "department": "MKT"}]
    assert comment_groups(groups, min_group=12).empty


def test_heatmap_shares_and_response_rates() -> None:
    distribution = pd.DataFrame(
        {
            "wave_id": [1, 1],
            "item_code": ["ABI-IT-1", "ABI-IT-1"],
            "text_nl": ["t", "t"],
            "text_en": ["t", "t"],
            "dimension": ["ability", "ability"],
            "rated_department": ["IT", "IT"],
            "reverse_coded": [False, False],
            "department": ["MKT", "FIN"],
            "respondents": [8, 2],
            "favourable": [4, 1],
            "neutral": [2, 1],
            "unfavourable": [2, 0],
        }
    )
    heat = item_heatmap(distribution, WAVES, min_group=5)
    mkt = heat[heat["department"] == "MKT"].iloc[0]
    assert (mkt["favourable_share"], mkt["neutral_share"], mkt["unfavourable_share"]) == (0.5, 0.25, 0.25)
    assert not heat[heat["department"] == "FIN"].iloc[0]["shown"]
    rates = response_rates(
        pd.DataFrame(
            {"wave_id": [1, 1], "department": ["MKT", "IT"], "invited": [10, 0], "respondents": [8, 3]}
        ),
        WAVES,
    )
    assert rates.loc[0, "response_rate"] == 0.8 and math.isnan(rates.loc[1, "response_rate"])


def _report_inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wave 1 and 2: 5 MKT and 5 IT respondents rating each other and themselves on ability.

    Wave 1: every MKT respondent gives IT 2 and itself 4; IT gives MKT 3 and itself 4, with
    one respondent per group ±1 to give spread. Wave 2: MKT gives IT 4. FIN: 2 respondents.
    """
    rows = []
    for wave, mkt_about_it in ((1, 2), (2, 4)):
        for i in range(5):
            bump = 1 if i == 0 else (-1 if i == 1 else 0)
            rows.append((wave, f"m{wave}{i}", "MKT", "IT", "ability", [mkt_about_it + bump]))
            rows.append((wave, f"m{wave}{i}", "MKT", "MKT", "ability", [4 + bump]))
            rows.append((wave, f"i{wave}{i}", "IT", "MKT", "ability", [3 + bump]))
            rows.append((wave, f"i{wave}{i}", "IT", "IT", "ability", [4 + bump]))
        for i in range(2):
            rows.append((wave, f"f{wave}{i}", "FIN", "IT", "ability", [1]))
    scores = scores_frame(rows)
    counts = pd.DataFrame(
        {
            "wave_id": [1, 1, 1, 2, 2, 2],
            "department": ["FIN", "IT", "MKT"] * 2,
            "invited": [3, 6, 6] * 2,
            "respondents": [2, 5, 5] * 2,
        }
    )
    return scores, counts


def test_trust_report_mirror_gap_and_significant_change() -> None:
    scores, counts = _report_inputs()
    empty = pd.DataFrame(
        columns=[
            "wave_id",
            "item_code",
            "text_nl",
            "text_en",
            "dimension",
            "rated_department",
            "reverse_coded",
            "department",
            "respondents",
            "favourable",
            "neutral",
            "unfavourable",
        ]
    )
    report = trust_report(
        waves=WAVES, respondent_scores=scores, item_distribution=empty, response_counts=counts
    )
    mirror = report.mirror.set_index(["wave_id", "rater", "rated", "dimension"])
    # MKT about IT in wave 1: mean 2 -> index 25; wave 2: mean 4 -> 75.
    assert mirror.loc[(1, "MKT", "IT", "ability"), "index"] == pytest.approx(25.0)
    assert mirror.loc[(2, "MKT", "IT", OVERALL), "index"] == pytest.approx(75.0)
    change = mirror.loc[(2, "MKT", "IT", "ability")]
    assert change["change"] == pytest.approx(50.0) and change["significant"]
    # IT about itself did not change: no significant change.
    assert mirror.loc[(2, "IT", "IT", "ability"), "change"] == pytest.approx(0.0)
    assert not mirror.loc[(2, "IT", "IT", "ability"), "significant"]
    # FIN (2 respondents) is hidden in every cell, and the trend leaves it out entirely.
    assert not mirror.loc[(1, "FIN", "IT", "ability"), "shown"]
    trend = report.trend.set_index(["wave_id", "dimension"])
    # Wave 1 overall: respondent means MKT (2+4)/2 = 3 ±1, IT (3+4)/2 = 3.5 ±1 -> mean 3.25 -> 56.25.
    assert trend.loc[(1, OVERALL), "index"] == pytest.approx(56.25)
    assert trend.loc[(1, OVERALL), "respondents"] == 10
    gaps = report.gaps.set_index(["wave_id", "dimension", "kind", "department_a", "department_b"])
    # Mutual gap wave 1: IT rates MKT 3 (50) minus MKT rates IT 2 (25) = +25.
    assert gaps.loc[(1, "ability", "mutual", "IT", "MKT"), "gap"] == pytest.approx(25.0)
    # Self image of IT (4 -> 75) against MKT's view of IT in wave 2 (4 -> 75): no gap.
    assert gaps.loc[(2, "ability", "self", "IT", "MKT"), "gap"] == pytest.approx(0.0)
    assert gaps.loc[(1, "ability", "self", "IT", "FIN"), "reason"] == SMALL_GROUP
    drops = significant_drops(report)
    assert drops.empty  # the only significant change is a rise


def test_significant_drop_is_reported_for_the_overview() -> None:
    scores, counts = _report_inputs()
    flipped = scores.assign(wave_id=scores["wave_id"].map({1: 2, 2: 1}))  # the rise becomes a drop
    empty = pd.DataFrame(
        columns=[
            "wave_id",
            "item_code",
            "text_nl",
            "text_en",
            "dimension",
            "rated_department",
            "reverse_coded",
            "department",
            "respondents",
            "favourable",
            "neutral",
            "unfavourable",
        ]
    )
    report = trust_report(
        waves=WAVES, respondent_scores=flipped, item_distribution=empty, response_counts=counts
    )
    drops = significant_drops(report)
    mirror_drops = drops[(drops["scope"] == "mirror") & (drops["dimension"] == "ability")]
    assert mirror_drops[["rater", "rated"]].to_dict("records") == [{"rater": "MKT", "rated": "IT"}]
    assert mirror_drops["change"].iloc[0] == pytest.approx(-50.0)


def test_t_interval_and_welch_equal_scipy_stats() -> None:
    """kpis.trust uses scipy.special (memory); the figures are scipy.stats' own."""
    import numpy as np
    from scipy import stats

    from kpis.survey_stats import t_interval, welch_from_stats

    rng = np.random.default_rng(5)
    m1, m2 = rng.uniform(1, 5, 200), rng.uniform(1, 5, 200)
    s1, s2 = rng.uniform(0.05, 1.5, 200), rng.uniform(0.05, 1.5, 200)
    n1, n2 = rng.integers(2, 400, 200), rng.integers(2, 400, 200)
    result = welch_from_stats(m1, s1, n1, m2, s2, n2)
    expected = stats.ttest_ind_from_stats(m2, s2, n2, m1, s1, n1, equal_var=False)
    np.testing.assert_allclose(result["statistic"], expected.statistic, rtol=1e-12)
    np.testing.assert_allclose(result["p_value"], expected.pvalue, rtol=1e-9, atol=1e-300)
    low, high = t_interval(m1, s1, n1)
    half = stats.t.ppf(0.975, n1 - 1) * s1 / np.sqrt(n1)
    np.testing.assert_allclose(low, m1 - half, rtol=1e-12)
    np.testing.assert_allclose(high, m1 + half, rtol=1e-12)
