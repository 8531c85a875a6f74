"""The budget and collaboration KPI functions as they were before the one-pass rewrite
(issue #23, main at 3943b28), copied unchanged from kpis/budget.py, with the budget chart
builders of charts/budget.py (whose Vega-Lite specs must stay the same): the oracle
tests/kpis/test_budget_one_pass.py compares the rewritten functions against. The projects'
ones are in tests/straight_projects.py and tests/straight_project_charts.py. Do not
optimise these; they are meant to stay the plain version.

Only what the rewrite changed is copied: the functions whose code differs from 3943b28, and
the unchanged ones that call a rewritten helper (`forecast_year_end`, `funding_drift`,
`_joint_agreed`, `portfolio_funding_drift`, `team_mix`), so that they call the old helper
here. Everything else the old functions use is still the same code in production and is
imported from there. One deliberate change from 3943b28: `project_table` has the fix of
`mixed is False` (a numpy False is not `False`), as production has."""

from __future__ import annotations

import datetime as dt
import math

import altair as alt
import pandas as pd

from charts.budget import (
    DRIFT_ROW_STEP,
    FORECAST_COLOR,
    LEGEND_DEPARTMENTS,
    SERIES_COLORS,
    _series_color,
    _series_frame,
)
from charts.theme import MONEY_LABEL_EXPR, MONTH_AXIS_FORMAT, RAG_COLORS, department_colors
from domain.statuses import CLOSED_STATUSES
from kpis.budget import Forecast, _in_fiscal_year, run_rate_forecast, up_to, year_summary
from kpis.common import KpiValue, not_available
from kpis.funding import _drift_rows, funding_balance_numbers
from kpis.funding import count_drifting as count_drifting  # unchanged: re-exported for the tests
from kpis.funding import funding_balance as funding_balance  # unchanged: re-exported for the tests

# ---- kpis/budget.py at 3943b28 (the functions the rewrite changed, and those calling them) ----


def cumulative_series(frame: pd.DataFrame, *, as_of: dt.date) -> pd.DataFrame:
    """Monthly and cumulative planned and actual, long format for a chart.

    frame (month, ..., planned, actual) -> rows (month, series, amount, cumulative), with
    series "planned" for every month of the frame and "actual" only for months up to and
    including `as_of` (later months have no closed books, so they are left out rather than
    drawn as zero). cumulative = running Σ from the frame's first month.
    """
    if frame.empty:
        return pd.DataFrame(columns=["month", "series", "amount", "cumulative"])
    monthly = frame.groupby("month", as_index=False)[["planned", "actual"]].sum().sort_values("month")
    planned = monthly.assign(series="planned", amount=monthly["planned"])
    actual = monthly.assign(series="actual", amount=monthly["actual"])
    planned = planned.assign(cumulative=planned["amount"].cumsum())
    actual = actual.assign(cumulative=actual["amount"].cumsum()).pipe(up_to, as_of)
    return pd.concat([planned, actual], ignore_index=True)[["month", "series", "amount", "cumulative"]]


def eac_year_forecast(
    year_frame: pd.DataFrame, ev_table: pd.DataFrame, *, as_of: dt.date, fiscal_year_start_month: int = 1
) -> float:
    """EAC-based forecast to year end = Σ over projects of (actual YTD + remaining plan / CPI).

    For each project, the plan of the months after `as_of` up to December is expected to
    cost plan / CPI, the project's cost efficiency so far carried into the rest of the
    year (BAC / CPI scaled to the year's remaining plan). Projects without a CPI (no
    progress data, no actuals yet) keep their remaining plan as it is (CPI taken as 1).
    Done and cancelled projects (CLOSED_STATUSES) spend nothing more. `year_frame` has
    `project` and the months of the as-of year; `ev_table` is `earned_value_table`'s
    result. The year is the fiscal year starting in `fiscal_year_start_month` (its end is
    then the month before that start, e.g. March for April).
    """
    if year_frame.empty:
        return 0.0
    in_year = _in_fiscal_year(year_frame, as_of=as_of, fiscal_year_start_month=fiscal_year_start_month)
    actual_ytd = up_to(in_year, as_of).groupby("project")["actual"].sum()
    remaining = in_year[in_year["month"] > as_of].groupby("project")["planned"].sum()
    info = ev_table.set_index("project") if not ev_table.empty else pd.DataFrame(columns=["status", "cpi"])
    total = float(actual_ytd.sum())
    for code, plan_left in remaining.items():
        status = info["status"].get(code) if code in info.index else None
        if status in CLOSED_STATUSES:
            continue
        cpi = info["cpi"].get(code) if code in info.index else None
        factor = cpi.value if cpi is not None and cpi.available and cpi.value > 0 else 1.0
        total += float(plan_left) / factor
    return total


