"""The one gate between survey aggregates and anything shown or exported.

Every survey frame that reaches a page, a chart, a table or an export passes `suppress`
first. The rules:

1. A cell with fewer than `min_group` respondents is hidden: its values become missing
   and `reason` says why (`SMALL_GROUP`).
2. Complementary suppression: within a breakdown whose total is shown including all its
   cells (for example the dimensions of one rating group, whose overall index is shown),
   if exactly one cell is hidden, the next-smallest cell is hidden too (`COMPLEMENTARY`),
   so the hidden cell cannot be had as total minus the others.
3. Totals are computed only from shown groups: a rating group hidden by rule 1 is left out
   of every total and every statistic (`shown_groups`, `keep_shown_groups`), so nothing
   shown depends on its answers and no subtraction can bring them back.

The threshold is a setting (`resolve_min_group`): default 5, never below 3.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

DEFAULT_MIN_GROUP = 5
ABSOLUTE_MIN_GROUP = 3
COMMENTS_MIN_GROUP = 10

SMALL_GROUP = "survey.suppressed.small_group"
COMPLEMENTARY = "survey.suppressed.complementary"


def validate_min_group(value: int) -> int:
    """The confidentiality threshold; refuses anything below 3 respondents."""
    if int(value) < ABSOLUTE_MIN_GROUP:
        raise ValueError(f"The minimum group size may not be below {ABSOLUTE_MIN_GROUP} (got {value})")
    return int(value)


@dataclass(frozen=True)
class MinGroupSetting:
    """The threshold in force and, when the configured value was refused, the i18n key why."""

    value: int
    refused: str | None = None
    configured: str | None = None


def resolve_min_group(*raw_values: object) -> MinGroupSetting:
    """The first configured value among `raw_values` (None = not set), validated.

    A value that is not a whole number, or below 3, is refused: the default 5 applies and
    `refused` carries the message key, so the page can say so.
    """
    for raw in raw_values:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        text = str(raw).strip()
        try:
            number = int(text)
        except ValueError:
            return MinGroupSetting(DEFAULT_MIN_GROUP, "survey.min_group.not_a_number", text)
        if number < ABSOLUTE_MIN_GROUP:
            return MinGroupSetting(DEFAULT_MIN_GROUP, "survey.min_group.too_low", text)
        return MinGroupSetting(number, None, text)
    return MinGroupSetting(DEFAULT_MIN_GROUP)


def suppress(
    frame: pd.DataFrame,
    *,
    min_group: int,
    value_columns: Sequence[str],
    count_column: str = "respondents",
    complementary_within: Iterable[Sequence[str]] = (),
) -> pd.DataFrame:
    """`frame` with `shown` (bool) and `reason` added and hidden cells' values blanked.

    Rule 1 hides every row with `count_column` < `min_group`. Rule 2 then, for each list of
    partition columns in `complementary_within`, hides the next-smallest shown row of every
    partition that has exactly one hidden row, repeated until nothing changes (a hide in
    one breakdown can expose a cell in another). Hidden rows keep their keys; their
    `value_columns` and `count_column` become missing.

    Rule 2 takes all partitions of one list at once (they do not overlap, so hiding in one
    cannot change another): the hidden rows are counted per partition, and where exactly
    one of several is hidden, the first shown row in (count, row position) order goes, the
    smallest with ties to the earlier row. The lists take turns in the order given, each
    seeing the hides of the ones before, until a round hides nothing.
    """
    min_group = validate_min_group(min_group)
    out = frame.copy()
    counts = pd.to_numeric(out[count_column], errors="coerce").fillna(0)
    small = counts < min_group
    out["reason"] = pd.Series(np.where(small, SMALL_GROUP, None), index=out.index, dtype=object)
    partitions = [list(p) for p in complementary_within]
    if partitions and not out.empty:
        if out.index.is_unique and not any("reason" in columns for columns in partitions):
            _complementary(out, counts, partitions)
        else:  # rows found by label, partitions that move with `reason`: one at a time
            _complementary_by_label(out, counts, partitions)
    hidden = out["reason"].notna().to_numpy()
    out["shown"] = ~hidden
    columns = list(dict.fromkeys(value_columns))
    if columns:
        values = out[columns].astype("float64").to_numpy(copy=True)
        values[hidden] = np.nan
        out[columns] = values
    out[count_column] = out[count_column].astype("Int64").mask(hidden)
    return out


def _complementary(out: pd.DataFrame, counts: pd.Series, partitions: list[list[str]]) -> None:
    """Rule 2 on `out["reason"]` (unique index), one list of partitions at a time."""
    reason = out["reason"].to_numpy(dtype=object, copy=True)
    hidden = out["reason"].notna().to_numpy(copy=True)
    # Rows by count, ties in row order: the order in which each partition's rows are candidates.
    by_count = counts.reset_index(drop=True).sort_values(kind="stable").index.to_numpy()
    breakdowns = []
    for columns in partitions:
        partition = out.groupby(columns, sort=False, dropna=False).ngroup().to_numpy(dtype=np.int64)
        partition = partition - partition.min()
        # Within each partition (in partition order), rows by count with ties in row order.
        order = by_count[np.argsort(partition[by_count], kind="stable")]
        breakdowns.append((partition, order, int(partition.max()) + 1))
    changed = True
    while changed:
        changed = False
        for partition, order, size in breakdowns:
            hidden_in = np.bincount(partition[hidden], minlength=size)
            exposed = (hidden_in == 1) & (np.bincount(partition, minlength=size) > 1)
            if not exposed.any():
                continue
            candidates = order[exposed[partition[order]] & ~hidden[order]]
            first = np.ones(len(candidates), dtype=bool)
            first[1:] = partition[candidates[1:]] != partition[candidates[:-1]]
            victims = candidates[first]
            reason[victims] = COMPLEMENTARY
            hidden[victims] = True
            changed = True
    out["reason"] = pd.Series(reason, index=out.index, dtype=object)


def _complementary_by_label(out: pd.DataFrame, counts: pd.Series, partitions: list[list[str]]) -> None:
    """Rule 2 partition by partition, rows by label (a repeated index label stands for all its rows)."""
    changed = True
    while changed:
        changed = False
        for columns in partitions:
            hidden = out["reason"].notna()
            group_numbers = out.groupby(columns, sort=False, dropna=False).ngroup()
            for _, rows in group_numbers.groupby(group_numbers).groups.items():
                rows_hidden = hidden.loc[rows]
                if int(rows_hidden.sum()) != 1 or bool(rows_hidden.all()):
                    continue
                candidates = counts.loc[rows][~rows_hidden]
                victim = candidates.sort_values(kind="stable").index[0]
                out.loc[victim, "reason"] = COMPLEMENTARY
                changed = True


def shown_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Only the shown rows (for charts: a hidden value is absent, not blank, so no tooltip has it)."""
    return frame[frame["shown"].astype(bool)].drop(columns=["shown", "reason"]).reset_index(drop=True)


