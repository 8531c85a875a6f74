"""What a demo project is made of (ProjectSpec, GoalSpec) and the size knobs of a scale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from data_access.demo.timeline import LARGE_LINES_PER_PROJECT, LARGE_N_PROJECTS, SCALES

ON_PLAN = "Op schema en binnen budget."
JOINT: tuple[tuple[str, float | None], ...] = (("MKT", None), ("IT", None))


@dataclass(frozen=True)
class GoalSpec:
    code: str
    goal: str
    measure: str
    target_value: float
    target_date: date
    achieved_value: float | None = None
    achieved_date: date | None = None


@dataclass(frozen=True)
class ProjectSpec:
    """Everything needed to generate one project's rows."""

    code: str
    name: str
    goal: str
    status: str
    start: int  # month index of planned start (may lie beyond the plan horizon)
    end: int  # month index of planned end
    total: float  # budget at completion in euros
    funders: tuple[tuple[str, float | None], ...]
    rag: str | None = "green"
    rag_reason: str | None = ON_PLAN
    actual_end: date | None = None
    cost_factor: float = 1.0  # actual / planned
    dept_factor: tuple[tuple[str, float], ...] = ()  # funding drift: per-department multiplier
    progress_ratio: float = 1.0  # achieved / planned progress
    late_start: int = 0  # months of plan without any booking at the start
    stop: int | None = None  # last month with real activity (on hold, cancelled)
    overrun: int = 0  # months after planned end with actuals but no plan
    track_progress: bool = True
    owners: tuple[tuple[str, tuple[str, ...]], ...] = ()  # area -> departments (overrides)
    team_only: str | None = None  # joint project staffed from this department only
    corrections: int = 0  # credit notes (negative actuals)
    goals: tuple[GoalSpec, ...] = ()

    @property
    def equal_split(self) -> bool:
        return all(share is None for _, share in self.funders)

    def shares(self) -> dict[str, float]:
        if self.equal_split:
            return {dept: 1 / len(self.funders) for dept, _ in self.funders}
        return {dept: float(share or 0.0) for dept, share in self.funders}


@dataclass(frozen=True)
class Profile:
    """Size knobs of a scale."""

    n_projects: int
    n_categories: int
    survey_factor: float  # respondents per group relative to the demo
    members_per_dept: tuple[int, int]
    pool_sizes: tuple[int, int, int]  # employees of MKT, IT, FIN


def profile_of(scale: str, n_projects: int | None, all_categories: int) -> Profile:
    if scale == "demo":
        if n_projects is not None and n_projects != 25:
            raise ValueError("the demo scale has exactly 25 projects; use scale='large' with n_projects")
        return Profile(25, 4, 1.0, (2, 4), (40, 55, 8))
    if scale == "large":
        n = LARGE_N_PROJECTS if n_projects is None else n_projects
        if n < 25:
            raise ValueError("the large scale needs at least 25 projects")
        # 21.2 respondents per demo respondent give about 200,000 answers at 2,000 projects.
        factor = max(1.0, 21.2 * n / LARGE_N_PROJECTS)
        pools = (max(40, n // 3), max(55, n // 2), max(8, n // 40))
        return Profile(n, all_categories, factor, (2, 5), pools)
    raise ValueError(f"unknown scale {scale!r}; choose one of {', '.join(SCALES)}")


def projects_for_budget_lines(target: int) -> int:
    """Projects of the large profile that give about `target` budget lines (at least 25)."""
    return max(25, round(target / LARGE_LINES_PER_PROJECT))