def forecast_year_end(
    year_frame: pd.DataFrame, ev_table: pd.DataFrame, *, as_of: dt.date, fiscal_year_start_month: int = 1
) -> Forecast:
    """Both year-end forecasts against the full-year plan of the as-of (fiscal) year, to the
    end of the fiscal year starting in `fiscal_year_start_month` (1: December).

    run_rate = `run_rate_forecast` on the year's actuals; eac_based = `eac_year_forecast`;
    the variances are forecast − full-year plan (positive means a forecast overspend).
    """
    summary = year_summary(year_frame, as_of=as_of, fiscal_year_start_month=fiscal_year_start_month)
    run_rate = run_rate_forecast(
        actual_ytd=summary.actual_ytd,
        months_elapsed=summary.months_elapsed,
        months_remaining=summary.months_remaining,
    )
    eac = eac_year_forecast(
        year_frame, ev_table, as_of=as_of, fiscal_year_start_month=fiscal_year_start_month
    )
    return Forecast(
        planned_full_year=summary.planned_full_year,
        actual_ytd=summary.actual_ytd,
        run_rate=run_rate,
        eac_based=eac,
        run_rate_variance=KpiValue(run_rate.value - summary.planned_full_year)
        if run_rate.available
        else run_rate,
        eac_variance=eac - summary.planned_full_year,
    )


def agreed_shares(funding: pd.DataFrame) -> pd.DataFrame:
    """Each funder's agreed share of its project, with unrecorded shares resolved.

    `funding` has project, department, committed, agreed_share (0..1 or None). A recorded
    share stands; the funders without a recorded share split what is left equally:
    (1 − Σ recorded shares of the project) / number of funders without one, never below 0.
    So with no share recorded at all every funder gets 1 / n. Adds column `share`.
    """
    if funding.empty:
        return funding.assign(share=pd.Series(dtype=float))
    ordered = funding.sort_values("project", kind="stable").reset_index(drop=True)
    recorded = pd.Series(
        [None if s is None or pd.isna(s) else float(s) for s in ordered["agreed_share"]], dtype="float64"
    )
    open_count = recorded.isna().groupby(ordered["project"]).transform("sum")
    recorded_sum = recorded.groupby(ordered["project"]).transform("sum")
    rest = (1.0 - recorded_sum).clip(lower=0.0) / open_count.where(open_count > 0)
    return ordered.assign(share=recorded.fillna(rest).fillna(0.0).astype("float64"))


