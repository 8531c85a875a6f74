"""Perception: how departments rate each other and themselves over the waves (trend and
mirror frames), the gaps between a department's own view and the others' view of it, and
the rater × rated matrix. Every frame has passed `domain.confidentiality.suppress`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from domain.confidentiality import (
    SMALL_GROUP,
    keep_shown_groups,
    suppress,
)
from kpis.survey_stats import (
    CELL_VALUES,
    _as_rater_rated,
    _survey_cells,
    _wave_codes,
    _with_overall,
    welch_from_stats,
    with_changes,
)


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
