"""Budget lines and progress of a project (numpy, one project at a time)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from data_access.demo.fixtures import CATEGORIES, DEPT_INDEX
from data_access.demo.specs import ProjectSpec
from data_access.demo.timeline import CUTOFF, N_MONTHS, month_index


@dataclass
class Lines:
    """Budget lines as parallel arrays; NaN actual means NULL."""

    project: list[np.ndarray] = field(default_factory=list)
    month: list[np.ndarray] = field(default_factory=list)
    dept: list[np.ndarray] = field(default_factory=list)
    category: list[np.ndarray] = field(default_factory=list)
    planned: list[np.ndarray] = field(default_factory=list)
    actual: list[np.ndarray] = field(default_factory=list)

    def add(
        self,
        project: int,
        month: np.ndarray,
        dept: int,
        category: np.ndarray,
        planned: np.ndarray,
        actual: np.ndarray,
    ) -> None:
        n = len(month)
        self.project.append(np.full(n, project, dtype=np.int64))
        self.month.append(month.astype(np.int64))
        self.dept.append(np.full(n, dept, dtype=np.int64))
        self.category.append(category.astype(np.int64))
        self.planned.append(planned)
        self.actual.append(actual)

    def concat(self) -> dict[str, np.ndarray]:
        """One array per column (the 25 fixed projects always give lines)."""
        names = ("project", "month", "dept", "category", "planned", "actual")
        return {name: np.concatenate(getattr(self, name)) for name in names}


def spread(total: float, weights: np.ndarray) -> np.ndarray:
    """Split `total` euros over `weights` in cents so that the parts add up exactly."""
    cents = round(total * 100)
    raw = np.maximum(np.floor(weights / weights.sum() * cents), 1)
    raw[np.argmax(raw)] += cents - raw.sum()
    return raw / 100


def project_budget(
    spec: ProjectSpec, index: int, rng: np.random.Generator, n_categories: int, lines: Lines
) -> dict[str, float]:
    """Add the project's budget lines; return the committed amount per funding department."""
    shares = spec.shares()
    committed = {dept: float(round(spec.total * share, -3)) for dept, share in shares.items()}
    if spec.start >= N_MONTHS:
        return committed  # proposed beyond the plan horizon: a commitment, no plan lines yet
    months = np.arange(spec.start, min(spec.end, N_MONTHS - 1) + 1)
    m = len(months)
    phase = (np.arange(m) + 0.5) / m
    profile = 0.6 + 0.4 * np.sin(np.pi * phase)
    last_actual = CUTOFF
    if spec.actual_end is not None:
        last_actual = min(last_actual, month_index(spec.actual_end))
    if spec.stop is not None and spec.status == "cancelled":
        last_actual = min(last_actual, spec.stop)
    month_noise = rng.lognormal(0.0, 0.04, m)
    cats = np.arange(n_categories)
    for dept, amount in committed.items():
        d = DEPT_INDEX[dept]
        base = np.array([CATEGORIES[c][3][d] for c in range(n_categories)], dtype=float)
        mix = base * rng.lognormal(0.0, 0.2, n_categories)
        weights = profile[:, None] * mix[None, :] * rng.lognormal(0.0, 0.1, (m, n_categories))
        planned = spread(amount, weights.ravel()).reshape(m, n_categories)
        factor = spec.cost_factor * dict(spec.dept_factor).get(dept, 1.0)
        actual = planned * factor * month_noise[:, None] * rng.lognormal(0.0, 0.07, (m, n_categories))
        booked = (months >= spec.start + spec.late_start) & (months <= last_actual)
        actual[~booked, :] = np.nan
        if spec.status == "on_hold" and spec.stop is not None:
            held = (months > spec.stop) & (months <= CUTOFF)
            # On hold: only the licences keep running, everything else stops.
            actual[held, :] = 0.0
            actual[held, 2] = np.round(planned[held, 2] * 0.8, 2)
        actual = np.round(actual, 2)
        for _ in range(spec.corrections):
            plant_correction(rng, months, actual, planned)
        lines.add(
            index,
            np.repeat(months, n_categories),
            d,
            np.tile(cats, m),
            planned.ravel(),
            actual.ravel(),
        )
        if spec.overrun:
            extra = np.arange(spec.end + 1, min(spec.end + spec.overrun, CUTOFF) + 1)
            if len(extra):
                # Work goes on after the planned end: staff and contractors, no plan left.
                monthly = planned[:, :2].mean(axis=0)
                over = monthly[None, :] * factor * rng.lognormal(0.0, 0.08, (len(extra), 2))
                lines.add(
                    index,
                    np.repeat(extra, 2),
                    d,
                    np.tile(np.arange(2), len(extra)),
                    np.zeros(2 * len(extra)),
                    np.round(over, 2).ravel(),
                )
    return committed


def plant_correction(
    rng: np.random.Generator, months: np.ndarray, actual: np.ndarray, planned: np.ndarray
) -> None:
    """A supplier's credit note: last month was booked twice, this month reverses it.

    The two months together keep their original total, so realisation is unchanged.
    """
    candidates = [
        i for i in range(1, len(months)) if not np.isnan(actual[i, 1]) and not np.isnan(actual[i - 1, 1])
    ]
    if not candidates:
        return
    i = candidates[int(rng.integers(len(candidates)))]
    category = 1 if rng.random() < 0.6 else 2  # external or licences
    credit = round(
        float(planned[i, category]) * float(rng.uniform(0.4, 0.9)) + float(rng.uniform(500, 4000)), 2
    )
    actual[i - 1, category] = round(actual[i - 1, category] + actual[i, category] + credit, 2)
    actual[i, category] = -credit


def project_progress(
    spec: ProjectSpec, rng: np.random.Generator, planned_by_month: np.ndarray
) -> list[tuple[int, float]]:
    """Monthly % complete, monotone, consistent with the planted lateness."""
    if not spec.track_progress or spec.start > CUTOFF or spec.status == "proposed":
        return []
    last = CUTOFF
    if spec.actual_end is not None:
        last = min(last, month_index(spec.actual_end))
    months = np.arange(spec.start, last + 1)
    cumulative = np.cumsum(planned_by_month)
    plan_pct = cumulative / cumulative[-1] * 100
    offsets = months - spec.start - spec.late_start
    planned_at = np.where(offsets < 0, 0.0, plan_pct[np.clip(offsets, 0, len(plan_pct) - 1)])
    pct = planned_at * spec.progress_ratio * rng.uniform(0.96, 1.03, len(months))
    after_end = months > spec.end
    if after_end.any():
        # Late projects past their planned end keep creeping forward, a few points a month.
        pct[after_end] = spec.progress_ratio * 100 + 3.0 * (months[after_end] - spec.end)
    if spec.stop is not None:
        frozen = months > spec.stop
        if frozen.any():
            pct[frozen] = pct[~frozen][-1]
    pct = np.maximum.accumulate(np.clip(pct, 0, 99.5))
    if spec.status == "done":
        pct[-1] = 100.0
    return list(zip(months.tolist(), np.round(pct, 1).tolist(), strict=True))
