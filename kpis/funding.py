"""Funding drift: how each department's share of a jointly funded project's actual spend
compares with the share it agreed to, per project, over the portfolio and month by month.

The agreed split rule (`agreed_split`) is written here once: a recorded share stands; the
funders without one split what is left equally. The functions take the small budget frames
of kpis.budget and the funding rows (project, department, committed, agreed_share).
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections import Counter

import numpy as np
import pandas as pd

from domain.frames import isin
from kpis.common import KpiValue, not_available, ratio


def agreed_split(project: pd.Series, agreed_share: pd.Series) -> pd.Series:
    """The agreed split rule, row by row: each funder's agreed share of its project.

    A recorded share (0..1) stands; the funders of a project without one split what is left
    equally: (1 − Σ recorded shares of the project) / number of funders without one, never
    below 0. With no share recorded at all every funder gets 1 / n; a row without a project
    keeps its recorded share, or 0. Example: MKT 0.6, IT None → IT 0.4; both None → 0.5 each.
    In: the project and agreed_share columns of funding rows. Out: float64 on their index.
    """
    if agreed_share.dtype == "float64":
        recorded = pd.Series(agreed_share.to_numpy(dtype="float64", copy=True), index=agreed_share.index)
    else:
        recorded = pd.Series(
            [None if s is None or pd.isna(s) else float(s) for s in agreed_share],
            index=agreed_share.index,
            dtype="float64",
        )
    codes = pd.factorize(project)[0]
    if (codes < 0).any():  # a row without a project: grouped by the strings, which leaves it out
        open_count = recorded.isna().groupby(project).transform("sum")
        recorded_sum = recorded.groupby(project).transform("sum")
    else:
        # The same grouped sum, over integer project codes; the open shares counted.
        open_count = pd.Series(
            np.bincount(codes, weights=recorded.isna().to_numpy())[codes], index=recorded.index
        )
        recorded_sum = pd.Series(
            pd.DataFrame({"recorded": recorded.to_numpy(), "code": codes})
            .groupby("code")["recorded"]
            .transform("sum")
            .to_numpy(),
            index=recorded.index,
        )
    rest = (1.0 - recorded_sum).clip(lower=0.0) / open_count.where(open_count > 0)
    return recorded.fillna(rest).fillna(0.0)


def agreed_shares(funding: pd.DataFrame) -> pd.DataFrame:
    """Funding rows in project order with each funder's agreed share (`agreed_split`) as `share`.

    `funding` has project, department, committed, agreed_share (0..1 or None).
    """
    if funding.empty:
        return funding.assign(share=pd.Series(dtype=float))
    ordered = funding.sort_values("project", kind="stable").reset_index(drop=True)
    return ordered.assign(share=agreed_split(ordered["project"], ordered["agreed_share"]))


def _drift_rows(actual: pd.Series, agreed: pd.Series, tolerance: float, no_spend: str) -> pd.DataFrame:
    """Per department (index): actual, actual_share, agreed_share, drift_pp (KpiValue), flagged."""
    departments = sorted(set(actual.index) | set(agreed.index))
    actual = actual.reindex(departments, fill_value=0.0)
    agreed = agreed.reindex(departments, fill_value=0.0)
    total = float(actual.sum())
    shares = (
        [ratio(float(a), total, reason_if_zero=no_spend) for a in actual]
        if total > 0
        else [not_available(no_spend) for _ in departments]
    )
    drifts = [
        KpiValue((s.value - float(g)) * 100.0) if s.available else s
        for s, g in zip(shares, agreed, strict=True)
    ]
    return pd.DataFrame(
        {
            "department": departments,
            "actual": [float(a) for a in actual],
            "actual_share": shares,
            "agreed_share": [float(g) for g in agreed],
            "drift_pp": drifts,
            "flagged": [d.available and abs(d.value) > tolerance for d in drifts],
        }
    )


def joint_projects(funding: pd.DataFrame) -> list[str]:
    """Codes of the projects two or more departments fund, in code order."""
    if funding.empty:
        return []
    known = funding["project"].notna() & funding["department"].notna()
    pairs = set(zip(funding["project"][known].tolist(), funding["department"][known].tolist(), strict=True))
    funders = Counter(project for project, _ in pairs)
    return sorted(project for project, count in funders.items() if count >= 2)


def funding_drift(spend: pd.DataFrame, funding: pd.DataFrame, *, tolerance: float) -> pd.DataFrame:
    """Funding drift per jointly funded project and funding department.

    `spend` is a budget frame with project and department (actual to date; months and
    other columns are summed); `funding` as for `agreed_shares`. For every joint project
    (two or more funders) and every department that funds it or booked on it:
    actual_share = department's Σ actual / project's Σ actual (to date);
    drift_pp = (actual_share − agreed_share) × 100 in percentage points, positive when the
    department pays more than agreed; flagged when |drift_pp| > `tolerance`. A department
    that books without a funding row has agreed share 0. When the project's Σ actual is
    not positive (no actuals yet) shares and drift are n/a (`budget.na.no_actuals`).
    Columns: project, department, actual, actual_share, agreed_share, drift_pp, flagged.
    """
    columns = ["project", "department", "actual", "actual_share", "agreed_share", "drift_pp", "flagged"]
    rows = funding_drift_numbers(spend, funding, tolerance=tolerance)
    if rows.empty:
        return pd.DataFrame(columns=columns)
    missing = not_available("budget.na.no_actuals")
    return rows.assign(
        actual_share=[missing if math.isnan(v) else KpiValue(float(v)) for v in rows["actual_share"]],
        drift_pp=[missing if math.isnan(v) else KpiValue(float(v)) for v in rows["drift_pp"]],
    )[columns]


def funding_drift_numbers(spend: pd.DataFrame, funding: pd.DataFrame, *, tolerance: float) -> pd.DataFrame:
    """`funding_drift` with plain floats: actual_share and drift_pp are NaN where that table
    has n/a. The same arithmetic; for trends, where building KpiValues per row is the cost."""
    columns = ["project", "department", "actual", "actual_share", "agreed_share", "drift_pp", "flagged"]
    joint = joint_projects(funding)
    if not joint:
        return pd.DataFrame(columns=columns)
    fast = _drift_numbers_by_key(spend, funding, joint, tolerance)
    if fast is not None:
        return fast[columns]
    # One grouped pass over all joint projects (a loop per project is far too slow at
    # thousands of projects); the same figures as `_drift_rows` per project.
    agreed = _joint_agreed(funding, joint)
    actual = (
        spend[isin(spend["project"], joint)].groupby(["project", "department"])["actual"].sum()
        if not spend.empty
        else pd.Series(dtype=float, index=pd.MultiIndex.from_tuples([], names=["project", "department"]))
    )
    index = agreed.index.union(actual.index).sort_values()
    rows = pd.DataFrame(
        {
            "actual": actual.reindex(index, fill_value=0.0).astype("float64"),
            "agreed_share": agreed.reindex(index, fill_value=0.0).astype("float64"),
        }
    ).reset_index()
    share, drift = _share_and_drift(rows["actual"], rows["agreed_share"], rows["project"])
    return rows.assign(actual_share=share, drift_pp=drift, flagged=drift.notna() & (drift.abs() > tolerance))[
        columns
    ]


def _drift_numbers_by_key(
    spend: pd.DataFrame, funding: pd.DataFrame, joint: list[str], tolerance: float
) -> pd.DataFrame | None:
    """`funding_drift_numbers` with the (project, department) rows kept in dicts and one
    grouped sum on integer keys for the actuals and one for the project totals (the same
    sums, over the same rows in the same order, as the grouping by strings); None when the
    frames are not the app's (funding codes of a pandas string dtype, spend codes of that
    dtype or Python strings, no missing code, no duplicate funding row), and the caller
    takes the grouped path."""
    text_dtype = funding["project"].dtype
    if spend.empty or not isinstance(text_dtype, pd.StringDtype) or funding["department"].dtype != text_dtype:
        return None
    if any(spend[name].dtype not in (text_dtype, object) for name in ("project", "department")):
        return None
    shares = agreed_shares(funding[isin(funding["project"], joint)])
    agreed_keys = list(zip(shares["project"].tolist(), shares["department"].tolist(), strict=True))
    if len(set(agreed_keys)) != len(agreed_keys) or not all(isinstance(d, str) for _, d in agreed_keys):
        return None
    # A group of one value sums to 0.0 + value.
    agreed = {key: value + 0.0 for key, value in zip(agreed_keys, shares["share"].tolist(), strict=True)}
    project_codes, project_names = pd.factorize(spend["project"])
    department_codes, department_names = pd.factorize(spend["department"])
    if (project_codes < 0).any() or (department_codes < 0).any():
        return None
    if not all(isinstance(name, str) for name in (*project_names.tolist(), *department_names.tolist())):
        return None
    joint_set = set(joint)
    in_joint = np.array([name in joint_set for name in project_names.tolist()], dtype=bool)[project_codes]
    width = max(len(department_names), 1)
    sums = (
        pd.DataFrame({"actual": spend["actual"].to_numpy(), "key": project_codes * width + department_codes})[
            in_joint
        ]
        .groupby("key")["actual"]
        .sum()
    )
    projects_list, departments_list = project_names.tolist(), department_names.tolist()
    actual = {
        (projects_list[key // width], departments_list[key % width]): value
        for key, value in zip(sums.index.tolist(), sums.to_numpy(dtype="float64").tolist(), strict=True)
    }
    keys = sorted(agreed.keys() | actual.keys())
    actual_values = np.array([actual.get(key, 0.0) for key in keys], dtype="float64")
    agreed_values = np.array([agreed.get(key, 0.0) for key in keys], dtype="float64")
    row_projects = [project for project, _ in keys]
    totals = (
        pd.DataFrame(
            {"actual": actual_values, "code": pd.factorize(pd.Series(row_projects, dtype=object))[0]}
        )
        .groupby("code")["actual"]
        .transform("sum")
        .to_numpy(dtype="float64")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = actual_values / np.where(totals > 0, totals, np.nan)
    drift = (share - agreed_values) * 100.0
    return pd.DataFrame(
        {
            "project": pd.Series(row_projects, dtype=text_dtype),
            "department": pd.Series([department for _, department in keys], dtype=text_dtype),
            "actual": actual_values,
            "actual_share": share,
            "agreed_share": agreed_values,
            "drift_pp": drift,
            "flagged": ~np.isnan(drift) & (np.abs(drift) > tolerance),
        }
    )


def _joint_agreed(funding: pd.DataFrame, joint: list[str]) -> pd.Series:
    """Agreed share per (project, department) of the joint projects (see `agreed_shares`)."""
    shares = agreed_shares(funding[isin(funding["project"], joint)])
    return shares.groupby(["project", "department"])["share"].sum()


def _share_and_drift(actual: pd.Series, agreed: pd.Series, project: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each department's actual share of its project's Σ actual and its drift in points,
    (share − agreed) × 100: `ratio()` vectorised, NaN where the project's Σ actual is not
    positive."""
    codes = pd.factorize(project)[0]
    if (codes < 0).any():
        totals = actual.groupby(project).transform("sum")
    else:  # the same grouped sum over integer codes (grouping by strings is the slow part)
        totals = pd.Series(
            pd.DataFrame({"actual": actual.to_numpy(), "code": codes})
            .groupby("code")["actual"]
            .transform("sum")
            .to_numpy(),
            index=actual.index,
        )
    share = actual / totals.where(totals > 0)
    return share, (share - agreed) * 100.0


