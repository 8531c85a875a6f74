"""Cases shared by the one-pass tests of the budget and projects KPIs: filter sets on the demo
data, hand-made funding and spend, random cases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from data_access.budget import load_budget_by_month, load_funding_shares
from data_access.demo import DEMO_AS_OF
from domain.filters import Filters
from domain.months import add_months, first_of_month

NAN = float("nan")
AS_OF = first_of_month(DEMO_AS_OF)
FILTER_SETS = [
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1)),
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1), departments=("IT",)),
    Filters(as_of=AS_OF, period_start=dt.date(AS_OF.year, 1, 1), departments=("MKT",), statuses=("active",)),
    Filters(
        as_of=dt.date(AS_OF.year, 3, 1),
        period_start=dt.date(AS_OF.year, 1, 1),
        statuses=("active", "on_hold"),
    ),
]
FILTER_IDS = ["all", "IT", "MKT-active", "march"]
JAN, FEB, MAR, APR, MAY = (dt.date(2026, month, 1) for month in range(1, 6))
TOLERANCE = 10.0


def _funding(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        rows, columns=["project", "department", "committed", "agreed_share"]
    ).astype({"committed": "float64", "agreed_share": "float64"})


def _spend(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        rows, columns=["month", "project", "department", "planned", "actual"]
    ).astype({"planned": "float64", "actual": "float64"})


FUNDING = _funding(
    [
        ("A", "IT", 100, 0.5),
        ("A", "MKT", 100, NAN),  # agreed share missing: the rest, 0.5
        ("B", "FIN", 50, 0.2),
        ("B", "IT", 100, 0.3),
        ("B", "MKT", 100, NAN),
        ("C", "IT", 100, NAN),  # one funder: not joint
        ("D", "MKT", 10, NAN),  # no share recorded at all: 1/2 each
        ("D", "IT", 10, NAN),
        ("E", "IT", 10, 0.9),  # recorded shares above 1: the open one gets 0
        ("E", "MKT", 10, 0.4),
        ("E", "SAL", 10, NAN),
        ("F", "IT", 10, 0.25),  # spends exactly as agreed: drift 0, on the edge of tolerance 0
        ("F", "MKT", 10, 0.75),
    ]
)
SPEND = _spend(
    [
        (JAN, "A", "IT", 10, 40.0),
        (JAN, "A", "MKT", 10, 60.0),
        (MAR, "A", "IT", 10, 35.0),
        (JAN, "B", "FIN", 10, 0.1),
        (JAN, "B", "FIN", 10, 0.2),  # two rows of one (month, project, department)
        (JAN, "B", "IT", 10, 0.7),
        (MAR, "B", "MKT", 10, 281877.83),
        (MAR, "B", "IT", 10, 215218.17),
        (MAR, "B", "FIN", 10, 639331.38),
        (MAR, "B", "SAL", 10, 12.5),  # books without a funding row: agreed share 0
        (FEB, "C", "IT", 10, 99.0),
        (MAR, "D", "MKT", 10, 0.0),  # joint, but nothing spent yet
        (APR, "E", "IT", 10, -5.0),  # a credit
        (APR, "E", "MKT", 10, 5.0),  # Σ actual 0: not measured
        (FEB, "X", "IT", 10, 7.0),  # no funding at all
        (FEB, "F", "IT", 10, 25.0),
        (FEB, "F", "MKT", 10, 75.0),
    ]
)


def _random_case(seed: int, projects: int = 40) -> tuple[pd.DataFrame, pd.DataFrame, list[dt.date]]:
    """Funding and monthly spend with amounts in cents over many orders of magnitude, one to
    four funders per project, missing shares, departments that book without funding and gaps."""
    rng = np.random.default_rng(seed)
    departments = ["FIN", "IT", "MKT", "SAL"]
    months = [add_months(JAN, i) for i in range(12)]
    funding_rows, spend_rows = [], []
    for number in range(projects):
        code = f"P-{number:03d}"
        funders = sorted(rng.choice(departments, size=rng.integers(1, 5), replace=False))
        for department in funders:
            share = NAN if rng.random() < 0.4 else round(float(rng.random()) * 0.7, 2)
            funding_rows.append((code, department, float(rng.integers(0, 5) * 1000), share))
        for month in months:
            for department in departments:
                if rng.random() < (0.6 if department in funders else 0.1):
                    amount = round(float(rng.random()) * 10 ** int(rng.integers(0, 7)), 2)
                    sign = -1.0 if rng.random() < 0.05 else 1.0
                    spend_rows.append((month, code, department, amount, sign * amount))
    spend = _spend(spend_rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    funding = _funding(funding_rows).sample(frac=1.0, random_state=seed).reset_index(drop=True)
    return spend, funding, months


def _demo_inputs(engine, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The spend and funding frames the single view gives these functions."""
    spend = load_budget_by_month(
        engine=engine, filters=filters, by=("project", "department"), span="all", department_filter="funders"
    )
    funding = load_funding_shares(engine=engine, filters=filters, as_of=filters.as_of)
    return spend, funding
