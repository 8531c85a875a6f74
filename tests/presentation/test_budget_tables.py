"""The Budget page's variance table: numbers that sort, ordered by name, the total apart."""

from __future__ import annotations

import math

import pandas as pd

from domain.targets import Target
from kpis.budget import variance_table
from presentation.budget import variance_column_formats, variance_rows

TARGET = Target(green=0.95, amber=0.85)


def _grouped() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "department": ["B2", "A1", "C3"],
            "month": pd.to_datetime(["2026-01-01"] * 3),
            "planned": [989_124.0, 926_485_337.0, 0.0],
            "actual": [950_000.0, 945_451.0, 10.0],
        }
    )


def test_rows_are_numeric_ordered_by_name_and_the_total_is_apart() -> None:
    grouped = _grouped()
    names = {"A1": "Zorg", "B2": "archief", "C3": "Bestuur"}
    total = {"planned": float(grouped["planned"].sum()), "actual": float(grouped["actual"].sum())}
    tables = variance_rows(
        variance_table(grouped, by="department", target=TARGET),
        by="department",
        names=names,
        total=total,
        lang="nl",
        target=TARGET,
    )
    rows = tables.rows
    assert list(rows["Afdeling"]) == ["archief", "Bestuur", "Zorg"]  # by the names shown
    for column in ("Begroot (€)", "Werkelijk (€)", "Afwijking €", "Afwijking %", "Realisatie"):
        assert pd.api.types.is_float_dtype(rows[column]), column
    by_planned = rows.sort_values("Begroot (€)", ascending=False)["Afdeling"].tolist()
    assert by_planned == ["Zorg", "archief", "Bestuur"]  # 926 million first, not "€ 989.124"
    assert math.isnan(rows.set_index("Afdeling").loc["Bestuur", "Realisatie"])  # nothing planned
    assert list(tables.total["Afdeling"]) == ["Totaal"] and len(tables.total) == 1
    assert tables.total["Begroot (€)"].iloc[0] == total["planned"]
    assert list(tables.total.columns) == list(rows.columns)


def test_every_numeric_column_has_a_display_format() -> None:
    formats = variance_column_formats("department", "en")
    assert formats["Planned (€)"]["format"] == "%,.0f" and formats["Planned (€)"]["step"] == 1.0
    assert formats["Realisation"]["format"] == "percent"
    dutch = variance_column_formats("department", "nl")
    assert dutch["Begroot (€)"]["format"] == "%'.,.0f"  # "." groups thousands, whatever the browser
    swiss = variance_column_formats("department", "nl", currency="CHF")
    assert swiss["Begroot (CHF)"]["format"] == "%'.,.0f"


def test_drift_amounts_and_shares_are_numbers() -> None:
    from kpis.common import KpiValue, not_available
    from presentation.budget import drift_column_formats, drift_rows

    drift = pd.DataFrame(
        {
            "project": ["P-1", "P-1", "P-2"],
            "department": ["A1", "B2", "A1"],
            "actual": [1_250_000.0, 75_000.0, 0.0],
            "actual_share": [KpiValue(0.943), KpiValue(0.057), not_available("budget.na.no_actuals")],
            "agreed_share": [0.5, 0.5, 1.0],
            "drift_pp": [KpiValue(44.3), KpiValue(-44.3), not_available("budget.na.no_actuals")],
            "flagged": [True, True, False],
        }
    )
    rows = drift_rows(drift, department_names={}, project_names={}, lang="nl", target=TARGET)
    formats = drift_column_formats("nl")
    assert set(formats) <= set(rows.columns) and len(formats) == 3
    for column in formats:
        assert pd.api.types.is_float_dtype(rows[column]), column
    assert math.isnan(rows[list(formats)[1]].iloc[2])  # no actuals: no share, an empty cell
    assert rows[list(formats)[0]].tolist() == [1_250_000.0, 75_000.0, 0.0]
    # The drift and its rating come right after whose they are (visible at 1280 pixels).
    assert list(rows.columns)[:4] == ["Project", "Afdeling", "Drift (pp)", "Oordeel"]
