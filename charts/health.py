"""Alignment health charts: the maturity radar, the overall level by month, trust beside delivery.

Texts are passed in, translated by the caller. Vega-Lite has no polar line chart, so the
radar is drawn on x/y: each criterion is a spoke, a level its distance from the centre.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from charts.theme import GRID, MONTH_AXIS_FORMAT, MUTED, PRIMARY, TEXT

EARLIER_COLOR = MUTED
NOW_COLOR = PRIMARY
LABEL_RADIUS = 5.75
LABEL_LINE = 13  # characters per label line: long names wrap instead of running off the chart
RADAR_EXTENT = 9.5  # half the axis span in level units: room for two-line labels left and right
RADAR_WIDTH = 440
FONT_SIZE = 12
CONFIDENCE_COLORS = {"high": PRIMARY, "medium": "#4F7CAC", "low": "#E0A100", "none": "#C62828"}


def _spoke(index: int, count: int) -> float:
    """The angle (radians) of spoke `index`: the first points up, the rest clockwise."""
    return math.pi / 2 - 2 * math.pi * index / count


def _xy(level: float, index: int, count: int) -> tuple[float, float]:
    angle = _spoke(index, count)
    return level * math.cos(angle), level * math.sin(angle)


def wrap_label(text: str, width: int = LABEL_LINE) -> list[str]:
    """`text` in lines of at most `width` characters, broken between words."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def radar_labels(names: Sequence[str]) -> pd.DataFrame:
    """x, y, label (lines joined by a newline), align of each criterion's label just outside level 5."""
    rows = []
    for index, name in enumerate(names):
        x, y = _xy(LABEL_RADIUS, index, len(names))
        align = "left" if x > 0.5 else "right" if x < -0.5 else "center"
        rows.append({"x": x, "y": y, "label": "\n".join(wrap_label(name)), "align": align})
    return pd.DataFrame(rows)


def radar_chart(
    profile: pd.DataFrame, *, names: Mapping[str, str], series: Mapping[str, str], texts: Mapping[str, str]
) -> alt.LayerChart:
    """The profile as a radar: level rings 1–5, a spoke per criterion, the as-of month (solid)
    over the same month a year earlier (dashed). A criterion without a level has no point.

    `profile`: criterion, level, earlier_level (kpis.maturity.profile_table); `names`:
    criterion → label; `series`: "now"/"earlier" → legend label; texts: title, level, legend.
    """
    codes = list(profile["criterion"])
    count = len(codes)
    rings = pd.DataFrame(
        [
            {"ring": ring, "order": i, **dict(zip(("x", "y"), _xy(ring, i % count, count), strict=True))}
            for ring in range(1, 6)
            for i in range(count + 1)
        ]
    )
    spokes = pd.DataFrame(
        [
            {"spoke": i, "order": end, **dict(zip(("x", "y"), _xy(end * 5, i, count), strict=True))}
            for i in range(count)
            for end in (0, 1)
        ]
    )
    points = []
    for key, column in (("earlier", "earlier_level"), ("now", "level")):
        for i, (code, level) in enumerate(zip(codes, profile[column], strict=True)):
            if level is None or pd.isna(level):
                continue
            x, y = _xy(float(level), i, count)
            points.append(
                {
                    "series": series[key],
                    "criterion": names[code],
                    "level": int(level),
                    "x": x,
                    "y": y,
                    "order": i,
                }
            )
    measured = pd.DataFrame(points, columns=["series", "criterion", "level", "x", "y", "order"])
    # An edge joins two neighbouring spokes that both have a level: a criterion without one
    # leaves a gap instead of a line that would suggest a value.
    edges = []
    for key in ("earlier", "now"):
        rows = measured[measured["series"] == series[key]].set_index("order")
        for i in range(count):
            following = (i + 1) % count
            if i in rows.index and following in rows.index:
                for end, spoke in enumerate((i, following)):
                    edges.append({**rows.loc[spoke].to_dict(), "edge": f"{key}-{i}", "end": end})
    polygons = pd.DataFrame(edges, columns=["series", "criterion", "level", "x", "y", "edge", "end"])
    scale = alt.Scale(domain=[-RADAR_EXTENT, RADAR_EXTENT], nice=False, zero=False)
    x = alt.X("x:Q", scale=scale, axis=None)
    y_scale = alt.Scale(domain=[-6.8, 6.8], nice=False, zero=False)
    y = alt.Y("y:Q", scale=y_scale, axis=None)
    colour = alt.Color(
        "series:N",
        title=texts["legend"],
        scale=alt.Scale(domain=[series["now"], series["earlier"]], range=[NOW_COLOR, EARLIER_COLOR]),
        legend=alt.Legend(orient="bottom"),
    )
    grid = (
        alt.Chart(rings)
        .mark_line(color=GRID, strokeWidth=1)
        .encode(x=x, y=y, detail=alt.Detail("ring:N"), order=alt.Order("order:Q"))
    )
    axes = (
        alt.Chart(spokes)
        .mark_line(color=GRID, strokeWidth=1)
        .encode(x=x, y=y, detail=alt.Detail("spoke:N"), order=alt.Order("order:Q"))
    )
    ring_labels = (
        alt.Chart(pd.DataFrame({"x": [0.0] * 5, "y": [1.0, 2.0, 3.0, 4.0, 5.0], "level": [1, 2, 3, 4, 5]}))
        .mark_text(color=MUTED, fontSize=10, dx=4, align="left", baseline="bottom")
        .encode(x=x, y=y, text=alt.Text("level:Q"))
    )
    lines = (
        alt.Chart(polygons)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=x,
            y=y,
            color=colour,
            detail=alt.Detail("edge:N"),
            order=alt.Order("end:Q"),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(domain=[series["now"], series["earlier"]], range=[[1, 0], [6, 4]]),
                legend=None,
            ),
        )
    )
    dots = (
        alt.Chart(measured)
        .mark_point(filled=True, size=70)
        .encode(
            x=x,
            y=y,
            color=colour,
            tooltip=[
                alt.Tooltip("series:N", title=texts["legend"]),
                alt.Tooltip("criterion:N", title=texts["criterion"]),
                alt.Tooltip("level:Q", title=texts["level"]),
            ],
        )
    )
    label_data = radar_labels([names[code] for code in codes])
    labels = [
        alt.Chart(label_data[label_data["align"] == align])
        .mark_text(color=TEXT, fontSize=FONT_SIZE, fontWeight="bold", align=align, lineBreak="\n")
        .encode(x=x, y=y, text=alt.Text("label:N"))
        for align in ("left", "right", "center")
        if (label_data["align"] == align).any()
    ]
    # The chart's properties in the one LayerChart built (each copy of a layered chart, as
    # `.properties()` makes, deep-copies every layer).
    return alt.layer(
        grid,
        axes,
        ring_labels,
        lines,
        dots,
        *labels,
        title=texts["title"],
        width=RADAR_WIDTH,
        height=RADAR_WIDTH * 6.8 / RADAR_EXTENT,
        view=alt.ViewBackground(stroke=None),
    )


