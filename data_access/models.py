"""The data model of DESIGN.md as SQLAlchemy 2 typed models.

Constraints stop bad data at the door: foreign keys, natural unique keys, and checks
(score 1-5, month is the first of a month, amounts finite, shares between 0 and 1).
Departments, cost categories and responsibility areas are rows, never constants.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

PROJECT_STATUSES = ("proposed", "active", "on_hold", "done", "cancelled")
RAG_VALUES = ("green", "amber", "red")
ACTION_STATUSES = ("open", "in_progress", "done", "cancelled")

# Largest absolute amount accepted; it also rejects NaN and infinity on PostgreSQL,
# where NaN sorts above every number.
MAX_AMOUNT = 1_000_000_000_000

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Amount = Numeric(14, 2, asdecimal=False)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _finite(column: str) -> str:
    return f"{column} > -{MAX_AMOUNT} AND {column} < {MAX_AMOUNT}"


def first_of_month_check(column: str, name: str) -> list[CheckConstraint]:
    """A month column holds the first day of a month (checked per dialect)."""
    return [
        CheckConstraint(f"strftime('%d', {column}) = '01'", name=name).ddl_if(dialect="sqlite"),
        CheckConstraint(f"EXTRACT(DAY FROM {column}) = 1", name=name).ddl_if(dialect="postgresql"),
    ]


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_nl: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))


class Project(Base):
    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint(_in("status", PROJECT_STATUSES), name="status"),
        CheckConstraint(f"rag IS NULL OR {_in('rag', RAG_VALUES)}", name="rag"),
        CheckConstraint("planned_end >= planned_start", name="planned_period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    goal: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    planned_start: Mapped[dt.date] = mapped_column(Date)
    planned_end: Mapped[dt.date] = mapped_column(Date)
    actual_end: Mapped[dt.date | None] = mapped_column(Date)
    rag: Mapped[str | None] = mapped_column(String(10))
    rag_reason: Mapped[str | None] = mapped_column(Text)


class Funding(Base):
    """A department's commitment to a project; agreed_share NULL means an equal split."""

    __tablename__ = "funding"
    __table_args__ = (
        UniqueConstraint("project_id", "department_id"),
        CheckConstraint(_finite("committed_amount") + " AND committed_amount >= 0", name="amount"),
        CheckConstraint(
            "agreed_share IS NULL OR (agreed_share >= 0 AND agreed_share <= 1)",
            name="share",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    committed_amount: Mapped[float] = mapped_column(Amount)
    agreed_share: Mapped[float | None] = mapped_column(Numeric(5, 4, asdecimal=False))


class ResponsibilityArea(Base):
    """An area of ownership; expected_department_id is the house rule, kept as data."""

    __tablename__ = "responsibility_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_nl: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    expected_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))


class Ownership(Base):
    """Who is accountable for an area of a project. Two rows for one area is a double owner."""

    __tablename__ = "ownership"
    __table_args__ = (UniqueConstraint("project_id", "area_id", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("responsibility_area.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))


class TeamMember(Base):
    __tablename__ = "team_member"
    __table_args__ = (
        UniqueConstraint("project_id", "person_ref", "start_month"),
        CheckConstraint("fte > 0 AND fte <= 1.5", name="fte"),
        CheckConstraint("end_month IS NULL OR end_month >= start_month", name="period"),
        *first_of_month_check("start_month", "start_month_first"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    person_ref: Mapped[str] = mapped_column(String(40))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    fte: Mapped[float] = mapped_column(Numeric(4, 2, asdecimal=False))
    start_month: Mapped[dt.date] = mapped_column(Date)
    end_month: Mapped[dt.date | None] = mapped_column(Date)


class InsightGoal(Base):
    __tablename__ = "insight_goal"
    __table_args__ = (
        UniqueConstraint("project_id", "code"),
        CheckConstraint(_finite("target_value"), name="target_value"),
        CheckConstraint(
            f"achieved_value IS NULL OR ({_finite('achieved_value')})",
            name="achieved_value",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    goal: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(String(200))
    target_value: Mapped[float] = mapped_column(Numeric(14, 2, asdecimal=False))
    target_date: Mapped[dt.date] = mapped_column(Date)
    achieved_value: Mapped[float | None] = mapped_column(Numeric(14, 2, asdecimal=False))
    achieved_date: Mapped[dt.date | None] = mapped_column(Date)


class CostCategory(Base):
    __tablename__ = "cost_category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_nl: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))


class BudgetLine(Base):
    """Planned and actual spend of one project, month, funding department and cost category.

    actual NULL means nothing booked yet; a negative actual is a correction.
    """

    __tablename__ = "budget_line"
    __table_args__ = (
        UniqueConstraint("project_id", "month", "department_id", "category_id"),
        CheckConstraint(_finite("planned"), name="planned"),
        CheckConstraint(f"actual IS NULL OR ({_finite('actual')})", name="actual"),
        *first_of_month_check("month", "month_first"),
        Index("ix_budget_line_month_dept", "month", "department_id"),
        # Index-only range scans for the totals, and a seek for the last booked month (0011).
        Index(
            "ix_budget_line_project_month_amounts",
            "project_id",
            "month",
            "department_id",
            "planned",
            "actual",
        ),
        Index(
            "ix_budget_line_month_booked",
            "month",
            sqlite_where=text("actual IS NOT NULL"),
            postgresql_where=text("actual IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    month: Mapped[dt.date] = mapped_column(Date)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("cost_category.id"))
    planned: Mapped[float] = mapped_column(Amount)
    actual: Mapped[float | None] = mapped_column(Amount)


class BudgetMonth(Base):
    """Σ planned and Σ actual of the budget lines per project, month and funding department.

    A rollup of budget_line (about 1 row per 12 lines), kept by database triggers on
    budget_line (migration 0012), so every write path (import, demo, SQL by hand) keeps it
    exact. actual is NULL when no line of the group is booked; booked counts the booked
    lines and lines all of them. Queries that do not need the cost category read this
    table instead of budget_line.
    """

    __tablename__ = "budget_month"
    __table_args__ = (Index("ix_budget_month_month_dept", "month", "department_id"),)

    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), primary_key=True)
    planned: Mapped[float] = mapped_column(Numeric(16, 2, asdecimal=False))
    actual: Mapped[float | None] = mapped_column(Numeric(16, 2, asdecimal=False))
    booked: Mapped[int] = mapped_column(Integer)
    lines: Mapped[int] = mapped_column(Integer)


class Progress(Base):
    __tablename__ = "progress"
    __table_args__ = (
        UniqueConstraint("project_id", "month"),
        CheckConstraint("pct_complete >= 0 AND pct_complete <= 100", name="pct"),
        *first_of_month_check("month", "month_first"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    month: Mapped[dt.date] = mapped_column(Date)
    pct_complete: Mapped[float] = mapped_column(Numeric(5, 2, asdecimal=False))


class SurveyWave(Base):
    __tablename__ = "survey_wave"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    fielded_on: Mapped[dt.date] = mapped_column(Date)


class SurveyInvitation(Base):
    __tablename__ = "survey_invitation"
    __table_args__ = (
        UniqueConstraint("wave_id", "department_id"),
        CheckConstraint("invited_count >= 0", name="invited"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    invited_count: Mapped[int] = mapped_column(Integer)


class SurveyDimension(Base):
    """A dimension of the survey instrument (issue 18.6): its code, names and place in lists.

    Items and comments name a dimension by its code: a foreign key on PostgreSQL, a trigger-
    checked reference on SQLite (migration 0018)."""

    __tablename__ = "survey_dimensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_nl: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class SurveyItem(Base):
    __tablename__ = "survey_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    text_nl: Mapped[str] = mapped_column(Text)
    text_en: Mapped[str] = mapped_column(Text)
    dimension: Mapped[str] = mapped_column(ForeignKey("survey_dimensions.code"))
    rated_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    reverse_coded: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyResponse(Base):
    """One answer of a pseudonymous respondent of a department to an item in a wave."""

    __tablename__ = "survey_response"
    __table_args__ = (
        UniqueConstraint("wave_id", "respondent_ref", "item_id"),
        CheckConstraint("score >= 1 AND score <= 5", name="score"),
        Index("ix_survey_response_wave_dept_item", "wave_id", "department_id", "item_id"),
        # Index-only trust sums per wave and department (0011).
        Index(
            "ix_survey_response_wave_dept_respondent",
            "wave_id",
            "department_id",
            "respondent_ref",
            "item_id",
            "score",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id", ondelete="CASCADE"))
    respondent_ref: Mapped[str] = mapped_column(String(40))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_item.id"))
    score: Mapped[int] = mapped_column(Integer)


class SurveyComment(Base):
    __tablename__ = "survey_comment"
    __table_args__ = (UniqueConstraint("wave_id", "respondent_ref", "dimension"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("survey_wave.id", ondelete="CASCADE"))
    respondent_ref: Mapped[str] = mapped_column(String(40))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    dimension: Mapped[str | None] = mapped_column(ForeignKey("survey_dimensions.code"))
    text: Mapped[str] = mapped_column(Text)


class SteeringDecision(Base):
    __tablename__ = "steering_decision"
    __table_args__ = (*first_of_month_check("meeting_month", "meeting_month_first"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_month: Mapped[dt.date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class SteeringAction(Base):
    __tablename__ = "steering_action"
    __table_args__ = (
        CheckConstraint(_in("status", ACTION_STATUSES), name="status"),
        *first_of_month_check("meeting_month", "meeting_month_first"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_month: Mapped[dt.date] = mapped_column(Date, index=True)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("steering_decision.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    owner_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    owner_person: Mapped[str] = mapped_column(String(200))
    due_date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20))
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class AuditLog(Base):
    """Append-only trail of every write: who, when, what, old and new values (JSON)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user_name: Mapped[str] = mapped_column(String(200))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(20))
    old_values: Mapped[str | None] = mapped_column(Text)
    new_values: Mapped[str | None] = mapped_column(Text)


class KpiTarget(Base):
    """One version of a KPI's thresholds, in force from `effective_from` (a first of month)
    until a later version of the same KPI takes over: green at or beyond `green`, amber at or
    beyond `amber`; `low_green`/`low_amber` are the floor of a band (two-sided target).
    Rows are never overwritten, so the table is also the trail of every target change."""

    __tablename__ = "kpi_target"
    __table_args__ = (
        CheckConstraint("direction IN ('higher', 'lower')", name="direction"),
        *first_of_month_check("effective_from", "effective_from_first"),
        Index("ix_kpi_target_kpi_effective", "kpi", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi: Mapped[str] = mapped_column(String(60))
    effective_from: Mapped[dt.date] = mapped_column(Date)
    green: Mapped[float] = mapped_column(Numeric(14, 4, asdecimal=False))
    amber: Mapped[float] = mapped_column(Numeric(14, 4, asdecimal=False))
    low_green: Mapped[float | None] = mapped_column(Numeric(14, 4, asdecimal=False))
    low_amber: Mapped[float | None] = mapped_column(Numeric(14, 4, asdecimal=False))
    direction: Mapped[str] = mapped_column(String(10))
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


# History (migration 0013): every version of ownership, funding, team membership, project
# status and the house rule, valid from `valid_from` up to (not including) `valid_to` (NULL: still current).
# Database triggers on the source tables keep it, so every write path (the importer, edits
# in the app, the demo, SQL by hand) closes the old version and opens a new one in the same
# transaction. A month's state is the versions valid at its close (data_access.history).


class OwnershipHistory(Base):
    __tablename__ = "ownership_history"
    __table_args__ = (Index("ix_ownership_history_valid", "valid_from", "valid_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ownership_id: Mapped[int] = mapped_column(Integer, index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    area_id: Mapped[int] = mapped_column(ForeignKey("responsibility_area.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class FundingHistory(Base):
    __tablename__ = "funding_history"
    __table_args__ = (Index("ix_funding_history_valid", "valid_from", "valid_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    funding_id: Mapped[int] = mapped_column(Integer, index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    committed_amount: Mapped[float] = mapped_column(Amount)
    agreed_share: Mapped[float | None] = mapped_column(Numeric(5, 4, asdecimal=False))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class TeamMemberHistory(Base):
    __tablename__ = "team_member_history"
    __table_args__ = (Index("ix_team_member_history_valid", "valid_from", "valid_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_member_id: Mapped[int] = mapped_column(Integer, index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    person_ref: Mapped[str] = mapped_column(String(40))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    fte: Mapped[float] = mapped_column(Numeric(4, 2, asdecimal=False))
    start_month: Mapped[dt.date] = mapped_column(Date)
    end_month: Mapped[dt.date | None] = mapped_column(Date)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class HouseRuleHistory(Base):
    """The house rule's expected department of a responsibility area, per version."""

    __tablename__ = "house_rule_history"
    __table_args__ = (Index("ix_house_rule_history_valid", "valid_from", "valid_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("responsibility_area.id", ondelete="CASCADE"), index=True)
    expected_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class ProjectStatusHistory(Base):
    __tablename__ = "project_status_history"
    __table_args__ = (Index("ix_project_status_history_valid", "valid_from", "valid_to"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)


class ImportLog(Base):
    __tablename__ = "import_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    user_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(255))
    file_size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(Text)


class SavedScenario(Base):
    __tablename__ = "saved_scenario"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    params: Mapped[str] = mapped_column(Text)


class ImportMapping(Base):
    """A saved column mapping: `mapping` is JSON {template column: file column}; `header_key`
    the file's header set it was made for (see data_access.importer.mapping.header_key)."""

    __tablename__ = "import_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    header_key: Mapped[str] = mapped_column(Text)
    mapping: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AppState(Base):
    """Small key/value settings; `data_version` is bumped by every write so that each
    app process can drop its caches at its next rerun."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class OrganisationSettings(Base):
    """The organisation's settings edited on the admin page (migration 0017): one row (id 1).

    A NULL column is "not set here": the environment or secrets.toml, else the default, applies
    (services.organisation.load_organisation). Every save is in the audit trail."""

    __tablename__ = "organisation_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint(
            "fiscal_year_start_month IS NULL OR fiscal_year_start_month BETWEEN 1 AND 12",
            name="fiscal_year_start_month",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str | None] = mapped_column(String(120))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_media_type: Mapped[str | None] = mapped_column(String(20))
    currency: Mapped[str | None] = mapped_column(String(3))
    fiscal_year_start_month: Mapped[int | None] = mapped_column(Integer)
    time_zone: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(200))


PULSE_STATUSES = ("open", "closed")


class PulseWave(Base):
    """A trust pulse run from the app (migration 0020). While open it is not a survey wave:
    its answers wait in the pending tables, keyed by an HMAC of the person under
    `answer_secret`; closing copies them to survey_response/survey_comment under fresh random
    references, deletes the pending rows and the register, sets the secret to NULL and links
    the new survey wave (data_access.pulse)."""

    __tablename__ = "pulse_wave"
    __table_args__ = (
        CheckConstraint(_in("status", PULSE_STATUSES), name="status"),
        CheckConstraint("closes_on >= opens_on", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date] = mapped_column(Date)
    reminder: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10))
    answer_secret: Mapped[str | None] = mapped_column(String(64))
    survey_wave_id: Mapped[int | None] = mapped_column(ForeignKey("survey_wave.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(200))


class PulseWaveDepartment(Base):
    """A department invited to a pulse wave, with the number of people invited (kept after close)."""

    __tablename__ = "pulse_wave_department"
    __table_args__ = (
        UniqueConstraint("pulse_wave_id", "department_id"),
        CheckConstraint("invited_count >= 0", name="invited"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pulse_wave_id: Mapped[int] = mapped_column(ForeignKey("pulse_wave.id", ondelete="CASCADE"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    invited_count: Mapped[int] = mapped_column(Integer)


class PulseWaveItem(Base):
    """An item of the instrument asked in a pulse wave."""

    __tablename__ = "pulse_wave_item"

    pulse_wave_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_wave.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_item.id"), primary_key=True)


class PulseParticipant(Base):
    """The register for reminders: a person invited to an open wave and a yes/no for answered.

    No timestamp and nothing that refers to an answer; deleted when the wave closes. Without a
    rowid on SQLite, so not even the storage order records when someone answered."""

    __tablename__ = "pulse_participant"
    __table_args__ = ({"sqlite_with_rowid": False},)

    pulse_wave_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_wave.id", ondelete="CASCADE"), primary_key=True
    )
    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    answered: Mapped[bool] = mapped_column(Boolean, default=False)


class PulsePendingAnswer(Base):
    """An answer to an open wave: keyed by HMAC(wave secret, person), never by the person.

    No timestamp, no sequence number (the key is the primary key; no rowid on SQLite), so the
    order of answering is not stored either."""

    __tablename__ = "pulse_pending_answer"
    __table_args__ = (
        CheckConstraint("score >= 1 AND score <= 5", name="score"),
        {"sqlite_with_rowid": False},
    )

    pulse_wave_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_wave.id", ondelete="CASCADE"), primary_key=True
    )
    answer_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_item.id"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    score: Mapped[int] = mapped_column(Integer)


class PulsePendingComment(Base):
    """The optional comment of an answer to an open wave, keyed like PulsePendingAnswer."""

    __tablename__ = "pulse_pending_comment"
    __table_args__ = ({"sqlite_with_rowid": False},)

    pulse_wave_id: Mapped[int] = mapped_column(
        ForeignKey("pulse_wave.id", ondelete="CASCADE"), primary_key=True
    )
    answer_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    text: Mapped[str] = mapped_column(Text)