def joint_projects(funding: pd.DataFrame) -> list[str]:
    """Codes of the projects two or more departments fund, in code order."""
    if funding.empty:
        return []
    counts = funding.groupby("project")["department"].nunique()
    return sorted(counts[counts >= 2].index)


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
    # One grouped pass over all joint projects (a loop per project is far too slow at
    # thousands of projects); the same figures as `_drift_rows` per project.
    agreed = _joint_agreed(funding, joint)
    actual = (
        spend[spend["project"].isin(joint)].groupby(["project", "department"])["actual"].sum()
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


def _joint_agreed(funding: pd.DataFrame, joint: list[str]) -> pd.Series:
    """Agreed share per (project, department) of the joint projects (see `agreed_shares`)."""
    shares = agreed_shares(funding[funding["project"].isin(joint)])
    return shares.groupby(["project", "department"])["share"].sum()


def _share_and_drift(actual: pd.Series, agreed: pd.Series, project: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each department's actual share of its project's Σ actual and its drift in points,
    (share − agreed) × 100: `ratio()` vectorised, NaN where the project's Σ actual is not
    positive."""
    totals = actual.groupby(project).transform("sum")
    share = actual / totals.where(totals > 0)
    return share, (share - agreed) * 100.0


def funding_balance_trend(
    spend: pd.DataFrame, funding: pd.DataFrame, *, months: list[dt.date], tolerance: float
) -> list[KpiValue]:
    """`funding_balance(funding_drift(spend[spend.month <= m], funding, ...))` for each month
    close m in `months`, from one pivot of the monthly actuals (cumulated over the months)
    instead of one drift table per month. `spend` needs month, project, department, actual.
    """
    joint = joint_projects(funding)
    if not joint or spend.empty:
        return [
            funding_balance_numbers(funding_drift_numbers(spend, funding, tolerance=tolerance))
            for _ in months
        ]
    agreed = _joint_agreed(funding, joint)
    monthly = (
        spend[spend["project"].isin(joint)]
        .groupby(["project", "department", "month"])["actual"]
        .sum()
        .unstack("month", fill_value=0.0)
    )
    cumulative = monthly.T.sort_index().cumsum().T
    index = agreed.index.union(monthly.index).sort_values()
    agreed_share = agreed.reindex(index, fill_value=0.0).astype("float64")
    projects = pd.Series(index.get_level_values("project"), index=index)
    values = []
    for month in months:
        closed = [column for column in cumulative.columns if column <= month]
        actual = (
            cumulative[closed[-1]].reindex(index, fill_value=0.0).astype("float64")
            if closed
            else pd.Series(0.0, index=index)
        )
        _, drift = _share_and_drift(actual, agreed_share, projects)
        rows = pd.DataFrame(
            {
                "project": projects.to_numpy(),
                "drift_pp": drift.to_numpy(),
                "flagged": (drift.notna() & (drift.abs() > tolerance)).to_numpy(),
            }
        )
        values.append(funding_balance_numbers(rows))
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
    shares = agreed_shares(funding[funding["project"].isin(joint)])
    committed = shares.groupby("project")["committed"].sum()
    weight_total = float(committed.sum())
    weighted = shares.assign(weight=shares["project"].map(committed) * shares["share"])
    agreed = (
        weighted.groupby("department")["weight"].sum() / weight_total
        if weight_total > 0
        else weighted.groupby("department")["weight"].sum() * 0.0
    )
    actual = (
        spend[spend["project"].isin(joint)].groupby("department")["actual"].sum()
        if not spend.empty
        else pd.Series(dtype=float)
    )
    return _drift_rows(actual, agreed, tolerance, "budget.na.no_actuals")[columns]


# ---- charts/budget.py at 3943b28 (the builders whose construction changed) ----


def monthly_chart(
    series: pd.DataFrame, *, labels: dict[str, str], title: str, x_title: str, y_title: str, legend_title: str
) -> alt.Chart:
    """Grouped bars per month: planned and actual (from kpis.budget.cumulative_series)."""
    data = _series_frame(series, labels)
    return (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X(
                "yearmonth(month):O", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, labelAngle=-45)
            ),
            xOffset=alt.XOffset("label:N", sort=[labels["planned"], labels["actual"]]),
            y=alt.Y("amount:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR)),
            color=_series_color(labels, legend_title),
            tooltip=[
                alt.Tooltip("yearmonth(month):T", title=x_title, format="%B %Y"),
                alt.Tooltip("label:N", title=legend_title),
                alt.Tooltip("amount:Q", title=y_title, format="$,.0f"),
            ],
        )
        .properties(height=280)
    )


def cumulative_chart(
    series: pd.DataFrame, *, labels: dict[str, str], title: str, x_title: str, y_title: str, legend_title: str
) -> alt.LayerChart:
    """Cumulative actual as an area, with the cumulative plan as a dashed reference line."""
    data = _series_frame(series, labels)
    # One top-level data set for both layers (see charts.projects.goal_timeline_chart).
    base = alt.Chart(title=title).encode(
        x=alt.X("month:T", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, tickCount="month")),
        y=alt.Y("cumulative:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR)),
        color=_series_color(labels, legend_title),
        tooltip=[
            alt.Tooltip("month:T", title=x_title, format="%B %Y"),
            alt.Tooltip("label:N", title=legend_title),
            alt.Tooltip("cumulative:Q", title=y_title, format="$,.0f"),
        ],
    )
    actual = base.transform_filter(alt.datum.series == "actual").mark_area(opacity=0.35, line=True)
    planned = base.transform_filter(alt.datum.series == "planned").mark_line(strokeDash=[6, 4], strokeWidth=2)
    return alt.layer(actual, planned, data=data).properties(height=280)


def drift_chart(
    drift: pd.DataFrame,
    *,
    tolerance: float,
    department_names: dict[str, str],
    title: str,
    x_title: str,
    y_title: str,
    legend_title: str,
) -> alt.LayerChart:
    """Drift in percentage points per project and department (from kpis.budget.funding_drift),
    one bar per project and department named "project · department", with the tolerance band
    drawn as red rules at ± tolerance. Rows without a drift are left out; pass
    `largest_drifts(...)[0]` to keep the chart within a screen at any size."""
    rows = drift[[value.available for value in drift["drift_pp"]]] if not drift.empty else drift
    names = [department_names.get(d, d) for d in rows["department"]] if not rows.empty else []
    projects = list(rows["project"]) if not rows.empty else []
    data = pd.DataFrame(
        {
            "project": projects,
            "department": names,
            "row": [f"{project} · {name}" for project, name in zip(projects, names, strict=True)],
            "drift_pp": [value.value for value in rows["drift_pp"]] if not rows.empty else [],
        }
    )
    codes = sorted(set(department_names) | set(rows["department"]))
    colors = department_colors(codes)
    shown_departments = set(data["department"])
    bars = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            y=alt.Y(
                "row:N",
                title=y_title,
                sort=list(data["row"]),
                axis=alt.Axis(labelLimit=320, labelOverlap=False),
            ),
            x=alt.X("drift_pp:Q", title=x_title),
            color=alt.Color(
                "department:N",
                title=legend_title,
                scale=alt.Scale(
                    domain=[department_names.get(c, c) for c in codes], range=[colors[c] for c in codes]
                ),
                legend=alt.Legend(orient="top") if len(shown_departments) <= LEGEND_DEPARTMENTS else None,
            ),
            tooltip=[
                alt.Tooltip("project:N", title=y_title),
                alt.Tooltip("department:N", title=legend_title),
                alt.Tooltip("drift_pp:Q", title=x_title, format="+.1f"),
            ],
        )
    )
    limits = pd.DataFrame({"limit": [-tolerance, tolerance]})
    rules = alt.Chart(limits).mark_rule(color=RAG_COLORS["red"], strokeDash=[4, 4]).encode(x=alt.X("limit:Q"))
    return (bars + rules).properties(height=alt.Step(DRIFT_ROW_STEP))


def forecast_chart(
    series: pd.DataFrame,
    *,
    forecast_end: float,
    year_end: pd.Timestamp,
    labels: dict[str, str],
    title: str,
    x_title: str,
    y_title: str,
    legend_title: str,
) -> alt.LayerChart:
    """Cumulative plan (dashed) and actual (area) of the year, as `cumulative_chart`, with the
    forecast to year end as a dotted line from the last actual month's cumulative amount to
    `forecast_end` at `year_end` (from kpis.budget.forecast_year_end). `labels` names the
    series "planned", "actual" and "forecast"."""
    actual = series[series["series"] == "actual"].sort_values("month")
    if actual.empty:
        return cumulative_chart(
            series, labels=labels, title=title, x_title=x_title, y_title=y_title, legend_title=legend_title
        )
    last = actual.iloc[-1]
    forecast = pd.DataFrame(
        {
            "month": [pd.Timestamp(last["month"]), pd.Timestamp(year_end)],
            "cumulative": [float(last["cumulative"]), float(forecast_end)],
            "label": labels["forecast"],
        }
    )
    data = _series_frame(series, labels)
    names = [labels["planned"], labels["actual"], labels["forecast"]]
    color = alt.Color(
        "label:N",
        title=legend_title,
        scale=alt.Scale(
            domain=names, range=[SERIES_COLORS["planned"], SERIES_COLORS["actual"], FORECAST_COLOR]
        ),
        legend=alt.Legend(orient="top"),
    )
    x = alt.X("month:T", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, tickCount="month"))
    y = alt.Y("cumulative:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR))
    base = alt.Chart(data).encode(x=x, y=y, color=color)
    actual_area = base.transform_filter(alt.datum.series == "actual").mark_area(opacity=0.35, line=True)
    planned = base.transform_filter(alt.datum.series == "planned").mark_line(strokeDash=[6, 4], strokeWidth=2)
    ahead = (
        alt.Chart(forecast)
        .mark_line(strokeDash=[2, 3], strokeWidth=3, point=True)
        .encode(x=x, y=y, color=color)
    )
    return alt.layer(actual_area, planned, ahead, title=title).properties(height=280)
