"""Codes up to 40 characters: department, project, goal, survey wave and item (issue 18.5)

Real organisations' ids are often longer than 20 characters. PostgreSQL widens the
VARCHAR in place (no rewrite, no data touched). SQLite never enforces a declared VARCHAR
length, so there is nothing to change in its data; and recreating these tables the batch
way would, with foreign keys enforced (data_access.engine turns them on and SQLite cannot
turn them off inside the migration's transaction), run the implicit DELETE of DROP TABLE
and cascade into budget lines, funding and progress. So SQLite is left as it is.

Revision ID: 0016
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CODE_COLUMNS = (
    ("department", "code"),
    ("project", "code"),
    ("insight_goal", "code"),
    ("survey_wave", "code"),
    ("survey_item", "code"),
)


def _resize(old: int, new: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, column in CODE_COLUMNS:
        op.alter_column(
            table, column, type_=sa.String(new), existing_type=sa.String(old), existing_nullable=False
        )


def upgrade() -> None:
    _resize(20, 40)


def downgrade() -> None:
    _resize(40, 20)
