"""The demo's literal data, read once from the TOML files in fixture_data/.

reference.toml: departments, cost categories, responsibility areas; projects.toml: the 25
hand-written projects; planted.toml: which of them carry each planted problem;
generated.toml: building blocks of the large scale's generated projects; survey.toml: the
trust survey; steering.toml: the steering log.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from data_access.demo.specs import GoalSpec, ProjectSpec
from data_access.demo.timeline import parse_month

FIXTURE_DIR = Path(__file__).resolve().parent / "fixture_data"


def load(name: str) -> dict[str, Any]:
    with (FIXTURE_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def _nullable(value: Any) -> Any:
    """`false` in the data stands for no value (TOML has no null)."""
    return None if value is False else value


def _goal(row: dict[str, Any]) -> GoalSpec:
    return GoalSpec(
        row["code"],
        row["goal"],
        row["measure"],
        row["target"],
        row["due"],
        row.get("value"),
        row.get("reached"),
    )


PROJECT_OPTIONS = (
    "actual_end",
    "cost_factor",
    "progress_ratio",
    "late_start",
    "stop",
    "overrun",
    "track_progress",
    "team_only",
    "corrections",
)


def _project(row: dict[str, Any]) -> ProjectSpec:
    shares = row.get("shares", [None] * len(row["funders"]))
    options: dict[str, Any] = {name: row[name] for name in PROJECT_OPTIONS if name in row}
    options |= {name: _nullable(row[name]) for name in ("rag", "rag_reason") if name in row}
    if "dept_factor" in row:
        options["dept_factor"] = tuple(row["dept_factor"].items())
    if "owners" in row:
        options["owners"] = tuple((area, tuple(depts)) for area, depts in row["owners"].items())
    return ProjectSpec(
        row["code"],
        row["name"],
        row["goal"],
        row["status"],
        parse_month(row["start"]),
        parse_month(row["end"]),
        row["total"],
        tuple(zip(row["funders"], shares, strict=True)),
        goals=tuple(_goal(goal) for goal in row.get("goals", ())),
        **options,
    )


_reference = load("reference")
DEPARTMENTS: tuple[tuple[str, str, str], ...] = tuple(
    (row["code"], row["name_nl"], row["name_en"]) for row in _reference["departments"]
)
DEPT_INDEX = {code: i for i, (code, _, _) in enumerate(DEPARTMENTS)}
# code, NL, EN, relative weight for MKT, IT, FIN
CATEGORIES: tuple[tuple[str, str, str, tuple[float, float, float]], ...] = tuple(
    (row["code"], row["name_nl"], row["name_en"], tuple(row["weights"]))
    for row in _reference["cost_categories"]
)
AREAS: tuple[tuple[str, str, str, str], ...] = tuple(
    (row["code"], row["name_nl"], row["name_en"], row["expected_department"])
    for row in _reference["responsibility_areas"]
)

DEMO_PROJECTS: tuple[ProjectSpec, ...] = tuple(_project(row) for row in load("projects")["projects"])
DEMO_PLANTED: dict[str, tuple[str, ...]] = {
    feature: tuple(codes) for feature, codes in load("planted").items()
}

_generated = load("generated")
THEMES: tuple[tuple[str, str], ...] = tuple((theme, goal) for theme, goal in _generated["themes"])
QUALIFIERS: tuple[str, ...] = tuple(_generated["qualifiers"])
GOAL_TEMPLATES: tuple[tuple[str, str, float, float, int], ...] = tuple(
    (goal, measure, low, high, decimals)
    for goal, measure, low, high, decimals in _generated["goal_templates"]
)
RAG_REASONS: dict[str, tuple[str, str]] = {
    kind: (rag, reason) for kind, (rag, reason) in _generated["rag_reasons"].items()
}

_survey = load("survey")
WAVES: tuple[tuple[str, str, date], ...] = tuple(
    (row["code"], row["name"], row["fielded_on"]) for row in _survey["waves"]
)
INVITED: dict[str, tuple[int, ...]] = {dept: tuple(n) for dept, n in _survey["invited"].items()}
RESPONDING: dict[str, tuple[int, ...]] = {dept: tuple(n) for dept, n in _survey["responding"].items()}
# The demo instrument: the five dimensions migration 0018 seeds (the database holds them).
SURVEY_DIMENSIONS: tuple[str, ...] = tuple(_survey["dimensions"])
DIM_CODES: dict[str, str] = dict(_survey["dimension_codes"])
RATED: tuple[str, ...] = tuple(_survey["rated"])
RATED_NAMES: dict[str, tuple[str, str]] = {
    dept: (nl, en) for dept, (nl, en) in _survey["rated_names"].items()
}
# (NL, EN) per dimension; the third item of each set is phrased negatively (reverse-coded).
ITEM_TEXTS: dict[str, tuple[tuple[str, str], ...]] = {
    dimension: tuple((nl, en) for nl, en in texts) for dimension, texts in _survey["item_texts"].items()
}
# per rater department, per wave: (dimension, text) of its respondents' comments
COMMENTS: dict[str, tuple[tuple[tuple[str, str], ...], ...]] = {
    dept: tuple(tuple((dim, text) for dim, text in wave) for wave in waves)
    for dept, waves in _survey["comments"].items()
}

_steering = load("steering")
MEETINGS: dict[str, datetime] = dict(_steering["meetings"])
# action: (title, department, owner, due, status, closed_on)
ActionSpec = tuple[str, str, str, date, str, date | None]
# meeting month ("YYYY-MM"), project code or None, title, description, actions
STEERING: tuple[tuple[str, str | None, str, str, tuple[ActionSpec, ...]], ...] = tuple(
    (
        row["meeting"],
        row.get("project"),
        row["title"],
        row["description"],
        tuple(
            (a["title"], a["department"], a["owner"], a["due"], a["status"], a.get("closed_on"))
            for a in row["actions"]
        ),
    )
    for row in _steering["decisions"]
)
