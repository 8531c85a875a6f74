"""The maturity rules edited in the KPI catalogue: dated versions kept in app_state, audited."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, Engine, insert, select, update

from access.roles import EDIT_DATA, User, check_allowed
from data_access.audit import record_change
from data_access.engine import bump_data_version
from data_access.models import AppState
from domain.maturity import MEASURES, RuleVersion, rules_in_force, threshold_problems

MATURITY_RULES_KEY = "maturity_rules"


class RuleError(ValueError):
    """Thresholds that are not four ascending numbers per known measure; `problems` maps
    each measure code to its i18n keys."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__(f"Invalid maturity thresholds: {sorted(problems)}")
        self.problems = problems


def _read(conn: Connection) -> list[dict]:
    value = conn.scalar(select(AppState.value).where(AppState.key == MATURITY_RULES_KEY))
    return json.loads(value) if value is not None else []


def _version(stored: dict) -> RuleVersion:
    return RuleVersion(
        effective_from=dt.date.fromisoformat(stored["effective_from"]),
        thresholds={code: tuple(values) for code, values in stored["thresholds"].items()},
        updated_by=stored.get("updated_by"),
        updated_at=dt.datetime.fromisoformat(stored["updated_at"]) if stored.get("updated_at") else None,
    )


def load_maturity_rule_versions(*, engine: Engine) -> list[RuleVersion]:
    """Every saved version of the maturity thresholds, oldest first (empty: the defaults apply)."""
    with engine.connect() as conn:
        return [_version(stored) for stored in _read(conn)]


def save_maturity_rules(
    *,
    engine: Engine,
    thresholds: Mapping[str, Sequence[float]],
    user: User,
    effective_from: dt.date | None = None,
) -> RuleVersion:
    """Store a new version of the thresholds of the measures in `thresholds`, in force from
    the month of `effective_from` (default: the current month); audited as `user`.

    Only a user who may edit the catalogue's targets (EDIT_DATA) may; others get NotAllowed
    and nothing is written. Unknown measures or bad thresholds raise RuleError (nothing written).
    """
    check_allowed(user, EDIT_DATA)
    problems = {
        code: (["maturity.error.unknown"] if code not in MEASURES else threshold_problems(values))
        for code, values in thresholds.items()
    }
    problems = {code: keys for code, keys in problems.items() if keys}
    if problems:
        raise RuleError(problems)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    day = effective_from or now.date()
    month = dt.date(day.year, day.month, 1)
    cleaned = {code: [float(value) for value in values] for code, values in thresholds.items()}
    with engine.begin() as conn:
        stored = _read(conn)
        before = rules_in_force([_version(item) for item in stored], as_of=month).thresholds()
        version = {
            "effective_from": month.isoformat(),
            "thresholds": cleaned,
            "updated_by": user.name,
            "updated_at": now.isoformat(timespec="seconds"),
        }
        value = json.dumps([*stored, version], sort_keys=True)
        if stored:
            conn.execute(update(AppState).where(AppState.key == MATURITY_RULES_KEY).values(value=value))
        else:
            conn.execute(insert(AppState).values(key=MATURITY_RULES_KEY, value=value))
        record_change(
            conn,
            user_name=user.name,
            entity="maturity_rule",
            entity_id=",".join(sorted(cleaned)),
            action="update",
            old={code: before[code] for code in cleaned},
            new=cleaned | {"effective_from": month.isoformat()},
        )
        bump_data_version(conn)
    return _version(version)