def shown_groups(groups: pd.DataFrame, *, min_group: int) -> pd.DataFrame:
    """Rating groups per wave with `shown`: `groups` has wave_id, department, respondents.

    A group is shown when it has at least `min_group` respondents. Complementary
    suppression is not applied across rating groups because no total includes a hidden
    group (rule 3): every total is computed after `keep_shown_groups`.
    """
    return suppress(groups, min_group=min_group, value_columns=[])


def keep_shown_groups(rows: pd.DataFrame, groups: pd.DataFrame, *, department_column: str) -> pd.DataFrame:
    """Rows (with wave_id and a rating department column) of shown groups only (rule 3)."""
    allowed = groups.loc[groups["shown"], ["wave_id", "department"]].rename(
        columns={"department": department_column}
    )
    return rows.merge(allowed, on=["wave_id", department_column], how="inner")


def comment_groups(groups: pd.DataFrame, *, min_group: int) -> pd.DataFrame:
    """Groups (wave_id, department) whose comments may be read: shown and ≥ 10 respondents."""
    need = max(COMMENTS_MIN_GROUP, validate_min_group(min_group))
    allowed = groups[groups["shown"] & (groups["respondents"].fillna(0) >= need)]
    return allowed[["wave_id", "department"]].reset_index(drop=True)
