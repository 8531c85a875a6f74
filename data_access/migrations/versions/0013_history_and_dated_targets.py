# ruff: noqa: S608 - DDL from constants in this file only; nothing comes from input.
"""history of ownership, funding, team membership and project status; effective-dated targets

- ownership_history, funding_history, team_member_history, project_status_history and
  house_rule_history (the accountable department a responsibility area expects): every
  version of a row with valid_from and valid_to (NULL: current). Triggers on the source
  tables keep them (SQLite and PostgreSQL row triggers): an insert opens a version from
  today, a change closes the current version today and opens a new one, a delete closes
  it. So the importer, every edit in the app and SQL by hand all keep the history.
- Rows that exist at upgrade get one version valid from the earliest month of data (the
  earliest planned start, budget month or team start), and app_state "history_start"
  records the upgrade date: before it, the history is that assumed starting state.
- kpi_target becomes effective-dated: one row per version (id, kpi, effective_from, green,
  amber, low_green, low_amber, ...), never overwritten. A target set before this revision
  takes effect from the month it was set in.

Revision ID: 0013
Revises: 0012
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY_START_KEY = "history_start"

# source table -> (history table, column naming the source row, value columns)
HISTORY: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "ownership": ("ownership_history", "ownership_id", ("project_id", "area_id", "department_id")),
    "funding": (
        "funding_history",
        "funding_id",
        ("project_id", "department_id", "committed_amount", "agreed_share"),
    ),
    "team_member": (
        "team_member_history",
        "team_member_id",
        ("project_id", "person_ref", "department_id", "fte", "start_month", "end_month"),
    ),
    "project": ("project_status_history", "project_id", ("status",)),
    "responsibility_area": ("house_rule_history", "area_id", ("expected_department_id",)),
}


def _insert_version(source: str, row: str) -> str:
    history, ref, values = HISTORY[source]
    columns = (ref, *(v for v in values if v != ref))
    selected = ("id", *(v for v in values if v != ref))
    return (
        f"INSERT INTO {history} ({', '.join(columns)}, valid_from) "
        f"VALUES ({', '.join(f'{row}.{c}' for c in selected)}, CURRENT_DATE);"
    )


def _close_version(source: str, row: str) -> str:
    history, ref, _ = HISTORY[source]
    return f"UPDATE {history} SET valid_to = CURRENT_DATE WHERE {ref} = {row}.id AND valid_to IS NULL;"


def _changed(source: str, distinct: str) -> str:
    _, _, values = HISTORY[source]
    return " OR ".join(f"OLD.{v} {distinct} NEW.{v}" for v in values)


def _create_history_tables() -> None:
    def valid() -> list[sa.Column]:
        return [
            sa.Column("valid_from", sa.Date(), nullable=False),
            sa.Column("valid_to", sa.Date(), nullable=True),
        ]

    def project_fk(table: str) -> sa.ForeignKeyConstraint:
        return sa.ForeignKeyConstraint(
            ["project_id"], ["project.id"], name=op.f(f"fk_{table}_project_id_project"), ondelete="CASCADE"
        )

    def department_fk(table: str) -> sa.ForeignKeyConstraint:
        return sa.ForeignKeyConstraint(
            ["department_id"], ["department.id"], name=op.f(f"fk_{table}_department_id_department")
        )

    op.create_table(
        "ownership_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ownership_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        *valid(),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["responsibility_area.id"],
            name=op.f("fk_ownership_history_area_id_responsibility_area"),
        ),
        department_fk("ownership_history"),
        project_fk("ownership_history"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ownership_history")),
    )
    op.create_table(
        "funding_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("funding_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("committed_amount", sa.Numeric(precision=14, scale=2, asdecimal=False), nullable=False),
        sa.Column("agreed_share", sa.Numeric(precision=5, scale=4, asdecimal=False), nullable=True),
        *valid(),
        department_fk("funding_history"),
        project_fk("funding_history"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_funding_history")),
    )
    op.create_table(
        "team_member_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_member_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("person_ref", sa.String(length=40), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("fte", sa.Numeric(precision=4, scale=2, asdecimal=False), nullable=False),
        sa.Column("start_month", sa.Date(), nullable=False),
        sa.Column("end_month", sa.Date(), nullable=True),
        *valid(),
        department_fk("team_member_history"),
        project_fk("team_member_history"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_member_history")),
    )
    op.create_table(
        "project_status_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        *valid(),
        project_fk("project_status_history"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_status_history")),
    )
    op.create_table(
        "house_rule_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("expected_department_id", sa.Integer(), nullable=True),
        *valid(),
        sa.ForeignKeyConstraint(
            ["area_id"],
            ["responsibility_area.id"],
            name=op.f("fk_house_rule_history_area_id_responsibility_area"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["expected_department_id"],
            ["department.id"],
            name=op.f("fk_house_rule_history_expected_department_id_department"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_house_rule_history")),
    )
    for history, ref, _ in HISTORY.values():
        op.create_index(f"ix_{history}_valid", history, ["valid_from", "valid_to"])
        op.create_index(op.f(f"ix_{history}_{ref}"), history, [ref])


def _backfill() -> None:
    """One version per existing row, valid from the earliest month of data; history starts today."""
    bind = op.get_bind()
    start = bind.execute(
        sa.text(
            "SELECT MIN(d) FROM (SELECT MIN(planned_start) AS d FROM project "
            "UNION ALL SELECT MIN(month) FROM budget_month "
            "UNION ALL SELECT MIN(start_month) FROM team_member) AS firsts"
        )
    ).scalar()
    if start is None:
        return
    for source, (history, ref, values) in HISTORY.items():
        columns = (ref, *(v for v in values if v != ref))
        selected = ("id", *(v for v in values if v != ref))
        bind.execute(
            sa.text(
                f"INSERT INTO {history} ({', '.join(columns)}, valid_from) "
                f"SELECT {', '.join(selected)}, :start FROM {source}"
            ).bindparams(sa.bindparam("start", type_=sa.Date())),
            {"start": dt.date.fromisoformat(str(start)[:10])},
        )
    recorded = bind.execute(
        sa.text("SELECT 1 FROM app_state WHERE key = :key"), {"key": HISTORY_START_KEY}
    ).first()
    if recorded is None:  # a database restored with its own history start keeps it
        bind.execute(
            sa.text("INSERT INTO app_state (key, value) VALUES (:key, :value)"),
            {"key": HISTORY_START_KEY, "value": _today(bind)},
        )


def _today(bind: sa.Connection) -> str:
    value = bind.execute(sa.text("SELECT CURRENT_DATE")).scalar()
    return str(value)[:10]


def _create_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for source in HISTORY:
            function = f"{source}_keep_history"
            body = (
                f"IF TG_OP IN ('UPDATE', 'DELETE') THEN {_close_version(source, 'OLD')} END IF; "
                f"IF TG_OP IN ('INSERT', 'UPDATE') THEN {_insert_version(source, 'NEW')} END IF; "
                "RETURN NULL;"
            )
            op.execute(
                f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$"
            )
            op.execute(
                f"CREATE TRIGGER {source}_history_insert_delete AFTER INSERT OR DELETE ON {source} "
                f"FOR EACH ROW EXECUTE FUNCTION {function}()"
            )
            op.execute(
                f"CREATE TRIGGER {source}_history_update AFTER UPDATE ON {source} FOR EACH ROW "
                f"WHEN ({_changed(source, 'IS DISTINCT FROM')}) EXECUTE FUNCTION {function}()"
            )
    else:
        for source in HISTORY:
            op.execute(
                f"CREATE TRIGGER {source}_history_insert AFTER INSERT ON {source} "
                f"BEGIN {_insert_version(source, 'NEW')} END"
            )
            op.execute(
                f"CREATE TRIGGER {source}_history_update AFTER UPDATE ON {source} "
                f"WHEN {_changed(source, 'IS NOT')} "
                f"BEGIN {_close_version(source, 'OLD')} {_insert_version(source, 'NEW')} END"
            )
            op.execute(
                f"CREATE TRIGGER {source}_history_delete AFTER DELETE ON {source} "
                f"BEGIN {_close_version(source, 'OLD')} END"
            )


def _dated_targets() -> None:
    bind = op.get_bind()
    old = [dict(row._mapping) for row in bind.execute(sa.text("SELECT * FROM kpi_target"))]
    op.drop_table("kpi_target")
    table = op.create_table(
        "kpi_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi", sa.String(length=60), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("green", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=False),
        sa.Column("amber", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=False),
        sa.Column("low_green", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=True),
        sa.Column("low_amber", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=True),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("direction IN ('higher', 'lower')", name=op.f("ck_kpi_target_direction")),
        (
            sa.CheckConstraint(
                "strftime('%d', effective_from) = '01'", name=op.f("ck_kpi_target_effective_from_first")
            )
            if bind.dialect.name == "sqlite"
            else sa.CheckConstraint(
                "EXTRACT(DAY FROM effective_from) = 1", name=op.f("ck_kpi_target_effective_from_first")
            )
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_target")),
    )
    op.create_index("ix_kpi_target_kpi_effective", "kpi_target", ["kpi", "effective_from"])
    rows = []
    for row in old:
        at = row["updated_at"]
        at = _datetime(at)
        rows.append(
            {
                "kpi": row["kpi"],
                "effective_from": at.date().replace(day=1),
                "green": row["green"],
                "amber": row["amber"],
                "low_green": None,
                "low_amber": None,
                "direction": row["direction"],
                "updated_by": row["updated_by"],
                "updated_at": at,
            }
        )
    if rows:
        op.bulk_insert(table, rows)


def _datetime(value: object) -> dt.datetime:
    """A timestamp as read by a raw query (SQLite gives text)."""
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def upgrade() -> None:
    _create_history_tables()
    _backfill()
    _create_triggers()
    _dated_targets()


def downgrade() -> None:
    bind = op.get_bind()
    latest = [
        dict(row._mapping)
        for row in bind.execute(
            sa.text(
                "SELECT kpi, green, amber, direction, updated_by, updated_at, effective_from FROM kpi_target"
            )
        )
    ]
    newest: dict[str, dict] = {}
    for row in latest:
        key = (str(row["effective_from"]), str(row["updated_at"]))
        if row["kpi"] not in newest or key > newest[row["kpi"]]["_key"]:
            newest[row["kpi"]] = row | {"_key": key}
    op.drop_table("kpi_target")
    table = op.create_table(
        "kpi_target",
        sa.Column("kpi", sa.String(length=60), nullable=False),
        sa.Column("green", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=False),
        sa.Column("amber", sa.Numeric(precision=14, scale=4, asdecimal=False), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("direction IN ('higher', 'lower')", name=op.f("ck_kpi_target_direction")),
        sa.PrimaryKeyConstraint("kpi", name=op.f("pk_kpi_target")),
    )
    if newest:
        op.bulk_insert(
            table,
            [
                {k: v for k, v in row.items() if k not in ("_key", "effective_from")}
                | {"updated_at": _datetime(row["updated_at"])}
                for row in newest.values()
            ],
        )
    if bind.dialect.name == "postgresql":
        for source in HISTORY:
            op.execute(f"DROP TRIGGER IF EXISTS {source}_history_insert_delete ON {source}")
            op.execute(f"DROP TRIGGER IF EXISTS {source}_history_update ON {source}")
            op.execute(f"DROP FUNCTION IF EXISTS {source}_keep_history()")
    else:
        for source in HISTORY:
            for kind in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {source}_history_{kind}")
    bind.execute(sa.text("DELETE FROM app_state WHERE key = :key"), {"key": HISTORY_START_KEY})
    for history, _, _ in HISTORY.values():
        op.drop_table(history)
