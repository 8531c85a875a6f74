"""indexes for the aggregates at production scale (see bench/PLANS.md)

- budget_line (project_id, month, department_id, planned, actual): the budget totals look
  up each project's month range; with the amounts in the index that is an index-only
  range scan instead of one table lookup per line.
- budget_line (month) WHERE actual IS NOT NULL: the last month with actuals (the default
  as-of month) becomes one index seek instead of a scan past every unbooked line.
- survey_response (wave_id, department_id, respondent_ref, item_id, score): the trust sums
  per wave and department read only the index, already ordered by respondent.

Revision ID: 0011
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_budget_line_project_month_amounts",
        "budget_line",
        ["project_id", "month", "department_id", "planned", "actual"],
    )
    op.create_index(
        "ix_budget_line_month_booked",
        "budget_line",
        ["month"],
        sqlite_where=sa.text("actual IS NOT NULL"),
        postgresql_where=sa.text("actual IS NOT NULL"),
    )
    op.create_index(
        "ix_survey_response_wave_dept_respondent",
        "survey_response",
        ["wave_id", "department_id", "respondent_ref", "item_id", "score"],
    )


def downgrade() -> None:
    op.drop_index("ix_survey_response_wave_dept_respondent", table_name="survey_response")
    op.drop_index("ix_budget_line_month_booked", table_name="budget_line")
    op.drop_index("ix_budget_line_project_month_amounts", table_name="budget_line")
