"""Every row of the demo in memory, deterministically: one independent random stream per
part of the data (numpy's PCG64 seeded with [seed, part]), so changing one part never
shifts another. No database involved."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from data_access.demo.budget_lines import Lines, project_budget, project_progress
from data_access.demo.fixtures import AREAS, CATEGORIES, DEMO_PROJECTS
from data_access.demo.portfolio import generated_specs, team
from data_access.demo.specs import ProjectSpec, profile_of
from data_access.demo.survey import survey
from data_access.demo.timeline import DEFAULT_SEED, MONTHS


@dataclass
class DemoData:
    """All generated rows, with natural keys (codes) instead of database ids."""

    categories: list[tuple[str, str, str]]
    projects: list[ProjectSpec]
    funding: list[tuple[str, str, float, float | None]]
    ownership: list[tuple[str, str, str]]
    team: list[tuple[str, str, str, float, date, date | None]]
    lines: dict[str, np.ndarray]
    progress: list[tuple[str, date, float]]
    invitations: list[tuple[str, str, int]]
    items: list[dict[str, Any]]
    responses: dict[str, np.ndarray]  # wave, respondent number, dept, item, score
    respondent_refs: list[str]
    comments: list[tuple[str, str, str, str, str]]


def _rng(seed: int, part: int) -> np.random.Generator:
    return np.random.default_rng([seed, part])


def build_demo_data(
    *, scale: str = "demo", seed: int = DEFAULT_SEED, n_projects: int | None = None
) -> DemoData:
    """Generate every row in memory, deterministically; no database involved."""
    profile = profile_of(scale, n_projects, len(CATEGORIES))
    specs = list(DEMO_PROJECTS)
    if profile.n_projects > len(specs):
        specs += generated_specs(_rng(seed, 1), len(specs) + 1, profile.n_projects - len(specs))

    budget_rng = _rng(seed, 2)
    progress_rng = _rng(seed, 3)
    lines = Lines()
    funding: list[tuple[str, str, float, float | None]] = []
    progress: list[tuple[str, date, float]] = []
    for index, spec in enumerate(specs):
        first_line = len(lines.project)
        committed = project_budget(spec, index, budget_rng, profile.n_categories, lines)
        for dept, share in spec.funders:
            funding.append((spec.code, dept, committed[dept], share))
        if len(lines.project) > first_line:
            planned = np.concatenate(lines.planned[first_line:])
            months = np.concatenate(lines.month[first_line:])
            in_plan = months <= spec.end
            by_month = np.bincount(months[in_plan] - spec.start, weights=planned[in_plan])
            for month, pct in project_progress(spec, progress_rng, by_month):
                progress.append((spec.code, MONTHS[month], pct))

    ownership: list[tuple[str, str, str]] = []
    for spec in specs:
        overrides = dict(spec.owners)
        for area, _, _, expected in AREAS:
            for dept in overrides.get(area, (expected,)):
                ownership.append((spec.code, area, dept))

    members = team(_rng(seed, 4), specs, profile)
    invitations, items, responses, refs, comments = survey(_rng(seed, 5), profile)
    categories = [(code, nl, en) for code, nl, en, _ in CATEGORIES[: profile.n_categories]]
    return DemoData(
        categories,
        specs,
        funding,
        ownership,
        members,
        lines.concat(),
        progress,
        invitations,
        items,
        responses,
        refs,
        comments,
    )
