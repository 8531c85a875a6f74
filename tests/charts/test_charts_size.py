"""Readable at any size: with 60 departments and 1,500 projects no chart is taller than
2,000 px and none renders blank (issue 18 point 4)."""

from __future__ import annotations

import io

from PIL import Image

from charts.budget import MAX_DRIFT_ROWS, drift_chart, largest_drifts
from reports.render import chart_png, png_size
from tests.large_factories import PROJECTS, department_names, large_drift_frame

MAX_HEIGHT = 2_000


def test_drift_chart_shows_the_largest_drifts_within_a_screen() -> None:
    drift = large_drift_frame()
    rows, left_out = largest_drifts(drift)
    assert 0 < len(rows) <= MAX_DRIFT_ROWS
    assert left_out == PROJECTS - rows["project"].nunique()
    # the projects kept are the ones with the largest drift
    sizes = drift.assign(size=[abs(v.value) for v in drift["drift_pp"]]).groupby("project")["size"].max()
    kept = sizes[rows["project"].unique()]
    assert kept.min() >= sizes.drop(kept.index).max()
    chart = drift_chart(
        rows,
        tolerance=5,
        department_names=department_names(),
        title="Drift",
        x_title="Drift (pp)",
        y_title="Project",
        legend_title="Afdeling",
    )
    png = chart_png(chart, lang="nl", scale=1)
    width, height = png_size(png)
    assert height <= MAX_HEIGHT, height
    image = Image.open(io.BytesIO(png)).convert("L")
    low, high = image.getextrema()
    assert low < 128 < high  # marks drawn, not a blank canvas


def test_the_whole_drift_frame_would_have_been_far_too_tall() -> None:
    """The bound is what keeps it readable: all 1,500 projects would need metres of screen."""
    drift = large_drift_frame()
    spec = drift_chart(
        drift,
        tolerance=5,
        department_names=department_names(),
        title="Drift",
        x_title="Drift (pp)",
        y_title="Project",
        legend_title="Afdeling",
    ).to_dict()
    assert spec["height"]["step"] * len(drift) > 20 * MAX_HEIGHT


def test_goal_timeline_keeps_whole_projects_within_the_row_bound() -> None:
    """Five goals per project for 1,500 projects: the chart takes the most slipped projects
    whose goals fit in CHART_GOALS rows (18 px each), never all 40 projects' 200 goals."""
    import pandas as pd

    from kpis.projects import CHART_GOALS, goal_chart_projects

    projects = [f"PRJ-{p:05d}" for p in range(1, PROJECTS + 1)]
    timeline = pd.DataFrame(
        {
            "project": [p for p in projects for _ in range(5)],
            "slippage_days": [float(i % 97) for i in range(5 * PROJECTS)],
            "late": [True] * (5 * PROJECTS),
        }
    )
    selection = goal_chart_projects(timeline)
    rows = timeline["project"].isin(selection.shown).sum()
    assert 0 < rows <= CHART_GOALS
    assert 18 * rows + 200 <= MAX_HEIGHT
    assert selection.limited and selection.total == PROJECTS


def _large_goal_timeline(as_of):
    """Five goals per project for 1,500 projects, all due in the as-of fiscal year."""
    import datetime as dt

    import pandas as pd

    projects = [f"PRJ-{p:05d}" for p in range(1, PROJECTS + 1)]
    n = 5 * PROJECTS
    targets = [as_of - dt.timedelta(days=i % 200) for i in range(n)]
    return pd.DataFrame(
        {
            "project": [p for p in projects for _ in range(5)],
            "code": [f"G{i % 5 + 1}" for i in range(n)],
            "goal": [f"Goal {i % 5 + 1}" for i in range(n)],
            "planned_start": [target - dt.timedelta(days=90) for target in targets],
            "target_date": targets,
            "achieved_date": [None] * n,
            "status": ["overdue"] * n,
            "slippage_days": [float(i % 97) for i in range(n)],
            "late": [True] * n,
        }
    )


def test_the_packs_goal_and_ownership_charts_render_at_size(monkeypatch) -> None:
    """The meeting pack draws the goal timeline and the ownership matrix from the same bound
    selection as the Projects page, says so in the chart's note, and renders (Altair refuses
    a chart of more than 5,000 rows; at 1.23M budget lines the pack failed on 7,728)."""
    import datetime as dt
    from types import SimpleNamespace

    import pandas as pd

    from domain.filters import Filters
    from kpis.projects import CHART_GOALS, CHART_PROJECTS
    from reports import pack_charts

    as_of = dt.date(2026, 9, 1)
    filters = Filters(as_of=as_of, period_start=dt.date(2026, 1, 1))
    timeline = _large_goal_timeline(as_of)
    goals = pack_charts.goals_chart(SimpleNamespace(timeline=timeline), filters=filters, lang="en")
    assert goals is not None and goals.note is not None
    assert f"of {PROJECTS} projects" in goals.note
    assert len(timeline) > 5_000  # the whole timeline would have been refused
    datasets = goals.chart.to_dict()["datasets"].values()
    drawn = {(row["project"], row["code"]) for rows in datasets for row in rows if "code" in row}
    assert 0 < len(drawn) <= CHART_GOALS
    assert png_size(chart_png(goals.chart, lang="en", scale=1))[1] <= MAX_HEIGHT

    areas = ("data", "platform", "campaigns", "privacy")
    n = PROJECTS * len(areas)
    status = pd.DataFrame(
        {
            "project": [f"PRJ-{p:05d}" for p in range(1, PROJECTS + 1) for _ in areas],
            "area": list(areas) * PROJECTS,
            "owner_codes": ["MKT" if i % 3 else "" for i in range(n)],
            "owners": [1 if i % 3 else 0 for i in range(n)],
            "expected": ["MKT"] * n,
            "status": ["ok" if i % 3 else "missing" for i in range(n)],
        }
    )
    monkeypatch.setattr(pack_charts, "load_ownership", lambda **_: None)
    monkeypatch.setattr(pack_charts, "ownership_status", lambda _: status)
    ownership = pack_charts.ownership_chart(
        None, filters=filters, lang="nl", area_names={}, department_names={}
    )
    assert ownership is not None and ownership.note is not None
    assert f"{CHART_PROJECTS} van {PROJECTS} projecten" in ownership.note
    png = chart_png(ownership.chart, lang="nl", scale=1)
    assert png_size(png)[1] <= MAX_HEIGHT
    assert n > 5_000  # the whole matrix would have been refused
