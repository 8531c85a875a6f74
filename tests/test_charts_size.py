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
