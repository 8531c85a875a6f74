"""A large organisation generated at test time (issue 18's "Done when"): 60 departments,
1,500 projects, long codes, amounts written as "$1,234,567", a survey; as import files.

Seeded and deterministic; nothing large is committed. The generator keeps the rows it
wrote (`BigOrg`), so a test can compute every figure independently of the app.

Parameters follow what an organisation may differ in: `currency` (ISO code, only what the
pages should say), `fiscal_year_start` (month 1-12: the plan covers the fiscal year that
holds `as_of`), `dimensions` (the survey instrument's dimension codes) and `reference_case`
("lower" writes every code in the referencing files in lower case).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from domain.months import add_months, months_between

FIVE_DIMENSIONS = ("ability", "benevolence", "integrity", "communication", "strategy")
STATUSES = ("active",) * 14 + ("proposed",) * 2 + ("on_hold",) + ("done",) * 2 + ("cancelled",)
CATEGORIES = (
    ("people", "Personeel", "People"),
    ("licences", "Licenties", "Licences"),
    ("services", "Diensten", "Services"),
)
SURVEY_ITEMS_PER_DIMENSION = 2
RESPONDENTS_PER_DEPARTMENT = 6  # above the default minimum group of 5
SMALL_DEPARTMENT_RESPONDENTS = 3  # one department below it: hidden in every total


def money(amount: int, prefix: str) -> str:
    """`1234567` -> "$1,234,567" (whole currency units, grouped with commas)."""
    return f"{prefix}{amount:,}"


def _long_code(prefix: str, number: int, rng: random.Random) -> str:
    """An upper-case code of 30-40 characters, unique by its number."""
    body = f"{prefix}-{number:05d}-"
    length = rng.randint(30, 40)
    filler = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(length - len(body)))
    return body + filler


@dataclass
class BigOrg:
    """The generated organisation: rows per import kind (as dicts of typed values) and the files."""

    as_of: dt.date
    fiscal_year_start: dt.date
    currency: str
    dimensions: tuple[str, ...]
    departments: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    funding: list[dict] = field(default_factory=list)
    plan: list[dict] = field(default_factory=list)
    actuals: list[dict] = field(default_factory=list)
    progress: list[dict] = field(default_factory=list)
    waves: list[dict] = field(default_factory=list)
    invitations: list[dict] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    responses: list[dict] = field(default_factory=list)

    @property
    def plan_months(self) -> list[dt.date]:
        return months_between(self.fiscal_year_start, add_months(self.fiscal_year_start, 11))

    @property
    def rated(self) -> tuple[str, str]:
        """The two departments the survey is about (the 'marketing' and 'IT' of this organisation)."""
        return self.departments[0]["code"], self.departments[1]["code"]


def generate(
    *,
    seed: int = 18,
    departments: int = 60,
    projects: int = 1_500,
    as_of: dt.date = dt.date(2026, 9, 1),
    fiscal_year_start: int = 1,
    currency: str = "EUR",
    dimensions: tuple[str, ...] = FIVE_DIMENSIONS,
) -> BigOrg:
    """The organisation's rows (see BigOrg), deterministic for a seed."""
    rng = random.Random(seed)
    fy_year = as_of.year if as_of.month >= fiscal_year_start else as_of.year - 1
    org = BigOrg(
        as_of=as_of,
        fiscal_year_start=dt.date(fy_year, fiscal_year_start, 1),
        currency=currency,
        dimensions=tuple(dimensions),
    )
    for number in range(1, departments + 1):
        code = _long_code("DEPT", number, rng)
        org.departments.append(
            {
                "code": code,
                "name_nl": f"Directie {number:02d} beleid",
                "name_en": f"Directorate {number:02d} policy",
            }
        )
    dept_codes = [d["code"] for d in org.departments]
    months = org.plan_months
    actual_months = [m for m in months if m <= as_of]
    for number in range(1, projects + 1):
        code = _long_code("PRJ", number, rng)
        status = rng.choice(STATUSES)
        start = add_months(org.fiscal_year_start, -rng.randint(0, 6))
        end = add_months(org.fiscal_year_start, rng.randint(11, 20))
        org.projects.append(
            {
                "code": code,
                "name": f"Project {number:04d}",
                "status": status,
                "planned_start": start,
                "planned_end": end - dt.timedelta(days=1),
            }
        )
        funders = rng.sample(dept_codes, 2 if rng.random() < 0.6 else 1)
        shares = [1.0] if len(funders) == 1 else [0.5, 0.5] if rng.random() < 0.7 else [0.6, 0.4]
        category = rng.choice(CATEGORIES)[0]
        for funder, share in zip(funders, shares, strict=True):
            monthly = rng.randint(2, 400) * 1_000
            org.funding.append(
                {
                    "project": code,
                    "department": funder,
                    "committed_amount": monthly * 12,
                    "agreed_share": share,
                }
            )
            for month in months:
                planned = monthly + rng.randint(-50, 50) * 10
                org.plan.append(
                    {
                        "project": code,
                        "month": month,
                        "department": funder,
                        "category": category,
                        "planned": planned,
                    }
                )
                if month in actual_months and status != "proposed":
                    actual = round(planned * rng.uniform(0.7, 1.3))
                    org.actuals.append(
                        {
                            "project": code,
                            "month": month,
                            "department": funder,
                            "category": category,
                            "actual": actual,
                        }
                    )
        if status != "proposed":
            org.progress.append({"project": code, "month": as_of, "pct_complete": rng.randint(5, 95)})
    wave = {
        "code": "PULSE-" + "2026-Q3-" + "X" * 20,
        "name": "Pulse 2026 Q3",
        "fielded_on": as_of + dt.timedelta(days=9),
    }
    org.waves.append(wave)
    rated = org.rated
    raters = dept_codes[:12]
    for number, dimension in enumerate(org.dimensions):
        for other in range(SURVEY_ITEMS_PER_DIMENSION):
            for target in rated:
                item = f"ITEM-{dimension.upper()}-{other}-{dept_codes.index(target):02d}-LONGER-CODE"[:40]
                org.items.append(
                    {
                        "code": item,
                        "text_nl": f"Stelling {number}.{other} over de andere afdeling",
                        "text_en": f"Statement {number}.{other} about the other department",
                        "dimension": dimension,
                        "rated_department": target,
                        "reverse_coded": other == 1,
                    }
                )
    for index, rater in enumerate(raters):
        count = SMALL_DEPARTMENT_RESPONDENTS if index == len(raters) - 1 else RESPONDENTS_PER_DEPARTMENT
        org.invitations.append({"wave": wave["code"], "department": rater, "invited_count": count + 4})
        for respondent in range(count):
            ref = f"R-{index:02d}-{respondent:02d}"
            for item in org.items:
                if item["rated_department"] == rater:
                    continue  # nobody rates their own department
                org.responses.append(
                    {
                        "wave": wave["code"],
                        "respondent_ref": ref,
                        "department": rater,
                        "item": item["code"],
                        "score": rng.randint(1, 5),
                    }
                )
    return org


