"""Budget charts: planned against actual per month and cumulative, and funding drift.

Texts (titles, series names) are passed in, translated by the caller.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import MONEY_LABEL_EXPR, MONTH_AXIS_FORMAT, MUTED, PRIMARY, RAG_COLORS, department_colors

SERIES_COLORS = {"planned": MUTED, "actual": PRIMARY}


def _series_frame(series: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    return series.assign(
        month=pd.to_datetime(series["month"]),
        label=series["series"].map(labels),
    )


def _series_color(labels: dict[str, str], title: str) -> alt.Color:
    names = [labels["planned"], labels["actual"]]
    return alt.Color(
        "label:N",
        title=title,
        scale=alt.Scale(domain=names, range=[SERIES_COLORS["planned"], SERIES_COLORS["actual"]]),
        legend=alt.Legend(orient="top"),
    )


def monthly_chart(
    series: pd.DataFrame, *, labels: dict[str, str], title: str, x_title: str, y_title: str, legend_title: str
) -> alt.Chart:
    """Grouped bars per month: planned and actual (from kpis.budget.cumulative_series)."""
    data = _series_frame(series, labels)
    return (
        alt.Chart(data, title=title, height=280)
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
    # Properties in the layer call: `.properties()` copies and validates the whole chart again.
    return alt.layer(actual, planned, data=data, height=280)


# At most this many bars (one per project and department) in a drift chart: 18 px each, about
# 1,200 px with the axes, however many projects and departments there are.
MAX_DRIFT_ROWS = 60
DRIFT_ROW_STEP = 18
# More departments than this and the colour legend would fill the chart: the rows name them.
LEGEND_DEPARTMENTS = 8


def largest_drifts(drift: pd.DataFrame, *, max_rows: int = MAX_DRIFT_ROWS) -> tuple[pd.DataFrame, int]:
    """The measured rows of kpis.budget.funding_drift for the projects with the largest drift
    (by their largest |drift| over departments), as many whole projects as fit in `max_rows`
    bars (at least one), and how many measured projects are left out."""
    if drift.empty:
        return drift, 0
    measured = drift[[value.available for value in drift["drift_pp"]]]
    if measured.empty:
        return measured, 0
    size = measured.assign(size=[abs(value.value) for value in measured["drift_pp"]])
    largest = size.groupby("project", sort=False)["size"].max().sort_values(ascending=False, kind="stable")
    bars = measured.groupby("project", sort=False).size()
    shown: list[str] = []
    used = 0
    for project in largest.index:
        if shown and used + int(bars[project]) > max_rows:
            break
        shown.append(project)
        used += int(bars[project])
    return measured[measured["project"].isin(shown)], len(largest) - len(shown)


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
    return alt.layer(bars, rules, height=alt.Step(DRIFT_ROW_STEP))


FORECAST_COLOR = "#D9731A"


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
    return alt.layer(actual_area, planned, ahead, title=title, height=280)
