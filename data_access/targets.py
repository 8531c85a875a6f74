"""KPI targets: the defaults in domain.targets, overridden by effective-dated rows in kpi_target.

Every change is a new row in force from its `effective_from` month (never an overwrite), so a
month is judged by the targets in force at its close and changing a target today leaves the
replay of earlier months alone.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Connection, Engine, select

from data_access.audit import record_change
from data_access.engine import bump_data_version
from data_access.models import KpiTarget
from domain.months import as_date
from domain.targets import DEFAULT_TARGETS, Target, TargetVersion, targets_in_force, with_default_band

CHANGE_COLUMNS = [
    "kpi",
    "green",
    "amber",
    "updated_by",
    "updated_at",
    "effective_from",
    "low_green",
    "low_amber",
]


def _target(row: object) -> Target:
    low_green = getattr(row, "low_green", None)
    low_amber = getattr(row, "low_amber", None)
    return Target(
        green=float(row.green),  # type: ignore[attr-defined]
        amber=float(row.amber),  # type: ignore[attr-defined]
        direction=row.direction,  # type: ignore[attr-defined]
        low_green=float(low_green) if low_green is not None else None,
        low_amber=float(low_amber) if low_amber is not None else None,
    )


def _versions(conn: Connection, *, kpi: str | None = None) -> list[TargetVersion]:
    query = select(
        KpiTarget.kpi,
        KpiTarget.effective_from,
        KpiTarget.green,
        KpiTarget.amber,
        KpiTarget.low_green,
        KpiTarget.low_amber,
        KpiTarget.direction,
        KpiTarget.updated_at,
    ).order_by(KpiTarget.effective_from, KpiTarget.updated_at, KpiTarget.id)
    if kpi is not None:
        query = query.where(KpiTarget.kpi == kpi)
    return [
        TargetVersion(
            kpi=row.kpi,
            effective_from=as_date(row.effective_from),
            target=_target(row),
            recorded_at=row.updated_at,
        )
        for row in conn.execute(query)
    ]


def load_target_versions(*, engine: Engine) -> list[TargetVersion]:
    """Every stored target version, oldest first."""
    with engine.connect() as conn:
        return _versions(conn)


def load_targets(*, engine: Engine, as_of: dt.date | None = None) -> dict[str, Target]:
    """Every KPI's target in force at the close of the month of `as_of` (None: the latest
    version of each, whatever month it takes effect); defaults where no version applies."""
    return targets_in_force(load_target_versions(engine=engine), as_of=as_of)


def first_of_month(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, 1)


def save_target(
    *,
    engine: Engine,
    kpi: str,
    target: Target,
    user_name: str,
    effective_from: dt.date | None = None,
) -> None:
    """Store a new version of a KPI's thresholds, in force from the month of `effective_from`
    (default: the current month), with who set it and when; audited; caches refresh.

    Earlier versions stay, so months before `effective_from` keep the targets they had.
    """
    if kpi not in DEFAULT_TARGETS:
        raise KeyError(f"Unknown KPI {kpi!r}")
    if target.direction != DEFAULT_TARGETS[kpi].direction:
        raise ValueError(f"The direction of {kpi!r} is fixed ({DEFAULT_TARGETS[kpi].direction})")
    target = with_default_band(kpi, target)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    month = first_of_month(effective_from or now.date())
    with engine.begin() as conn:
        versions = _versions(conn, kpi=kpi)
        before = targets_in_force(versions, as_of=month)[kpi]
        conn.execute(
            KpiTarget.__table__.insert().values(
                kpi=kpi,
                effective_from=month,
                green=target.green,
                amber=target.amber,
                low_green=target.low_green,
                low_amber=target.low_amber,
                direction=target.direction,
                updated_by=user_name,
                updated_at=now,
            )
        )
        record_change(
            conn,
            user_name=user_name,
            entity="kpi_target",
            entity_id=kpi,
            action="update",
            old=_thresholds(before),
            new=_thresholds(target) | {"effective_from": month.isoformat()},
        )
        bump_data_version(conn)


def _thresholds(target: Target) -> dict[str, float]:
    values = {"green": target.green, "amber": target.amber}
    if target.two_sided:
        values |= {"low_green": target.low_green, "low_amber": target.low_amber}  # type: ignore[dict-item]
    return values


def load_target_changes(*, engine: Engine) -> pd.DataFrame:
    """Every target version an editor stored (latest recorded first): kpi, green, amber,
    updated_by, updated_at, effective_from, low_green, low_amber."""
    query = select(*(getattr(KpiTarget, name) for name in CHANGE_COLUMNS)).order_by(
        KpiTarget.updated_at.desc(), KpiTarget.kpi
    )
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(query).all()]
    return pd.DataFrame.from_records(rows, columns=CHANGE_COLUMNS)
