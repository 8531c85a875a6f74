# ruff: noqa: S608 - DDL from constants in this file only; nothing comes from input.
"""The survey instrument as data (issue 18.6): a survey_dimensions table

- survey_dimensions (id, code, name_nl, name_en, sort_order), seeded with the five
  dimensions the app had as a fixed list, their names as the message catalogues had them,
  and any other dimension an item or comment already names (its code as its name).
- survey_item.dimension and survey_comment.dimension refer to survey_dimensions.code: a
  foreign key on PostgreSQL. On SQLite, adding a foreign key means recreating the table,
  whose implicit DELETE would run into survey_response's foreign key (see 0016); so there
  triggers check the reference instead: an item or comment naming an unknown dimension, or
  removing or renaming a dimension still named, is refused (ABORT).

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEED = (
    ("ability", "Bekwaamheid", "Ability", 1),
    ("benevolence", "Welwillendheid", "Benevolence", 2),
    ("integrity", "Integriteit", "Integrity", 3),
    ("communication", "Communicatie", "Communication", 4),
    ("strategy", "Betrokkenheid bij strategie", "Involvement in strategy", 5),
)
REFERRING = ("survey_item", "survey_comment")
UNKNOWN = "survey dimension unknown"
IN_USE = "survey dimension in use"


def _sqlite_triggers() -> list[str]:
    statements = []
    for table in REFERRING:
        for event in ("INSERT", "UPDATE OF dimension"):
            name = f"{table}_dimension_{event.split()[0].lower()}"
            statements.append(
                f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
                "WHEN NEW.dimension IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM survey_dimensions WHERE code = NEW.dimension) "
                f"BEGIN SELECT RAISE(ABORT, '{UNKNOWN}'); END"
            )
    for event in ("DELETE", "UPDATE OF code"):
        name = f"survey_dimensions_{event.split()[0].lower()}"
        changed = "" if event == "DELETE" else "NEW.code <> OLD.code AND "
        statements.append(
            f"CREATE TRIGGER {name} BEFORE {event} ON survey_dimensions WHEN {changed}("
            + " OR ".join(f"EXISTS (SELECT 1 FROM {t} WHERE dimension = OLD.code)" for t in REFERRING)
            + f") BEGIN SELECT RAISE(ABORT, '{IN_USE}'); END"
        )
    return statements


def _trigger_names() -> list[str]:
    names = [f"{t}_dimension_{e}" for t in REFERRING for e in ("insert", "update")]
    return names + ["survey_dimensions_delete", "survey_dimensions_update"]


def upgrade() -> None:
    table = op.create_table(
        "survey_dimensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_nl", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_dimensions")),
        sa.UniqueConstraint("code", name=op.f("uq_survey_dimensions_code")),
    )
    rows = [{"code": c, "name_nl": nl, "name_en": en, "sort_order": o} for c, nl, en, o in SEED]
    bind = op.get_bind()
    known = {c for c, *_ in SEED}
    dimension = sa.column("dimension")
    used = sorted(
        {
            code
            for t in REFERRING
            for (code,) in bind.execute(
                sa.select(dimension).distinct().select_from(sa.table(t)).where(dimension.is_not(None))
            )
        }
        - known
    )
    rows += [
        {"code": code, "name_nl": code, "name_en": code, "sort_order": len(SEED) + n}
        for n, code in enumerate(used, start=1)
    ]
    op.bulk_insert(table, rows)
    if bind.dialect.name == "sqlite":
        for statement in _sqlite_triggers():
            op.execute(statement)
        return
    for t in REFERRING:
        op.create_foreign_key(
            op.f(f"fk_{t}_dimension_survey_dimensions"), t, "survey_dimensions", ["dimension"], ["code"]
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in _trigger_names():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for t in REFERRING:
            op.drop_constraint(op.f(f"fk_{t}_dimension_survey_dimensions"), t, type_="foreignkey")
    op.drop_table("survey_dimensions")
