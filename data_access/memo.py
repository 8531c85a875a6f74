"""A small process-level memo of filter-independent base aggregates, per data version.

Some loaders depend on the global filters only through a few columns (the rating
department and the wave for the survey; the project for teams, ownership and funding).
They load one small aggregate for all filter values once per data version (a few tens of
thousands of rows at production scale) and filter it in pandas per call, so a filter
change costs milliseconds instead of a query over a large table. Whole large tables are
never memoised, only their aggregates.

Each base is held for one (database URL, data version) only: every write bumps the data
version (`data_access.engine.bump_data_version`), so the next call reloads it and the old
frame is dropped. Inside one of the app's cached calls the version is handed down
(`data_access.engine.data_version_known`), so the memo does not query it again. No
Streamlit here: the memo works the same in the app, the meeting pack's command line and
the tests; it sits below the app's one result cache (ui.data), which says why it stays. Callers get the memoised frame itself and must not change it in place
(the loaders built on it always return filtered copies).

`memoised_result` holds, the same way, a few results that many filter sets share because they
depend on one or two filters only: the survey's trust core per set of rating departments
(services.survey_core), which every as-of month and project status filter slices. It keeps
the most recently used `RESULT_ENTRIES` keys per name.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import Engine

from data_access.engine import read_data_version


@dataclass(frozen=True)
class _Entry:
    url: str
    version: int
    frame: pd.DataFrame


_entries: dict[str, _Entry] = {}
_results: OrderedDict[tuple[str, Hashable], tuple[str, int, Any]] = OrderedDict()
RESULT_ENTRIES = 32
T = TypeVar("T")
_locks: dict[str, threading.Lock] = {}
_registry_lock = threading.Lock()


def _lock_for(name: str) -> threading.Lock:
    with _registry_lock:
        return _locks.setdefault(name, threading.Lock())


def memoised(*, engine: Engine, name: str, load: Callable[[Engine], pd.DataFrame]) -> pd.DataFrame:
    """The base frame `name` for `engine`'s database at its current data version.

    `load(engine)` runs when the memo holds no frame for this database URL and data
    version (first call, after any write, or after another database was used); one
    thread loads while the others wait for it. A frame is only kept when the data version
    did not move while it was loading, so a write during the load cannot be hidden.
    """
    url = engine.url.render_as_string(hide_password=True)
    version = read_data_version(engine)
    entry = _entries.get(name)
    if entry is not None and entry.url == url and entry.version == version:
        return entry.frame
    with _lock_for(name):
        entry = _entries.get(name)
        if entry is not None and entry.url == url and entry.version == version:
            return entry.frame
        frame = load(engine)
        if read_data_version(engine) == version:
            _entries[name] = _Entry(url, version, frame)
        return frame


def memoised_result(*, engine: Engine, name: str, key: Hashable, compute: Callable[[Engine], T]) -> T:
    """`compute(engine)` for (`name`, `key`) at the database's current data version, computed
    once per version (as `memoised`); the `RESULT_ENTRIES` most recently used keys of a name
    are kept. Callers must not change the result in place."""
    url = engine.url.render_as_string(hide_password=True)
    version = read_data_version(engine)
    slot = (name, key)
    with _registry_lock:
        held = _results.get(slot)
        if held is not None and held[:2] == (url, version):
            _results.move_to_end(slot)
            return held[2]
    with _lock_for(name):
        with _registry_lock:
            held = _results.get(slot)
            if held is not None and held[:2] == (url, version):
                return held[2]
        result = compute(engine)
        if read_data_version(engine) == version:
            with _registry_lock:
                _results[slot] = (url, version, result)
                _results.move_to_end(slot)
                for old in [k for k in _results if k[0] == name][:-RESULT_ENTRIES]:
                    del _results[old]
        return result


def clear_memo() -> None:
    """Drop every memoised frame and result (the next calls reload them)."""
    with _registry_lock:
        _entries.clear()
        _results.clear()


def memo_usage() -> dict[str, int]:
    """Bytes held per memoised frame (`DataFrame.memory_usage(deep=True)`, summed)."""
    return {name: int(entry.frame.memory_usage(deep=True).sum()) for name, entry in list(_entries.items())}
