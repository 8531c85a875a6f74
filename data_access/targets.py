"""KPI targets: the defaults in kpis.targets, overridden by rows in kpi_target."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict

import pandas as pd
from sqlalchemy import Engine, select

from data_access.audit import record_change
from data_access.engine import bump_data_version
from data_access.models import KpiTarget
from kpis.targets import DEFAULT_TARGETS, Target


def load_targets(*, engine: Engine) -> dict[str, Target]:
    """Every KPI's target: stored values where an editor set them, defaults elsewhere."""
    targets = dict(DEFAULT_TARGETS)
    with engine.connect() as conn:
        for row in conn.execute(select(KpiTarget.kpi, KpiTarget.green, KpiTarget.amber, KpiTarget.direction)):
            if row.kpi in targets:
                targets[row.kpi] = Target(
                    green=float(row.green), amber=float(row.amber), direction=row.direction
                )
    return targets


def save_target(*, engine: Engine, kpi: str, target: Target, user_name: str) -> None:
    """Store a KPI's thresholds with who changed them and when; audited; caches refresh."""
    if kpi not in DEFAULT_TARGETS:
        raise KeyError(f"Unknown KPI {kpi!r}")
    if target.direction != DEFAULT_TARGETS[kpi].direction:
        raise ValueError(f"The direction of {kpi!r} is fixed ({DEFAULT_TARGETS[kpi].direction})")
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        existing = conn.execute(select(KpiTarget).where(KpiTarget.kpi == kpi)).mappings().first()
        old = (
            {"green": existing["green"], "amber": existing["amber"]}
            if existing
            else asdict(DEFAULT_TARGETS[kpi])
        )
        values = {
            "green": target.green,
            "amber": target.amber,
            "direction": target.direction,
            "updated_by": user_name,
            "updated_at": now,
        }
        if existing:
            conn.execute(KpiTarget.__table__.update().where(KpiTarget.kpi == kpi).values(**values))
        else:
            conn.execute(KpiTarget.__table__.insert().values(kpi=kpi, **values))
        record_change(
            conn,
            user_name=user_name,
            entity="kpi_target",
            entity_id=kpi,
            action="update",
            old=old,
            new={"green": target.green, "amber": target.amber},
        )
        bump_data_version(conn)


def load_target_changes(*, engine: Engine) -> pd.DataFrame:
    """Targets an editor has set: kpi, green, amber, updated_by, updated_at (latest first)."""
    query = select(
        KpiTarget.kpi, KpiTarget.green, KpiTarget.amber, KpiTarget.updated_by, KpiTarget.updated_at
    ).order_by(KpiTarget.updated_at.desc(), KpiTarget.kpi)
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(query).all()]
    return pd.DataFrame.from_records(
        [tuple(row) for row in rows], columns=["kpi", "green", "amber", "updated_by", "updated_at"]
    )
