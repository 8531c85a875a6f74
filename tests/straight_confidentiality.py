"""The straightforward `suppress`, one partition at a time: the oracle for the vectorised
confidentiality gate of `kpis.confidentiality` (issue #23, "instant at production scale").

This is the implementation the app used before complementary suppression was vectorised
(kpis/confidentiality.py at df2426b, copied verbatim with the helper and constants it uses;
only the name carries a `straight_` prefix). It stays here, in the tests, so the tests can
show that the vectorised gate gives exactly the same frames, and so production code cannot
come to depend on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

ABSOLUTE_MIN_GROUP = 3

SMALL_GROUP = "survey.suppressed.small_group"
COMPLEMENTARY = "survey.suppressed.complementary"


def validate_min_group(value: int) -> int:
    """The confidentiality threshold; refuses anything below 3 respondents."""
    if int(value) < ABSOLUTE_MIN_GROUP:
        raise ValueError(f"The minimum group size may not be below {ABSOLUTE_MIN_GROUP} (got {value})")
    return int(value)


def straight_suppress(
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
    """
    min_group = validate_min_group(min_group)
    out = frame.copy()
    counts = pd.to_numeric(out[count_column], errors="coerce").fillna(0)
    small = counts < min_group
    out["reason"] = pd.Series(np.where(small, SMALL_GROUP, None), index=out.index, dtype=object)
    partitions = [list(p) for p in complementary_within]
    changed = bool(partitions) and not out.empty
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
    out["shown"] = out["reason"].isna()
    hidden = ~out["shown"]
    for column in value_columns:
        out[column] = out[column].astype("float64")
        out.loc[hidden, column] = np.nan
    out[count_column] = out[count_column].astype("Int64")
    out.loc[hidden, count_column] = pd.NA
    return out
