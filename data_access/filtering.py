"""WHERE clauses for the global filters, shared by every query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select

from data_access.models import Department, Funding, Project
from domain.filters import Filters


def project_conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """Conditions on Project for the status and project filters."""
    conditions: list[ColumnElement[bool]] = []
    if filters.statuses:
        conditions.append(Project.status.in_(filters.statuses))
    if filters.projects:
        conditions.append(Project.code.in_(filters.projects))
    return conditions


def funded_by_selected(filters: Filters) -> list[ColumnElement[bool]]:
    """A project qualifies when at least one selected department funds it (all when none chosen)."""
    if not filters.departments:
        return []
    funded = (
        select(Funding.id)
        .join(Department, Department.id == Funding.department_id)
        .where(Funding.project_id == Project.id, Department.code.in_(filters.departments))
    )
    return [exists(funded)]


def department_condition(department_id_column: Any, filters: Filters) -> list[ColumnElement[bool]]:
    """A condition that the department in `department_id_column` is one of the selected ones."""
    if not filters.departments:
        return []
    chosen = select(Department.id).where(Department.code.in_(filters.departments))
    return [department_id_column.in_(chosen.scalar_subquery())]


def all_of(conditions: list[ColumnElement[bool]]) -> ColumnElement[bool]:
    return and_(True, *conditions)
