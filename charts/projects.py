"""Charts of the Projects page: funding split, FTE over time, ownership matrix, goal timeline.

Each is DataFrame -> alt.Chart; titles and labels come in already translated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import altair as alt
import pandas as pd

from charts.theme import MUTED, RAG_COLORS, TEXT, department_colors

MISSING_COLOR = "#D0D5DA"
SEVERAL_COLOR = "#9E9E9E"
ISSUE_STROKE = RAG_COLORS["red"]
# Stretch to the container's width but keep a fixed height per row (Streamlit's default
# "fit" autosize squeezes the rows and drops axis labels).
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")
ROW_STEP = 20  # pixels per project row
GOAL_STATUS_COLORS = {
    "reached_on_time": RAG_COLORS["green"],
    "reached_late": RAG_COLORS["amber"],
    "overdue": RAG_COLORS["red"],
    "open": MUTED,
}


def _department_scale(codes: list[str], names: Mapping[str, str] | None = None) -> alt.Scale:
    """Each department's own colour (keyed by code), shown under its name (`names`; the code
    itself where there is none)."""
    colors = department_colors(codes)
    return alt.Scale(
        domain=[_name(c, names) for c in sorted(codes)], range=[colors[c] for c in sorted(codes)]
    )


def _name(code: str, names: Mapping[str, str] | None) -> str:
    return code if names is None else names.get(code, code)


def _named(codes: pd.Series, names: Mapping[str, str] | None) -> list[str]:
    """Each code of `codes` as its department's name (the code where there is none)."""
    return [_name(code, names) for code in codes]


