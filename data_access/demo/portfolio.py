"""The portfolio of the large scale beyond the 25 hand-written projects (with the same kinds
of planted problems), and the project teams of every scale."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np

from data_access.demo.fixtures import AREAS, DEPARTMENTS, GOAL_TEMPLATES, QUALIFIERS, RAG_REASONS, THEMES
from data_access.demo.specs import JOINT, GoalSpec, Profile, ProjectSpec
from data_access.demo.timeline import CUTOFF, DEMO_AS_OF, month_at, month_end, month_index


def generated_specs(rng: np.random.Generator, first: int, count: int) -> list[ProjectSpec]:
    """Projects beyond the hand-written 25, with the same kinds of planted problems."""
    specs: list[ProjectSpec] = []
    for number in range(first, first + count):
        theme, goal_text = THEMES[int(rng.integers(len(THEMES)))]
        name = f"{theme} – {QUALIFIERS[int(rng.integers(len(QUALIFIERS)))]}"
        u = rng.random()
        if u < 0.12:
            funders: tuple[tuple[str, float | None], ...] = ((("MKT", "IT")[int(rng.integers(2))], None),)
        elif u < 0.22:
            funders = (("MKT", 0.4), ("IT", 0.4), ("FIN", 0.2))
        elif u < 0.30:
            funders = (("MKT", 0.6), ("IT", 0.4)) if rng.random() < 0.5 else (("MKT", 0.4), ("IT", 0.6))
        else:
            funders = JOINT
        status = str(
            rng.choice(
                ["proposed", "cancelled", "on_hold", "done", "active"], p=[0.03, 0.04, 0.05, 0.2, 0.68]
            )
        )
        total = float(round(math.exp(rng.uniform(math.log(150_000), math.log(2_500_000))), -4))
        kind = "normal"
        extra: dict[str, Any] = {}
        actual_end: date | None = None
        if status == "proposed":
            start = 36 + int(rng.integers(0, 6))
            end = start + int(rng.integers(9, 18))
        elif status == "done":
            start = int(rng.integers(0, 14))
            end = int(rng.integers(min(start + 12, 32), 33))
            actual_end = min(month_end(end) + timedelta(days=int(rng.integers(-10, 40))), DEMO_AS_OF)
        elif status == "cancelled":
            start = int(rng.integers(0, 16))
            end = int(rng.integers(start + 12, 36))
            stop = int(rng.integers(start + 4, min(end, 31) + 1))
            extra["stop"] = stop
            actual_end = month_end(stop)
        else:
            start = int(rng.integers(0, 12))
            end = int(rng.integers(34, 36))
            if status == "on_hold":
                extra["stop"] = int(rng.integers(start + 6, 32))
            else:
                kind = str(rng.choice(["normal", "over", "late", "drift"], p=[0.66, 0.12, 0.1, 0.12]))
                if kind == "drift" and (len(funders) < 2 or not all(s is None for _, s in funders)):
                    kind = "normal"
        if kind == "over":
            extra["cost_factor"] = float(rng.uniform(1.18, 1.32))
        elif kind == "late":
            extra["progress_ratio"] = float(rng.uniform(0.55, 0.72))
            extra["cost_factor"] = float(rng.uniform(0.9, 1.0))
            if rng.random() < 0.4:
                end = int(rng.integers(max(start + 10, 26), 32))
                extra["overrun"] = CUTOFF - end
            if rng.random() < 0.3:
                extra["late_start"] = int(rng.integers(1, 4))
        elif kind == "drift":
            low = float(rng.uniform(0.62, 0.74))
            first_dept, second_dept = ("MKT", "IT") if rng.random() < 0.5 else ("IT", "MKT")
            extra["dept_factor"] = ((first_dept, 2 - low), (second_dept, low))
        elif status != "proposed":
            extra["cost_factor"] = float(rng.uniform(0.93, 1.06))
        if status == "active" and rng.random() < 0.02:
            extra["track_progress"] = False
        joint = len(funders) > 1
        if joint and rng.random() < 0.08:
            extra["team_only"] = ("MKT", "IT")[int(rng.integers(2))]
        owner_u = rng.random()
        if owner_u < 0.04:
            extra["owners"] = (
                (("data_processing", ("MKT",)),) if rng.random() < 0.5 else (("customer_database", ("IT",)),)
            )
        elif owner_u < 0.06:
            extra["owners"] = ((AREAS[int(rng.integers(4))][0], ()),)
        elif owner_u < 0.08:
            extra["owners"] = (("data_policy", ("IT", "MKT")),)
        if status in ("active", "done") and rng.random() < 0.3:
            extra["corrections"] = int(rng.integers(1, 3))
        rag, reason = RAG_REASONS[kind]
        if status == "done":
            rag, reason = "green", "Opgeleverd."
        elif status == "on_hold":
            rag, reason = "amber", "On hold in afwachting van een besluit in de stuurgroep."
        elif status == "cancelled":
            rag, reason = None, "Gestopt na herprioritering in de stuurgroep."
        elif status == "proposed":
            rag, reason = None, None
        goals = generated_goals(rng, start, end, status, kind)
        specs.append(
            ProjectSpec(
                code=f"P-{number:03d}",
                name=name,
                goal=goal_text,
                status=status,
                start=start,
                end=end,
                total=total,
                funders=funders,
                rag=rag,
                rag_reason=reason,
                actual_end=actual_end,
                goals=goals,
                **extra,
            )
        )
    return specs


def generated_goals(
    rng: np.random.Generator, start: int, end: int, status: str, kind: str
) -> tuple[GoalSpec, ...]:
    goals: list[GoalSpec] = []
    count = int(rng.integers(1, 4))
    picks = rng.choice(len(GOAL_TEMPLATES), size=count, replace=False)
    for number, pick in enumerate(picks, start=1):
        goal, measure, low, high, decimals = GOAL_TEMPLATES[int(pick)]
        target = round(float(rng.uniform(low, high)), decimals)
        due_month = start + max(3, round((end - start) * number / count))
        due = month_end(due_month)
        value: float | None = None
        reached: date | None = None
        u = rng.random()
        if status in ("cancelled", "proposed"):
            pass
        elif due > DEMO_AS_OF:
            if u < 0.1:
                reached = due - timedelta(days=int(rng.integers(30, 120)))
        elif kind == "late" or status == "on_hold":
            if u < 0.3:
                reached = due + timedelta(days=int(rng.integers(20, 120)))
        elif u < 0.7:
            reached = due - timedelta(days=int(rng.integers(1, 40)))
        elif u < 0.9:
            reached = due + timedelta(days=int(rng.integers(10, 90)))
        if reached is not None and reached > DEMO_AS_OF:
            reached = None
        if reached is not None:
            value = round(target * float(rng.uniform(1.0, 1.12)), decimals)
        goals.append(GoalSpec(f"G{number}", goal, measure, target, due, value, reached))
    return tuple(goals)


def team(
    rng: np.random.Generator, specs: Sequence[ProjectSpec], profile: Profile
) -> list[tuple[str, str, str, float, date, date | None]]:
    numbers = rng.choice(np.arange(10_000, 100_000), size=sum(profile.pool_sizes), replace=False)
    pools: dict[str, list[str]] = {}
    offset = 0
    for (dept, _, _), size in zip(DEPARTMENTS, profile.pool_sizes, strict=True):
        pools[dept] = [f"E-{n}" for n in numbers[offset : offset + size].tolist()]
        offset += size
    fte_choices = np.array([0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0])
    rows: list[tuple[str, str, str, float, date, date | None]] = []
    for spec in specs:
        depts = [spec.team_only] if spec.team_only else [dept for dept, _ in spec.funders]
        last = spec.end
        if spec.actual_end is not None:
            last = month_index(spec.actual_end)
        if spec.stop is not None and spec.status == "cancelled":
            last = spec.stop
        if spec.status == "active":
            last = max(last, CUTOFF)  # late projects keep their team past the planned end
        for dept in depts:
            low, high = profile.members_per_dept
            count = 1 if dept == "FIN" else int(rng.integers(low, high + 1))
            if spec.team_only:
                count += 2  # a one-sided team is not a small team
            people = rng.choice(len(pools[dept]), size=count, replace=False)
            for person in people.tolist():
                start = spec.start + (int(rng.integers(0, 3)) if rng.random() < 0.3 else 0)
                start = min(start, last)
                fte = 0.2 if dept == "FIN" else float(rng.choice(fte_choices))
                open_ended = spec.status in ("active", "on_hold") and rng.random() < 0.25
                end = None if open_ended else month_at(max(last, start))
                rows.append((spec.code, pools[dept][person], dept, fte, month_at(start), end))
    return rows
