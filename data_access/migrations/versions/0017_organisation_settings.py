"""organisation_settings: the organisation's name, logo, currency, fiscal year and time zone

One row (id 1), edited on the admin page "Organisation" and audited. A NULL column means
"not set here": the environment or secrets.toml, else the default, applies (issue 18.1).

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "organisation_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column("logo", sa.LargeBinary(), nullable=True),
        sa.Column("logo_media_type", sa.String(length=20), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("fiscal_year_start_month", sa.Integer(), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_organisation_settings_single_row")),
        sa.CheckConstraint(
            "fiscal_year_start_month IS NULL OR fiscal_year_start_month BETWEEN 1 AND 12",
            name=op.f("ck_organisation_settings_fiscal_year_start_month"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_settings")),
    )


def downgrade() -> None:
    op.drop_table("organisation_settings")
