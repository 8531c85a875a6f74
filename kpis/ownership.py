"""Ownership of the responsibility areas per project (pure, on the frames of data_access.projects).

ownership clarity = projects whose every responsibility area has exactly one accountable
department that is the one the house rule expects / projects with ownership rows.
"""

from __future__ import annotations

import pandas as pd

from kpis.common import KpiValue, not_available, ratio

OWNERSHIP_STATUSES = ("ok", "missing", "double", "breach")


def ownership_status(ownership: pd.DataFrame) -> pd.DataFrame:
    """Each (project, area) cell with its status, worst first: missing (no accountable
    department), double (two or more), breach (one owner, not the house rule's department),
    ok. In: project, area, owners, owner_codes, expected, off_rule; out: the same + status."""
    if ownership.empty:
        return ownership.assign(status=pd.Series(dtype="str"))
    status = [
        "missing" if owners == 0 else "double" if owners >= 2 else "breach" if off_rule > 0 else "ok"
        for owners, off_rule in zip(ownership["owners"], ownership["off_rule"], strict=True)
    ]
    return ownership.assign(status=status)


def project_ownership(status: pd.DataFrame) -> dict[str, str]:
    """Per project its worst ownership status (missing > double > breach > ok)."""
    order = ("missing", "double", "breach", "ok")
    worst = status["status"].map(order.index).groupby(status["project"], sort=True).min()
    return {str(project): order[rank] for project, rank in worst.items()}


def ownership_clarity(status: pd.DataFrame) -> KpiValue:
    """Ownership clarity = projects whose every area is "ok" (exactly one accountable
    department, the one the house rule expects) / projects with ownership rows."""
    if status.empty:
        return not_available("projects.na.no_ownership")
    clear = status["status"].eq("ok").groupby(status["project"]).all()
    return ratio(float(clear.sum()), float(len(clear)), reason_if_zero="projects.na.no_ownership")


def ownership_issues(status: pd.DataFrame) -> pd.DataFrame:
    """The cells that are not ok: project, area, status, owner_codes, expected (ordered)."""
    columns = ["project", "area", "status", "owner_codes", "expected"]
    if status.empty:
        return pd.DataFrame(columns=columns)
    return status.loc[status["status"] != "ok", columns].reset_index(drop=True)
