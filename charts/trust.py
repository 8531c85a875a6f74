"""Trust charts: trend with 95% intervals, the mirror side by side, the item heatmap.

Every builder takes a frame that already passed the confidentiality gate and keeps only its
shown rows, so a hidden value is absent from the chart's data (no tooltip can carry it).
Texts are passed in, translated by the caller.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from charts.theme import MUTED, department_colors


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    if "shown" in frame:
        frame = frame[frame["shown"].astype(bool)]
    return frame.drop(columns=[c for c in ("shown", "reason") if c in frame]).reset_index(drop=True)


INDEX_MIN_SPAN = 20.0
INDEX_STEP = 5.0


def index_domain(
    low: Sequence[float], high: Sequence[float], *, min_span: float = INDEX_MIN_SPAN, step: float = INDEX_STEP
) -> list[float]:
    """The index axis (0–100 scale) of a chart whose values and intervals lie in [min(low),
    max(high)]: that range widened to whole multiples of `step`, and to at least `min_span`
    points around its middle, so 55–65 is not drawn on 0–100 and a one-point wobble never
    fills the chart; clipped to 0–100. Nothing to show: [0, 100].
    """
    values = [float(v) for v in [*low, *high] if v is not None and not math.isnan(float(v))]
    if not values:
        return [0.0, 100.0]
    bottom, top = min(values), max(values)
    if top - bottom < min_span:
        middle = (top + bottom) / 2
        bottom, top = middle - min_span / 2, middle + min_span / 2
    bottom, top = math.floor(bottom / step) * step, math.ceil(top / step) * step
    if bottom < 0:
        bottom, top = 0.0, max(top, min_span)
    if top > 100:
        bottom, top = min(bottom, 100.0 - min_span), 100.0
    return [float(bottom), float(top)]


def trend_chart(
    trend: pd.DataFrame, *, dimension_labels: Mapping[str, str], texts: Mapping[str, str]
) -> alt.Chart:
    """Index per wave and dimension as points and lines with 95% interval bars, on an axis
    that fits the data (`index_domain`).

    `trend` is TrustReport.trend; texts: wave, index, dimension, ci_low, ci_high, respondents.
    """
    data = _shown(trend)[["wave_code", "dimension", "index", "ci_low", "ci_high", "respondents"]].assign(
        dimension_label=lambda f: f["dimension"].map(dimension_labels)
    )
    domain = index_domain(
        list(data["ci_low"].fillna(data["index"])), list(data["ci_high"].fillna(data["index"]))
    )
    # One top-level data set for the layers (see charts.projects.goal_timeline_chart).
    base = alt.Chart().encode(
        x=alt.X("wave_code:O", title=texts["wave"], sort=None),
        color=alt.Color("dimension_label:N", title=texts["dimension"]),
    )
    tooltip = [
        alt.Tooltip("wave_code:O", title=texts["wave"]),
        alt.Tooltip("dimension_label:N", title=texts["dimension"]),
        alt.Tooltip("index:Q", title=texts["index"], format=".1f"),
        alt.Tooltip("ci_low:Q", title=texts["ci_low"], format=".1f"),
        alt.Tooltip("ci_high:Q", title=texts["ci_high"], format=".1f"),
        alt.Tooltip("respondents:Q", title=texts["respondents"]),
    ]
    lines = base.mark_line(point=True).encode(
        y=alt.Y("index:Q", title=texts["index"], scale=alt.Scale(domain=domain, clamp=True)), tooltip=tooltip
    )
    bars = base.mark_errorbar(ticks=True).encode(
        y=alt.Y("ci_low:Q", title=texts["index"], scale=alt.Scale(domain=domain, clamp=True)),
        y2=alt.Y2("ci_high:Q"),
        tooltip=tooltip,
    )
    return alt.layer(bars, lines, data=data).properties(height=320)


def mirror_chart(
    mirror: pd.DataFrame,
    *,
    department_labels: Mapping[str, str],
    texts: Mapping[str, str],
    highlight: tuple[str, str] | None = None,
    width: int | str = 560,
) -> alt.Chart:
    """Grouped bars: per rated department (x), how each rating department rates it (bars side
    by side, coloured by rater), with 95% interval bars; one chart that takes the width it
    is given. `mirror` is one wave and one dimension of TrustReport.mirror. `highlight`
    (rater, rated) draws that bar in full and the others paler. `width`: pixels (an image in
    the pack) or "container" (the page's width).

    texts: rated, rater, index, ci_low, ci_high, respondents.
    """
    data = _shown(mirror)[["rater", "rated", "index", "ci_low", "ci_high", "respondents"]].assign(
        rater_label=lambda f: f["rater"].map(department_labels),
        rated_label=lambda f: f["rated"].map(department_labels),
    )
    data = data.assign(
        focus=[
            highlight is None or (rater, rated) == tuple(highlight)
            for rater, rated in zip(data["rater"], data["rated"], strict=True)
        ]
    )
    colors = department_colors(sorted(department_labels))
    raters = sorted(set(data["rater"]))  # only shown raters: a hidden group gets no legend entry
    domain = [department_labels.get(c, c) for c in raters]
    tooltip = [
        alt.Tooltip("rater_label:N", title=texts["rater"]),
        alt.Tooltip("rated_label:N", title=texts["rated"]),
        alt.Tooltip("index:Q", title=texts["index"], format=".1f"),
        alt.Tooltip("ci_low:Q", title=texts["ci_low"], format=".1f"),
        alt.Tooltip("ci_high:Q", title=texts["ci_high"], format=".1f"),
        alt.Tooltip("respondents:Q", title=texts["respondents"]),
    ]
    base = alt.Chart().encode(
        x=alt.X("rated_label:N", title=texts["rated"], axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("rater_label:N", sort=domain),
    )
    bars = base.mark_bar().encode(
        y=alt.Y("index:Q", title=texts["index"], scale=alt.Scale(domain=[0, 100])),
        color=alt.Color(
            "rater_label:N",
            title=texts["rater"],
            scale=alt.Scale(domain=domain, range=[colors.get(c, MUTED) for c in raters]),
            legend=alt.Legend(orient="top"),
        ),
        # The channel's own class: alt.condition's dict is schema-validated on every call (~10 ms).
        opacity=alt.OpacityValue(0.3, condition={"test": "datum.focus", "value": 1.0}),
        tooltip=tooltip,
    )
    whiskers = base.mark_rule(color="#333333").encode(y=alt.Y("ci_low:Q"), y2=alt.Y2("ci_high:Q"))
    labels = base.mark_text(dy=-8, baseline="bottom", fontSize=12).encode(
        y=alt.Y("ci_high:Q"), text=alt.Text("index:Q", format=".1f")
    )
    return alt.layer(bars, whiskers, labels, data=data).properties(height=300, width=width)


def heatmap_chart(heatmap: pd.DataFrame, *, lang: str, texts: Mapping[str, str]) -> alt.Chart:
    """Items × rating department, coloured by favourable share (answers 4–5, reverse-coded
    items flipped). `heatmap` is one wave of TrustReport.heatmap.

    texts: item, rater, favourable, neutral, unfavourable, respondents.
    """
    data = _shown(heatmap).assign(item=lambda f: f["item_code"] + " · " + f[f"text_{lang}"])[
        ["item", "department", "favourable_share", "neutral_share", "unfavourable_share", "respondents"]
    ]
    return (
        alt.Chart(data)
        .mark_rect()
        .encode(
            x=alt.X("department:N", title=texts["rater"], axis=alt.Axis(labelAngle=0)),
            y=alt.Y("item:N", title=None, sort=None, axis=alt.Axis(labelLimit=460)),
            color=alt.Color(
                "favourable_share:Q",
                title=texts["favourable"],
                scale=alt.Scale(domain=[0, 1], scheme="blues"),
                legend=alt.Legend(format="%"),
            ),
            tooltip=[
                alt.Tooltip("item:N", title=texts["item"]),
                alt.Tooltip("department:N", title=texts["rater"]),
                alt.Tooltip("favourable_share:Q", title=texts["favourable"], format=".0%"),
                alt.Tooltip("neutral_share:Q", title=texts["neutral"], format=".0%"),
                alt.Tooltip("unfavourable_share:Q", title=texts["unfavourable"], format=".0%"),
                alt.Tooltip("respondents:Q", title=texts["respondents"]),
            ],
        )
        .properties(height=alt.Step(22))
    )
