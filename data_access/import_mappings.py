"""Saved column mappings of the import: stored by name, audited, recognised from a file's header.

A mapping changes no figure, so saving one is audited but does not bump the data version.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from access.roles import EDIT_DATA, User, check_allowed
from data_access.audit import record_change
from data_access.importer.mapping import ColumnMap, header_key, mapping_from_json, mapping_json
from data_access.importer.schema import KINDS
from data_access.models import ImportMapping

MAX_NAME_LENGTH = 200


class MappingNameTaken(ValueError):
    """Another saved mapping already has this name."""


@dataclass(frozen=True)
class SavedMapping:
    """One saved mapping as the page and the command line use it."""

    name: str
    kind: str
    mapping: ColumnMap
    header_key: str
    created_by: str
    created_at: dt.datetime


def _clean_name(name: str) -> str:
    cleaned = " ".join(str(name).split())
    if not cleaned:
        raise ValueError("importer.mapping.name_missing")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValueError("importer.mapping.name_too_long")
    return cleaned


def save_import_mapping(
    *, engine: Engine, user: User, name: str, kind: str, header: list[str], mapping: ColumnMap
) -> int:
    """Store `mapping` for files of `kind` with `header` under a unique `name`; returns its id.

    Needs EDIT_DATA. Raises MappingNameTaken when the name is used, ValueError (an i18n key)
    for an empty or too long name, an unknown kind or an empty mapping. Audited in the same
    transaction.
    """
    check_allowed(user, EDIT_DATA)
    cleaned = _clean_name(name)
    if kind not in KINDS:
        raise ValueError("importer.mapping.unknown_kind")
    stored = mapping_json(mapping)
    if stored == "{}":
        raise ValueError("importer.mapping.empty")
    key = header_key(header)
    created = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    try:
        with engine.begin() as conn:
            taken = conn.execute(select(ImportMapping.id).where(ImportMapping.name == cleaned)).first()
            if taken is not None:
                raise MappingNameTaken("importer.mapping.name_taken")
            new_id = conn.execute(
                insert(ImportMapping)
                .values(
                    name=cleaned,
                    kind=kind,
                    header_key=key,
                    mapping=stored,
                    created_by=user.name[:200],
                    created_at=created,
                )
                .returning(ImportMapping.id)
            ).scalar_one()
            record_change(
                conn,
                user_name=user.name,
                entity="import_mapping",
                entity_id=new_id,
                action="insert",
                new={"name": cleaned, "kind": kind, "header": json.loads(key), "mapping": json.loads(stored)},
            )
    except IntegrityError as exc:  # a concurrent save took the name first
        raise MappingNameTaken("importer.mapping.name_taken") from exc
    return int(new_id)


COLUMNS = (
    ImportMapping.name,
    ImportMapping.kind,
    ImportMapping.mapping,
    ImportMapping.header_key,
    ImportMapping.created_by,
    ImportMapping.created_at,
)


def _saved(row: Any) -> SavedMapping:
    return SavedMapping(
        name=row.name,
        kind=row.kind,
        mapping=mapping_from_json(row.mapping),
        header_key=row.header_key,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def load_import_mappings(*, engine: Engine, kind: str | None = None) -> list[SavedMapping]:
    """Saved mappings (of `kind`, or all), newest first."""
    query = select(*COLUMNS).order_by(ImportMapping.created_at.desc(), ImportMapping.id.desc())
    if kind is not None:
        query = query.where(ImportMapping.kind == kind)
    with engine.connect() as conn:
        return [_saved(row) for row in conn.execute(query)]


def load_import_mapping(*, engine: Engine, name: str) -> SavedMapping | None:
    """The saved mapping called `name` (spaces folded as when saved), or None."""
    query = select(*COLUMNS).where(ImportMapping.name == " ".join(str(name).split()))
    with engine.connect() as conn:
        row = conn.execute(query).first()
    return None if row is None else _saved(row)


def recognise_import_mapping(*, engine: Engine, kind: str, header: list[str]) -> SavedMapping | None:
    """The newest saved mapping of `kind` made for exactly this header set (order and case free),
    else the newest whose file columns are all in the header; None when none fits."""
    saved = load_import_mappings(engine=engine, kind=kind)
    key = header_key(header)
    exact = next((m for m in saved if m.header_key == key), None)
    if exact is not None:
        return exact
    present = {h for h in header if h.strip()}
    return next((m for m in saved if set(m.mapping.values()) <= present), None)
