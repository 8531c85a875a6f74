"""Budget realisation: planned against actual."""

from __future__ import annotations

from kpis.common import KpiValue, ratio


def realisation(*, actual: float | None, planned: float | None) -> KpiValue:
    """Budget realisation = Σ actual / Σ planned over the lines in the period.

    1.0 means spend exactly as planned; 1.12 means 12% over plan. n/a when nothing was
    planned in the period (reason `kpi.na.no_plan`).
    """
    return ratio(actual or 0.0, planned, reason_if_zero="kpi.na.no_plan")


def variance(*, actual: float | None, planned: float | None) -> float:
    """Variance in euros = Σ actual − Σ planned (positive means overspend)."""
    return (actual or 0.0) - (planned or 0.0)