def agreed_boundaries(split: pd.DataFrame, department_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Where the agreed split divides each project's bar: project, boundary (0..1), between
    (the two departments' names, or codes without `department_names`).

    In: project, department, agreed (resolve_agreed_shares). Departments stack in code
    order, so the k-th boundary is the sum of the first k agreed shares (the last, 1.0, is
    left out).
    """
    ordered = split.sort_values(["project", "department"], kind="stable").reset_index(drop=True)
    cumulative = ordered.groupby("project", sort=False)["agreed"].cumsum()
    following = ordered.groupby("project", sort=False)["department"].shift(-1)
    inner = following.notna()  # every funder but a project's last one
    return pd.DataFrame(
        {
            "project": ordered.loc[inner, "project"].to_numpy(),
            "boundary": cumulative[inner].to_numpy(dtype="float64"),
            "between": [
                f"{_name(a, department_names)} | {_name(b, department_names)}"
                for a, b in zip(ordered.loc[inner, "department"], following[inner], strict=True)
            ],
        },
        columns=["project", "boundary", "between"],
    )


def funding_split_chart(
    split: pd.DataFrame,
    *,
    title: str,
    share_title: str,
    project_title: str,
    department_title: str,
    agreed_title: str,
    department_names: Mapping[str, str] | None = None,
) -> alt.Chart:
    """Stacked bars of each department's share of the committed funding per project, with
    a black tick where the agreed split puts the boundary. In: resolve_agreed_shares output.
    Departments are shown by their `department_names` (by code without them)."""
    data = split.assign(
        order=split["department"].rank(method="dense"),
        department=_named(split["department"], department_names),
    )
    codes = sorted(split["department"].unique().tolist())
    bars = (
        alt.Chart(data)
        .mark_bar()
        .encode(
            y=alt.Y("project:N", title=project_title, sort="ascending", axis=alt.Axis(labelOverlap=False)),
            x=alt.X(
                "committed_share:Q",
                title=share_title,
                stack="zero",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "department:N", title=department_title, scale=_department_scale(codes, department_names)
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("project:N", title=project_title),
                alt.Tooltip("department:N", title=department_title),
                alt.Tooltip("committed_share:Q", title=share_title, format=".0%"),
                alt.Tooltip("agreed:Q", title=agreed_title, format=".0%"),
            ],
        )
    )
    ticks = (
        alt.Chart(agreed_boundaries(split, department_names))
        .mark_tick(color=TEXT, thickness=3, size=18)
        .encode(
            y=alt.Y("project:N", sort="ascending"),
            x=alt.X("boundary:Q"),
            tooltip=[
                alt.Tooltip("project:N", title=project_title),
                alt.Tooltip("between:N", title=department_title),
                alt.Tooltip("boundary:Q", title=agreed_title, format=".0%"),
            ],
        )
    )
    return alt.layer(
        bars, ticks, title=title, height=ROW_STEP * split["project"].nunique(), autosize=FIT_WIDTH
    )


def fte_chart(
    fte: pd.DataFrame,
    *,
    title: str,
    month_title: str,
    fte_title: str,
    department_title: str,
    department_names: Mapping[str, str] | None = None,
) -> alt.Chart:
    """FTE per home department per month, stacked areas. In: month, department, fte.
    Departments are shown by their `department_names` (by code without them)."""
    codes = sorted(fte["department"].unique().tolist())
    data = fte.assign(
        month=pd.to_datetime(fte["month"]), department=_named(fte["department"], department_names)
    )
    return (
        alt.Chart(data, title=title, height=260)
        .mark_area(opacity=0.85, interpolate="step-after")
        .encode(
            x=alt.X("month:T", title=month_title, axis=alt.Axis(format="%b %Y", tickCount="month")),
            y=alt.Y("fte:Q", title=fte_title, stack="zero"),
            color=alt.Color(
                "department:N", title=department_title, scale=_department_scale(codes, department_names)
            ),
            tooltip=[
                alt.Tooltip("month:T", title=month_title, format="%b %Y"),
                alt.Tooltip("department:N", title=department_title),
                alt.Tooltip("fte:Q", title=fte_title, format=".1f"),
                alt.Tooltip("members:Q"),
            ],
        )
    )


def ownership_matrix_chart(
    status: pd.DataFrame,
    *,
    area_names: Mapping[str, str],
    status_names: Mapping[str, str],
    title: str,
    project_title: str,
    area_title: str,
    owner_title: str,
    expected_title: str,
    status_title: str,
    none_label: str,
    several_label: str,
    department_names: Mapping[str, str] | None = None,
) -> alt.Chart:
    """Projects × responsibility areas, each cell coloured by its accountable department
    (grey when several, light grey when none); cells that are not ok get a red border and
    a "!" after the owner codes. In: ownership_status output.

    With `department_names` the legend names each department with its code in brackets (the
    cells keep the short codes) and the tooltip names the owners and the expected department.
    """
    codes = sorted({c for owners in status["owner_codes"] for c in str(owners).split(",") if c})

    def legend(code: str) -> str:
        name = _name(code, department_names)
        return code if name == code else f"{name} ({code})"

    data = status.assign(
        area_name=[area_names.get(a, a) for a in status["area"]],
        status_name=[status_names.get(s, s) for s in status["status"]],
        owner=[
            none_label if n == 0 else several_label if n > 1 else legend(codes_text)
            for n, codes_text in zip(status["owners"], status["owner_codes"], strict=True)
        ],
        label=[
            (str(owners) or "–") + (" !" if s != "ok" else "")
            for owners, s in zip(status["owner_codes"], status["status"], strict=True)
        ],
        issue=[s != "ok" for s in status["status"]],
    )
    if department_names is not None:
        data = data.assign(
            owner_codes=[
                ", ".join(_name(c, department_names) for c in str(owners).split(",") if c)
                for owners in status["owner_codes"]
            ],
            expected=[_name(c, department_names) if isinstance(c, str) else c for c in status["expected"]],
        )
    colors = department_colors(codes)
    scale = alt.Scale(
        domain=[*(legend(c) for c in codes), several_label, none_label],
        range=[*(colors[c] for c in codes), SEVERAL_COLOR, MISSING_COLOR],
    )
    area_order = list(dict.fromkeys(data["area_name"]))
    base = alt.Chart().encode(
        x=alt.X(
            "area_name:N",
            title=area_title,
            sort=area_order,
            axis=alt.Axis(labelAngle=0, orient="top", labelLimit=125),
        ),
        y=alt.Y("project:N", title=project_title, sort="ascending", axis=alt.Axis(labelOverlap=False)),
        tooltip=[
            alt.Tooltip("project:N", title=project_title),
            alt.Tooltip("area_name:N", title=area_title),
            alt.Tooltip("owner_codes:N", title=owner_title),
            alt.Tooltip("expected:N", title=expected_title),
            alt.Tooltip("status_name:N", title=status_title),
        ],
    )
    cells = base.mark_rect(cornerRadius=2).encode(
        color=alt.Color("owner:N", title=owner_title, scale=scale),
        stroke=alt.StrokeValue("white", condition={"test": "datum.issue", "value": ISSUE_STROKE}),
        strokeWidth=alt.StrokeWidthValue(1, condition={"test": "datum.issue", "value": 3}),
    )
    labels = base.mark_text(fontWeight="bold", color="white").encode(text=alt.Text("label:N"))
    return alt.layer(
        cells, labels, data=data, title=title, height=22 * status["project"].nunique(), autosize=FIT_WIDTH
    )


def _named_goals(data: pd.DataFrame, project_labels: Mapping[str, str]) -> pd.DataFrame:
    """The timeline's rows labelled "project code · goal text" (the goal's code added only
    where one project has two goals of the same text), the project as its label, and their
    order by project and goal code."""
    text = data["goal"].fillna("").astype(str).str.strip()
    label = data["project"].astype(str) + " · " + text.where(text != "", data["code"].astype(str))
    twice = label.duplicated(keep=False)
    label = label.where(~twice, label + " (" + data["code"].astype(str) + ")")
    keys = list(zip(data["project"].astype(str), data["code"].astype(str), strict=True))
    rank = {key: position for position, key in enumerate(sorted(set(keys)))}
    order = [rank[key] for key in keys]
    names = [project_labels.get(code, code) for code in data["project"]]
    return data.assign(label=label, project_name=names, order=order)


def goal_timeline_chart(
    timeline: pd.DataFrame,
    *,
    as_of_end: dt.date,
    status_names: Mapping[str, str],
    title: str,
    goal_title: str,
    date_title: str,
    target_title: str,
    achieved_title: str,
    status_title: str,
    slippage_title: str,
    as_of_title: str,
    project_labels: Mapping[str, str] | None = None,
    project_title: str | None = None,
) -> alt.Chart:
    """Gantt-like goal timeline: per goal (project · code) a bar from the project's planned
    start to the target date (light), a diamond at the target, a dot at the achieved date,
    and a coloured slippage bar from target to achieved date (or to the as-of date when the
    goal is overdue); a dashed rule marks the as-of date. In: goal_timeline output.

    With `project_labels` (code -> "P-010 · name") a goal is named by its text, not its code:
    the axis reads "P-010 · Eén klantprofiel ..." (rows still in project and goal order), and
    the tooltip names the project by its label (under `project_title`) and the goal."""
    end = [
        got if got is not None and pd.notna(got) else (as_of_end if s == "overdue" else tgt)
        for got, tgt, s in zip(
            timeline["achieved_date"], timeline["target_date"], timeline["status"], strict=True
        )
    ]
    data = timeline.assign(
        label=timeline["project"].astype(str) + " · " + timeline["code"].astype(str),
        start=pd.to_datetime(timeline["planned_start"]),
        target=pd.to_datetime(timeline["target_date"]),
        achieved=pd.to_datetime(timeline["achieved_date"]),
        slip_end=pd.to_datetime(pd.Series(end, index=timeline.index)),
        status_name=[status_names.get(s, s) for s in timeline["status"]],
        slippage=timeline["slippage_days"].astype("float64"),
    )[
        [
            "label",
            "project",
            "code",
            "goal",
            "start",
            "target",
            "achieved",
            "slip_end",
            "status",
            "status_name",
            "slippage",
        ]
    ]
    sort: Any = "ascending"  # sorts the labels like sorted() did, without a list of every label
    first: list[Any] = [alt.Tooltip("label:N", title=goal_title)]
    if project_labels is not None:
        data = _named_goals(data, project_labels)
        sort = alt.EncodingSortField(field="order", op="min")
        first = [alt.Tooltip("project_name:N", title=project_title or goal_title)]
    domain = [status_names.get(s, s) for s in GOAL_STATUS_COLORS]
    scale = alt.Scale(domain=domain, range=list(GOAL_STATUS_COLORS.values()))
    tooltip = [
        *first,
        alt.Tooltip("goal:N", title=goal_title),
        alt.Tooltip("target:T", title=target_title, format="%d-%m-%Y"),
        alt.Tooltip("achieved:T", title=achieved_title, format="%d-%m-%Y"),
        alt.Tooltip("status_name:N", title=status_title),
        alt.Tooltip("slippage:Q", title=slippage_title),
    ]
    axis = (
        alt.Axis(labelOverlap=False)
        if project_labels is None
        else alt.Axis(labelOverlap=False, labelLimit=320)
    )
    # Named goals need no axis title (the chart's title says what the rows are): the long
    # labels leave it no room of its own.
    y = alt.Y("label:N", title=goal_title if project_labels is None else None, sort=sort, axis=axis)
    # Channels are given as objects, not "field:T" strings or alt.condition() dicts: Altair
    # turns each of those into an object through a lookup table it rebuilds per call
    # (about 7 ms each); the spec is the same.
    # The layers share one top-level data set (alt.layer(..., data=)): layering charts that
    # each carry the frame makes Altair hash and copy it once per layer.
    base = alt.Chart().encode(y=y, tooltip=tooltip)
    plan = base.mark_bar(color=MISSING_COLOR, height=6).encode(
        x=alt.X("start:T", title=date_title, axis=alt.Axis(format="%b %Y")), x2=alt.X2("target:T")
    )
    slip = base.mark_bar(height=10).encode(
        x=alt.X("target:T"),
        x2=alt.X2("slip_end:T"),
        color=alt.Color("status_name:N", title=status_title, scale=scale),
    )
    target = base.mark_point(shape="diamond", filled=True, size=70, color=TEXT).encode(x=alt.X("target:T"))
    achieved = base.mark_circle(size=70, color=RAG_COLORS["green"], stroke="white").encode(
        x=alt.X("achieved:T")
    )
    as_of = (
        alt.Chart(pd.DataFrame({"as_of": [pd.Timestamp(as_of_end)], "name": [as_of_title]}))
        .mark_rule(strokeDash=[4, 3], color=ISSUE_STROKE)
        .encode(x=alt.X("as_of:T"), tooltip=[alt.Tooltip("as_of:T", title=as_of_title, format="%d-%m-%Y")])
    )
    # One layer call with the properties (what `alt.layer(...) + as_of` and `.properties()`
    # give, without the two copies of every layer those make).
    return alt.layer(
        plan,
        slip,
        target,
        achieved,
        as_of,
        data=data,
        title=title,
        height=18 * data["label"].nunique(),
        autosize=FIT_WIDTH,
    )
