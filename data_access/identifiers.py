"""Identifiers (sort columns, group-by fields) chosen by users come only from a whitelist.

Values from users go into SQL as bound parameters; identifiers cannot, so a page maps the
user's choice to a column object through `whitelisted` and never formats a name into SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

T = TypeVar("T")


def whitelisted(choice: str | None, allowed: Mapping[str, T], *, default: str) -> T:
    """The allowed object for `choice`, or the one for `default` when the choice is unknown.

    Example: `whitelisted(params.get("sort"), {"code": Project.code, "name": Project.name},
    default="code")` -> Project.code for "code; DROP TABLE project".
    """
    if default not in allowed:
        raise ValueError(f"default {default!r} is not among the allowed identifiers")
    if choice is None or choice not in allowed:
        return allowed[default]
    return allowed[choice]