def _cell(value: object, prefix: str, column: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m") if column == "month" else value.isoformat()
    if column in ("committed_amount", "planned", "actual") and isinstance(value, int):
        return money(value, prefix)
    return str(value)


REFERENCE_COLUMNS = ("project", "department", "rated_department", "wave", "item")


def csv_text(rows: list[dict], *, prefix: str = "$", reference_case: str = "as_defined") -> str:
    """Rows as a CSV file (comma separated, amounts like "$1,234,567"; references in lower
    case when `reference_case` is "lower")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    columns = list(rows[0])
    writer.writerow(columns)
    for row in rows:
        cells = [_cell(row[c], prefix, c) for c in columns]
        if reference_case == "lower":
            cells = [
                cell.lower() if c in REFERENCE_COLUMNS else cell
                for c, cell in zip(columns, cells, strict=True)
            ]
        writer.writerow(cells)
    return buffer.getvalue()


def dimension_rows(org: BigOrg, columns: tuple[str, ...]) -> list[dict]:
    """The survey instrument's dimensions for a `survey_dimensions` file with `columns`:
    the code, a name per language, and the order (any column named like order or position)."""
    rows = []
    for position, code in enumerate(org.dimensions, start=1):
        row: dict[str, object] = {}
        for column in columns:
            if column == "code":
                row[column] = code
            elif column.startswith("name"):
                row[column] = code.capitalize()
            elif "order" in column or "position" in column:
                row[column] = position
            else:
                row[column] = ""
        rows.append(row)
    return rows


IMPORT_ORDER = (
    ("departments", "departments"),
    ("cost_categories", None),
    ("projects", "projects"),
    ("funding", "funding"),
    ("budget_plan", "plan"),
    ("budget_actuals", "actuals"),
    ("progress", "progress"),
    ("survey_waves", "waves"),
    ("survey_invitations", "invitations"),
    ("survey_items", "items"),
    ("survey_responses", "responses"),
)


def write_files(
    org: BigOrg, folder: Path, *, prefix: str = "$", reference_case: str = "as_defined"
) -> list[tuple[str, Path]]:
    """The import files in dependency order: (kind, path) pairs. A `survey_dimensions` file
    (code, names, order) comes before the items when that import kind exists."""
    from data_access.importer.schema import KINDS

    files: list[tuple[str, Path]] = []
    for kind, attribute in IMPORT_ORDER:
        if kind == "survey_items" and "survey_dimensions" in KINDS:
            path = folder / "survey_dimensions.csv"
            path.write_text(
                csv_text(dimension_rows(org, KINDS["survey_dimensions"].column_names)), encoding="utf-8"
            )
            files.append(("survey_dimensions", path))
        if attribute is None:
            rows = [{"code": c, "name_nl": nl, "name_en": en} for c, nl, en in CATEGORIES]
        else:
            rows = getattr(org, attribute)
        path = folder / f"{kind}.csv"
        path.write_text(csv_text(rows, prefix=prefix, reference_case=reference_case), encoding="utf-8")
        files.append((kind, path))
    return files