def level_trend_chart(
    trend: pd.DataFrame, *, confidence: Mapping[str, str], texts: Mapping[str, str]
) -> alt.Chart:
    """The overall level by month (steps 1–5), each point coloured by its confidence.

    `trend`: month, level, confidence (HealthView.trend); texts: title, month, level, confidence."""
    data = trend.dropna(subset=["level"]).assign(
        month=lambda frame: pd.to_datetime(frame["month"]),
        confidence_label=lambda frame: frame["confidence"].map(confidence),
    )
    y = alt.Y(
        "level:Q",
        title=texts["level"],
        scale=alt.Scale(domain=[0.5, 5.5], nice=False),
        axis=alt.Axis(values=[1, 2, 3, 4, 5], format="d"),
    )
    x = alt.X("month:T", title=texts["month"], axis=alt.Axis(format=MONTH_AXIS_FORMAT, tickCount="month"))
    line = alt.Chart(data).mark_line(interpolate="step-after", color=MUTED).encode(x=x, y=y)
    dots = (
        alt.Chart(data)
        .mark_point(filled=True, size=80)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "confidence_label:N",
                title=texts["confidence"],
                scale=alt.Scale(
                    domain=[confidence[key] for key in CONFIDENCE_COLORS],
                    range=list(CONFIDENCE_COLORS.values()),
                ),
                legend=alt.Legend(orient="right"),
            ),
            tooltip=[
                alt.Tooltip("month:T", title=texts["month"], format=MONTH_AXIS_FORMAT),
                alt.Tooltip("level:Q", title=texts["level"]),
                alt.Tooltip("confidence_label:N", title=texts["confidence"]),
            ],
        )
    )
    return alt.layer(line, dots).properties(title=texts["title"], height=260)


def trust_delivery_chart(
    trust: pd.DataFrame, delivery: pd.DataFrame, *, texts: Mapping[str, str], width: int = 560
) -> alt.VConcatChart:
    """Two panels over the same waves: the trust index (overall and per direction) on top,
    delivery at each wave's month (CPI, SPI, goals on time, follow-through) below.

    `trust` and `delivery`: wave, series, value (long; labels already translated); the waves
    in `texts["waves"]` order (a list) so both panels align. texts: title, wave, index,
    delivery, series."""
    waves = list(texts["waves"])
    x = alt.X(
        "wave:O",
        title=texts["wave"],
        sort=waves,
        scale=alt.Scale(domain=waves),
        axis=alt.Axis(labelAngle=0 if len(waves) <= 6 else -40, labelLimit=160),
    )

    def panel(frame: pd.DataFrame, y_title: str, height: int) -> alt.Chart:
        return (
            alt.Chart(frame)
            .mark_line(point=alt.OverlayMarkDef(size=50, filled=True), strokeWidth=2)
            .encode(
                x=x,
                y=alt.Y("value:Q", title=y_title, scale=alt.Scale(zero=False)),
                color=alt.Color("series:N", title=texts["series"], legend=alt.Legend(orient="right")),
                tooltip=[
                    alt.Tooltip("wave:O", title=texts["wave"]),
                    alt.Tooltip("series:N", title=texts["series"]),
                    alt.Tooltip("value:Q", title=y_title, format=".2f"),
                ],
            )
            .properties(height=height, width=width)
        )

    return (
        alt.vconcat(
            panel(trust, texts["index"], 180), panel(delivery, texts["delivery"], 180), title=texts["title"]
        )
        .resolve_scale(color="independent", x="shared")
        .resolve_legend(color="independent")
    )
