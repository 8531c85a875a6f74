"""Charts for the meeting pack (until the budget page's own charts replace them)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import GRID, MUTED, PRIMARY, TEXT

PLANNED_COLOR = "#9FB7BE"


def monthly_budget_chart(
    frame: pd.DataFrame,
    *,
    month_title: str,
    amount_title: str,
    series_title: str,
    planned_label: str,
    actual_label: str,
    month_format: str = "%b %Y",
) -> alt.Chart:
    """Planned (bars) against actual (line with points) per month.

    `frame` has month, planned, actual (from data_access.budget.load_budget_by_month);
    the texts are passed in translated.
    """
    long = frame.melt(
        id_vars="month", value_vars=["planned", "actual"], var_name="series", value_name="amount"
    )
    long = long.assign(
        month=pd.to_datetime(long["month"]),
        series=long["series"].map({"planned": planned_label, "actual": actual_label}),
    )
    color = alt.Color(
        "series:N",
        title=series_title,
        scale=alt.Scale(domain=[planned_label, actual_label], range=[PLANNED_COLOR, PRIMARY]),
        legend=alt.Legend(orient="top"),
    )
    base = alt.Chart(long).encode(
        x=alt.X(
            "yearmonth(month):O",
            title=month_title,
            axis=alt.Axis(format=month_format, formatType="time", labelAngle=0),
        ),
        y=alt.Y("amount:Q", title=amount_title, axis=alt.Axis(format="~s")),
        color=color,
    )
    bars = base.transform_filter(alt.datum.series == planned_label).mark_bar(
        opacity=0.85, width={"band": 0.7}
    )
    line = base.transform_filter(alt.datum.series == actual_label).mark_line(point=True, strokeWidth=3)
    return (
        (bars + line)
        .properties(width=900, height=380, background="white")
        .configure_axis(labelFontSize=13, titleFontSize=14, gridColor=GRID, labelColor=TEXT, titleColor=MUTED)
        .configure_legend(labelFontSize=13, titleFontSize=13)
        .configure_view(stroke=None)
    )
