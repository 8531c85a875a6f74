# ruff: noqa: S608 - DDL from constants in this file only; nothing comes from input.
"""budget_month: Σ planned and Σ actual per project, month and funding department

A rollup of budget_line (1,233,778 lines become 103,324 rows on the production-scale
demo), kept exact by triggers on budget_line, so every write (the importer, the demo,
SQL by hand, a cascade from a deleted project) keeps it in step in the same transaction.
Each trigger recomputes the touched groups from budget_line with the same SUM the
queries used before, so the figures stay identical. SQLite has row triggers only;
PostgreSQL gets statement triggers over transition tables, one recomputation per statement.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_GROUP = "project_id, month, department_id"
_SUMS = "SUM(planned), SUM(actual), COUNT(actual), COUNT(*)"
_COLUMNS = "project_id, month, department_id, planned, actual, booked, lines"


def _sqlite_recompute(row: str) -> str:
    """Statements that recompute the group of `row` (NEW or OLD) in a SQLite trigger."""
    key = f"project_id = {row}.project_id AND month = {row}.month AND department_id = {row}.department_id"
    return (
        f"DELETE FROM budget_month WHERE {key}; "
        f"INSERT INTO budget_month ({_COLUMNS}) SELECT {_GROUP}, {_SUMS} FROM budget_line "
        f"WHERE {key} AND EXISTS (SELECT 1 FROM project WHERE id = {row}.project_id) GROUP BY {_GROUP};"
    )


SQLITE_TRIGGERS = {
    "budget_line_rollup_insert": f"AFTER INSERT ON budget_line BEGIN {_sqlite_recompute('NEW')} END",
    "budget_line_rollup_delete": f"AFTER DELETE ON budget_line BEGIN {_sqlite_recompute('OLD')} END",
    "budget_line_rollup_update": (
        f"AFTER UPDATE ON budget_line BEGIN {_sqlite_recompute('OLD')} {_sqlite_recompute('NEW')} END"
    ),
}


def _pg_recompute(keys: str) -> str:
    """Statements that recompute every group listed in the query `keys` (PostgreSQL)."""
    return f"""
        DELETE FROM budget_month b USING ({keys}) k
         WHERE b.project_id = k.project_id AND b.month = k.month AND b.department_id = k.department_id;
        INSERT INTO budget_month ({_COLUMNS})
        SELECT l.project_id, l.month, l.department_id,
               SUM(l.planned), SUM(l.actual), COUNT(l.actual), COUNT(*)
          FROM budget_line l JOIN ({keys}) k
            ON l.project_id = k.project_id AND l.month = k.month AND l.department_id = k.department_id
         GROUP BY l.project_id, l.month, l.department_id;
    """


_NEW_KEYS = f"SELECT DISTINCT {_GROUP} FROM new_rows"
_OLD_KEYS = f"SELECT DISTINCT {_GROUP} FROM old_rows"
_BOTH_KEYS = f"{_OLD_KEYS} UNION SELECT DISTINCT {_GROUP} FROM new_rows"

PG_FUNCTIONS = {
    "budget_month_after_insert": _pg_recompute(_NEW_KEYS),
    "budget_month_after_delete": _pg_recompute(_OLD_KEYS),
    "budget_month_after_update": _pg_recompute(_BOTH_KEYS),
}
PG_TRIGGERS = {
    "budget_month_after_insert": "AFTER INSERT ON budget_line REFERENCING NEW TABLE AS new_rows",
    "budget_month_after_delete": "AFTER DELETE ON budget_line REFERENCING OLD TABLE AS old_rows",
    "budget_month_after_update": (
        "AFTER UPDATE ON budget_line REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
    ),
}


def upgrade() -> None:
    op.create_table(
        "budget_month",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("planned", sa.Numeric(precision=16, scale=2, asdecimal=False), nullable=False),
        sa.Column("actual", sa.Numeric(precision=16, scale=2, asdecimal=False), nullable=True),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f("fk_budget_month_department_id_department")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_budget_month_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "month", "department_id", name=op.f("pk_budget_month")),
    )
    op.create_index("ix_budget_month_month_dept", "budget_month", ["month", "department_id"])
    op.execute(
        f"INSERT INTO budget_month ({_COLUMNS}) SELECT {_GROUP}, {_SUMS} FROM budget_line GROUP BY {_GROUP}"
    )
    if op.get_bind().dialect.name == "postgresql":
        for name, body in PG_FUNCTIONS.items():
            op.execute(
                f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$"
            )
            op.execute(
                f"CREATE TRIGGER {name} {PG_TRIGGERS[name]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
            )
    else:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in PG_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON budget_line")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_index("ix_budget_month_month_dept", table_name="budget_month")
    op.drop_table("budget_month")