def funding_balance_numbers(drift: pd.DataFrame) -> KpiValue:
    """`funding_balance` of a `funding_drift_numbers` table (the same figure)."""
    measured = drift[drift["drift_pp"].notna()] if not drift.empty else drift
    flagged = measured.groupby("project")["flagged"].any() if not measured.empty else pd.Series(dtype=bool)
    return ratio(
        float(len(flagged) - int(flagged.sum())),
        float(len(flagged)),
        reason_if_zero="budget.na.no_joint_actuals",
    )


def _monthly_actuals(spend: pd.DataFrame, joint: list[str]) -> pd.DataFrame:
    """Σ actual per (project, department) row and month column of the `joint` projects,
    0 where nothing was booked: `spend[isin(project, joint)].groupby([project, department,
    month]).actual.sum().unstack(month, fill_value=0.0)`, on integer codes.

    The same sums to the last bit. The budget frames of data_access.budget have one row per
    month, project and department, in that order: then each sum is its one value (pandas
    starts a group's sum at 0.0, so −0.0 becomes 0.0 and a missing actual 0.0). Any other
    frame is grouped on one integer key, which adds each group's rows in the frame's order
    as before; grouping by three object columns was the slow part.
    """
    project, projects = pd.factorize(spend["project"], sort=True)
    kept = np.flatnonzero(np.isin(project, np.flatnonzero(isin(pd.Series(projects), joint))))
    project = project[kept]
    department, departments = pd.factorize(spend["department"].take(kept), sort=True)
    month, months = pd.factorize(spend["month"].take(kept), sort=True)
    keyed = (department >= 0) & (month >= 0)  # as groupby, rows with a missing key are left out
    project, department, month = project[keyed], department[keyed], month[keyed]
    actual = spend["actual"].to_numpy(dtype="float64")[kept][keyed]
    n_departments = max(len(departments), 1)
    pair = project * n_departments + department
    in_order = (month * len(projects) + project) * n_departments + department
    if (np.diff(in_order) > 0).all():  # one row per key: no sum to make
        values = np.where(np.isnan(actual), 0.0, actual + 0.0)
    else:
        key = pair * len(months) + month
        sums = pd.Series(actual).groupby(key, sort=True).sum()
        keys = sums.index.to_numpy()
        pair, month, values = keys // len(months), keys % len(months), sums.to_numpy()
    present = np.zeros(len(projects) * n_departments, dtype=bool)
    present[pair] = True
    pairs = np.flatnonzero(present)
    row = np.zeros(len(present), dtype=np.intp)
    row[pairs] = np.arange(len(pairs))
    matrix = np.zeros((len(pairs), len(months)), dtype="float64")
    matrix[row[pair], month] = values
    index = pd.MultiIndex.from_arrays(
        [projects.take(pairs // n_departments), departments.take(pairs % n_departments)],
        names=["project", "department"],
    )
    return pd.DataFrame(matrix, index=index, columns=pd.Index(months, name="month"))


def funding_balance_trend(
    spend: pd.DataFrame, funding: pd.DataFrame, *, months: list[dt.date], tolerance: float
) -> list[KpiValue]:
    """`funding_balance(funding_drift(spend[spend.month <= m], funding, ...))` for each month
    close m in `months`, from one pivot of the monthly actuals (cumulated over the months)
    instead of one drift table per month. `spend` needs month, project, department, actual.
    """
    if not months:
        return []
    joint = joint_projects(funding)
    if not joint or spend.empty:
        return [
            funding_balance_numbers(funding_drift_numbers(spend, funding, tolerance=tolerance))
            for _ in months
        ]
    agreed = _joint_agreed(funding, joint)
    monthly = _monthly_actuals(spend, joint)
    cumulative = monthly.T.sort_index().cumsum().T
    index = agreed.index.union(monthly.index).sort_values()
    agreed_share = agreed.reindex(index, fill_value=0.0).to_numpy(dtype="float64")
    # One column per requested month: the cumulative actuals of its last closed month (0
    # before the first), so every month's shares, drifts and flags come from one matrix.
    closed_months = list(cumulative.columns)
    picks = [bisect.bisect_right(closed_months, month) - 1 for month in months]
    known = cumulative.reindex(index, fill_value=0.0).to_numpy(dtype="float64")
    actual = np.zeros((len(index), len(months)), dtype="float64")
    for column, pick in enumerate(picks):
        if pick >= 0:
            actual[:, column] = known[:, pick]
    projects = index.get_level_values("project")
    # The same grouped sum per column as `_share_and_drift`'s transform, one call for all months.
    totals = (
        pd.DataFrame(actual)
        .assign(project=pd.factorize(projects)[0])
        .groupby("project")
        .transform("sum")
        .to_numpy(dtype="float64")
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        share = actual / np.where(totals > 0, totals, np.nan)
    drift = (share - agreed_share[:, None]) * 100.0
    measured = ~np.isnan(drift)
    flagged = measured & (np.abs(drift) > tolerance)
    codes, _ = pd.factorize(projects)
    values = []
    for column in range(len(months)):
        # `funding_balance_numbers`: projects with a measured row, and those with a flag.
        measured_projects = np.unique(codes[measured[:, column]]).size
        flagged_projects = np.unique(codes[flagged[:, column]]).size
        values.append(
            ratio(
                float(measured_projects - flagged_projects),
                float(measured_projects),
                reason_if_zero="budget.na.no_joint_actuals",
            )
        )
    return values


def portfolio_funding_drift(spend: pd.DataFrame, funding: pd.DataFrame, *, tolerance: float) -> pd.DataFrame:
    """Funding drift over all joint projects together, per department.

    actual_share = department's Σ actual over joint projects / Σ actual of joint projects;
    agreed_share = committed-weighted agreed share: Σ_p committed_p × share_p,d / Σ_p
    committed_p, with committed_p the project's total commitment (so a big project's
    agreement weighs more, as its money does; projects without any commitment weigh 0);
    drift_pp = (actual_share − agreed_share) × 100; flagged when |drift_pp| > tolerance.
    Columns: department, actual, actual_share, agreed_share, drift_pp, flagged.
    """
    columns = ["department", "actual", "actual_share", "agreed_share", "drift_pp", "flagged"]
    joint = joint_projects(funding)
    if not joint:
        return pd.DataFrame(columns=columns)
    shares = agreed_shares(funding[isin(funding["project"], joint)])
    committed = shares.groupby("project")["committed"].sum()
    weight_total = float(committed.sum())
    weighted = shares.assign(weight=shares["project"].map(committed) * shares["share"])
    agreed = (
        weighted.groupby("department")["weight"].sum() / weight_total
        if weight_total > 0
        else weighted.groupby("department")["weight"].sum() * 0.0
    )
    actual = (
        spend[isin(spend["project"], joint)].groupby("department")["actual"].sum()
        if not spend.empty
        else pd.Series(dtype=float)
    )
    return _drift_rows(actual, agreed, tolerance, "budget.na.no_actuals")[columns]


def max_funding_drift(drift: pd.DataFrame) -> KpiValue:
    """The largest |drift_pp| in a `funding_drift` (or portfolio) table, in percentage points.

    n/a (`budget.na.no_joint_actuals`) when no joint project has actuals yet.
    """
    values = [abs(d.value) for d in drift["drift_pp"] if d.available] if not drift.empty else []
    return KpiValue(max(values)) if values else not_available("budget.na.no_joint_actuals")


def count_drifting(drift: pd.DataFrame) -> tuple[int, int]:
    """(joint projects with a flagged department, joint projects with actuals) in a drift table."""
    if drift.empty:
        return 0, 0
    measured = drift[[d.available for d in drift["drift_pp"]]]
    flagged = measured.groupby("project")["flagged"].any()
    return int(flagged.sum()), len(flagged)


def funding_balance(drift: pd.DataFrame) -> KpiValue:
    """Funding balance = joint projects with every department within tolerance / joint
    projects with actuals (from a `funding_drift` table; tolerance was applied there).

    n/a (`budget.na.no_joint_actuals`) when no joint project has actuals yet.
    """
    flagged, measured = count_drifting(drift)
    return ratio(float(measured - flagged), float(measured), reason_if_zero="budget.na.no_joint_actuals")


def resolve_agreed_shares(funding: pd.DataFrame) -> pd.DataFrame:
    """Funding rows with the agreed split made explicit and the committed split beside it.

    In: project, department, committed, agreed_share (NaN = not recorded).
    Out: the same plus `agreed` (`agreed_split`), `committed_share` (committed / the
    project's total committed; NaN when the project has nothing committed), `n_funders`
    and `joint` (n_funders ≥ 2).
    Example: MKT 0.6, IT NaN → IT agreed 0.4; MKT NaN, IT NaN → 0.5 each.
    """
    if funding.empty:
        return funding.assign(agreed=[], committed_share=[], n_funders=[], joint=[])
    agreed = agreed_split(funding["project"], funding["agreed_share"])
    codes, _ = pd.factorize(funding["project"])
    if (codes < 0).any():  # a row without a project: the grouped path leaves it out
        total = funding["committed"].groupby(funding["project"]).transform("sum")
        n_funders = funding["department"].groupby(funding["project"]).transform("count").astype("int64")
    else:
        # The same grouped sum over integer project codes as grouping by the project strings.
        total = (
            pd.DataFrame({"committed": funding["committed"], "code": codes})
            .groupby("code")["committed"]
            .transform("sum")
        )
        counted = np.bincount(
            codes, weights=funding["department"].notna().to_numpy(), minlength=codes.max() + 1
        )
        n_funders = pd.Series(counted[codes].astype("int64"), index=funding.index)
    return funding.assign(
        agreed=agreed,
        committed_share=funding["committed"] / total.where(total != 0),
        n_funders=n_funders,
        joint=n_funders >= 2,
    )
