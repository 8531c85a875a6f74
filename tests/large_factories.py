"""A large organisation for size tests: 60 departments and 1,500 projects (pure frames, no
database), as in issue 18's "readable at any size"."""

from __future__ import annotations

import random

import pandas as pd

from kpis.common import KpiValue

DEPARTMENTS = 60
PROJECTS = 1_500


def department_names(count: int = DEPARTMENTS) -> dict[str, str]:
    """Codes D01..D60 with long-ish names, as a real organisation's."""
    return {f"D{i:02d}": f"Directie beleid en uitvoering {i:02d}" for i in range(1, count + 1)}


def large_drift_frame(
    *, projects: int = PROJECTS, departments: int = DEPARTMENTS, seed: int = 18
) -> pd.DataFrame:
    """kpis.budget.funding_drift's shape: every project jointly funded by 2-4 departments,
    drifts between -30 and +30 percentage points."""
    rng = random.Random(seed)
    codes = list(department_names(departments))
    rows = []
    for p in range(1, projects + 1):
        for code in rng.sample(codes, rng.randint(2, 4)):
            drift = rng.uniform(-30, 30)
            rows.append(
                {
                    "project": f"PRJ-{p:05d}-A-LONGER-PROJECT-IDENTIFIER",
                    "department": code,
                    "actual": rng.uniform(1e3, 1e7),
                    "actual_share": KpiValue(0.5),
                    "agreed_share": 0.5,
                    "drift_pp": KpiValue(drift),
                    "flagged": abs(drift) > 5,
                }
            )
    return pd.DataFrame(rows)
