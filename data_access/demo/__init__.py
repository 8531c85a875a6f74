"""Deterministic demo data: a Dutch retailer's joint Marketing/IT portfolio, 2024-2026.

    python -m data_access.demo [--scale demo|large] [--database-url URL] [--n-projects N]

`seed_demo(engine)` fills an already migrated, empty database in one transaction and returns
the row counts per table; on a database that already holds departments it does nothing and
returns {}. The same seed always gives the same rows (numpy's PCG64 with fixed seeds, one
independent stream per part of the data, so changing one part never shifts another).

Scales
- "demo": 25 hand-written projects (P-001 .. P-025), 4 cost categories, 3,944 budget lines
  and 9,900 survey answers.
- "large": the same 25 projects followed by generated ones, 12 cost categories; 2,000
  projects give about 1.2 million budget lines and 200,000 survey answers. `n_projects` or
  `budget_lines_target` scale it down for benchmarks (lines grow linearly with projects).

Timeline: plans run 2024-01 .. 2026-12; actuals, progress and survey answers exist through
DEMO_LAST_ACTUAL_MONTH (2026-10); "today" for due dates and goals is DEMO_AS_OF (2026-10-31).
DEMO_PLANTED lists the projects that carry each planted problem in the demo scale (the large
scale contains them too, plus generated projects with the same kinds of problems).

Layout: fixture_data/*.toml holds the literal data (fixtures.py reads it); timeline.py the
calendar; specs.py what a project is made of and the scales; portfolio.py the generated
projects and the teams; budget_lines.py the budget lines and progress; survey.py the
trust survey; build.py every row in memory; writer.py the database side (through the
importer's store); cli.py the command line.
"""

from __future__ import annotations

from data_access.demo.build import DemoData, build_demo_data
from data_access.demo.cli import main
from data_access.demo.fixtures import DEMO_PLANTED
from data_access.demo.specs import projects_for_budget_lines
from data_access.demo.timeline import (
    DEFAULT_SEED,
    DEMO_AS_OF,
    DEMO_FIRST_MONTH,
    DEMO_HISTORY_START,
    DEMO_LAST_ACTUAL_MONTH,
    DEMO_LAST_MONTH,
    DEMO_OWNERSHIP_CHANGE,
    DEMO_STATUS_CHANGE,
    LARGE_LINES_PER_PROJECT,
    LARGE_N_PROJECTS,
    SCALES,
)
from data_access.demo.writer import seed_demo

__all__ = [
    "DEFAULT_SEED",
    "DEMO_AS_OF",
    "DEMO_FIRST_MONTH",
    "DEMO_HISTORY_START",
    "DEMO_LAST_ACTUAL_MONTH",
    "DEMO_LAST_MONTH",
    "DEMO_OWNERSHIP_CHANGE",
    "DEMO_PLANTED",
    "DEMO_STATUS_CHANGE",
    "LARGE_LINES_PER_PROJECT",
    "LARGE_N_PROJECTS",
    "SCALES",
    "DemoData",
    "build_demo_data",
    "main",
    "projects_for_budget_lines",
    "seed_demo",
]
