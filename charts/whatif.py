"""What-if chart: cumulative plan of baseline and scenario, with the actual spend to date.

Texts are passed in, translated by the caller.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from charts.theme import MONEY_LABEL_EXPR, MONTH_AXIS_FORMAT, MUTED, PRIMARY

SERIES = ("baseline", "scenario", "actual")
SERIES_COLORS = {"baseline": MUTED, "scenario": "#D9731A", "actual": PRIMARY}


def scenario_chart(
    series: pd.DataFrame, *, labels: dict[str, str], title: str, x_title: str, y_title: str, legend_title: str
) -> alt.Chart:
    """Lines per series (from kpis.scenario.plan_series): baseline plan dashed, scenario plan
    solid, actual to date solid in the primary colour; a marker on every month so a line that
    runs on top of another still shows. Pair with `delta_chart` for the difference."""
    data = series.assign(month=pd.to_datetime(series["month"]), label=series["series"].map(labels))
    names = [labels[name] for name in SERIES]
    return (
        alt.Chart(data, title=title)
        .mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=28, filled=True))
        .encode(
            x=alt.X("month:T", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, tickCount="month")),
            y=alt.Y("cumulative:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR)),
            color=alt.Color(
                "label:N",
                title=legend_title,
                scale=alt.Scale(domain=names, range=[SERIES_COLORS[name] for name in SERIES]),
                legend=alt.Legend(orient="top"),
            ),
            strokeDash=alt.StrokeDash(
                "label:N",
                scale=alt.Scale(domain=names, range=[[6, 4], [1, 0], [1, 0]]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("month:T", title=x_title, format="%B %Y"),
                alt.Tooltip("label:N", title=legend_title),
                alt.Tooltip("cumulative:Q", title=y_title, format="$,.0f"),
            ],
        )
        .properties(height=320)
    )


def delta_chart(delta: pd.DataFrame, *, title: str, x_title: str, y_title: str) -> alt.Chart:
    """Bars per month of kpis.scenario.plan_delta (scenario − baseline cumulative plan), coloured
    by sign, with a zero rule: a difference too small to see between two lines shows here."""
    data = delta.assign(month=pd.to_datetime(delta["month"]), sign=[v >= 0 for v in delta["delta"]])
    bars = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("month:T", title=x_title, axis=alt.Axis(format=MONTH_AXIS_FORMAT, tickCount="month")),
            y=alt.Y("delta:Q", title=y_title, axis=alt.Axis(labelExpr=MONEY_LABEL_EXPR, tickCount=4)),
            color=alt.Color(
                "sign:N",
                scale=alt.Scale(domain=[True, False], range=[SERIES_COLORS["scenario"], MUTED]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("month:T", title=x_title, format="%B %Y"),
                alt.Tooltip("delta:Q", title=y_title, format="$,.0f"),
            ],
        )
    )
    # alt.Y rather than the shorthand string, which Altair parses and validates on every call.
    zero = alt.Chart(pd.DataFrame({"zero": [0.0]})).mark_rule(color=MUTED).encode(y=alt.Y("zero:Q"))
    return alt.layer(bars, zero, height=170)
