"""Trust pulse waves run from the app (issue 21): pulse_wave and its departments and items,
the register for reminders (pulse_participant) and the answers of open waves
(pulse_pending_answer, pulse_pending_comment).

The register and the pending answers have no timestamp and share nothing but the wave and
the department; on SQLite they are WITHOUT ROWID tables, so not even a row number records the
order in which people answered.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _wave_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["pulse_wave_id"],
        ["pulse_wave.id"],
        name=op.f(f"fk_{table}_pulse_wave_id_pulse_wave"),
        ondelete="CASCADE",
    )


def _department_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["department_id"], ["department.id"], name=op.f(f"fk_{table}_department_id_department")
    )


def upgrade() -> None:
    op.create_table(
        "pulse_wave",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("reminder", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("answer_secret", sa.String(length=64), nullable=True),
        sa.Column("survey_wave_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_pulse_wave_status")),
        sa.CheckConstraint("closes_on >= opens_on", name=op.f("ck_pulse_wave_window")),
        sa.ForeignKeyConstraint(
            ["survey_wave_id"],
            ["survey_wave.id"],
            name=op.f("fk_pulse_wave_survey_wave_id_survey_wave"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_wave")),
        sa.UniqueConstraint("code", name=op.f("uq_pulse_wave_code")),
    )
    op.create_table(
        "pulse_wave_department",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pulse_wave_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("invited_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("invited_count >= 0", name=op.f("ck_pulse_wave_department_invited")),
        _wave_fk("pulse_wave_department"),
        _department_fk("pulse_wave_department"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pulse_wave_department")),
        sa.UniqueConstraint(
            "pulse_wave_id", "department_id", name=op.f("uq_pulse_wave_department_pulse_wave_id")
        ),
    )
    op.create_table(
        "pulse_wave_item",
        sa.Column("pulse_wave_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        _wave_fk("pulse_wave_item"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["survey_item.id"], name=op.f("fk_pulse_wave_item_item_id_survey_item")
        ),
        sa.PrimaryKeyConstraint("pulse_wave_id", "item_id", name=op.f("pk_pulse_wave_item")),
    )
    op.create_table(
        "pulse_participant",
        sa.Column("pulse_wave_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        _wave_fk("pulse_participant"),
        _department_fk("pulse_participant"),
        sa.PrimaryKeyConstraint("pulse_wave_id", "email", name=op.f("pk_pulse_participant")),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "pulse_pending_answer",
        sa.Column("pulse_wave_id", sa.Integer(), nullable=False),
        sa.Column("answer_key", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.CheckConstraint("score >= 1 AND score <= 5", name=op.f("ck_pulse_pending_answer_score")),
        _wave_fk("pulse_pending_answer"),
        _department_fk("pulse_pending_answer"),
        sa.ForeignKeyConstraint(
            ["item_id"], ["survey_item.id"], name=op.f("fk_pulse_pending_answer_item_id_survey_item")
        ),
        sa.PrimaryKeyConstraint(
            "pulse_wave_id", "answer_key", "item_id", name=op.f("pk_pulse_pending_answer")
        ),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "pulse_pending_comment",
        sa.Column("pulse_wave_id", sa.Integer(), nullable=False),
        sa.Column("answer_key", sa.String(length=64), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        _wave_fk("pulse_pending_comment"),
        _department_fk("pulse_pending_comment"),
        sa.PrimaryKeyConstraint("pulse_wave_id", "answer_key", name=op.f("pk_pulse_pending_comment")),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    for table in (
        "pulse_pending_comment",
        "pulse_pending_answer",
        "pulse_participant",
        "pulse_wave_item",
        "pulse_wave_department",
        "pulse_wave",
    ):
        op.drop_table(table)
