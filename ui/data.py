"""The engine and cached query results, at the Streamlit edge: the app's one result cache.

The rule
- Results are cached in `st.cache_data` (`cached`), keyed by the function, the database URL,
  the data version and the keyword arguments (the filters). Small aggregated results only:
  whole tables are never cached. The Overview's single view is cached here like any other
  result (the server's warm-up, serve.py, computes the default one into this same cache).
- The page models (`services.*`: a page's figures for one filter set) are kept in a bounded
  part of it, the last `MODEL_ENTRIES` used; the loaders' small lists in the rest. st.cache_data
  bounds entries, not bytes, and at 2,000 projects one model is 0.2-4.2 MB pickled (What-if
  4.2, Projects 2.8, Budget 2.3, Overview 0.9; bench/NOTES.md, stop 36): 2,048 of them would
  not fit the 2 GB a process is given (README, Sizing). A filter set used again after 64
  others is computed again.
- Every write bumps the data version in the database (`data_access.engine.bump_data_version`),
  so every app process and session drops stale results at its next rerun.
- The data version is read ONCE per rerun: the first `data_version()` of a run asks the
  database and the rest of the run reuses the answer (it used to be one query per `cached`
  call: 16 on a Budget rerun, tests/ui/test_ui_data.py). A run starts when app.py calls `start_run()`; a run
  that did not (a page script run on its own, the server's warm-up, a script) reads on
  every call as before. A fragment rerun keeps the version of the full run it belongs to,
  so its figures match the page around it.
- A write made by this process during the run (a save on this page, or in another session
  of the same server) is seen at once: the stored version also notes this process's write
  count (`data_access.engine.local_writes`), and a changed count reads the version again.
  `clear_caches()` (after an import) forgets it as well.
- Inside a cached call the version is handed down (`data_access.engine.data_version_known`),
  so the memoised base aggregates (data_access.memo) do not read it again either.

data_access.memo stays, below this cache and without Streamlit: it holds the few
filter-independent base aggregates (survey cells, team memberships, the budget rollup)
that many different cached results are computed from, once per data version, and the
survey's trust core per set of rating departments, which every as-of month slices. st.cache_data
cannot hold them without data_access knowing Streamlit, and the meeting pack's command line
(reports.pack), the jobs and the tests run the same loaders without a Streamlit runtime.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from data_access.engine import (
    DatabaseUnavailable,
    data_version_known,
    local_writes,
    read_data_version,
    resolve_database_url,
)
from data_access.setup_db import prepare_database

T = TypeVar("T")

# Session state: (database URL, data version, local_writes() when read), or None right after
# start_run(); absent when no app.py run started (then every call reads).
RUN_VERSION_KEY = "_data_version_this_run"


def database_url() -> str:
    return resolve_database_url().url


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    from data_access.engine import DatabaseSettings

    settings = resolve_database_url()
    if settings.url != url:
        settings = DatabaseSettings(url, "argument")
    # A running server never creates the embedded database (`make run` does): a missing or
    # replaced file is "database unavailable", never a silently new, empty database.
    return prepare_database(settings, create=not settings.is_embedded, guard=True)


def get_engine() -> Engine:
    """The process's engine for the configured database, prepared once (migrated, seeded)."""
    return _engine_for(database_url())


def start_run() -> None:
    """Mark the start of a full run (app.py, first thing): the next `data_version()` reads."""
    st.session_state[RUN_VERSION_KEY] = None


def _read_version(engine: Engine) -> int:
    try:
        return read_data_version(engine)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable("The database cannot be reached right now.") from exc


def _versioned() -> tuple[str, int, int]:
    """The database URL, the data version for this run and this process's write count when it was read."""
    url = database_url()
    in_run = get_script_run_ctx(suppress_warning=True) is not None and RUN_VERSION_KEY in st.session_state
    if in_run:
        known = st.session_state[RUN_VERSION_KEY]
        if known is not None and known[0] == url and known[2] == local_writes():
            return url, known[1], known[2]
    writes = local_writes()
    version = _read_version(_engine_for(url))
    if in_run:
        st.session_state[RUN_VERSION_KEY] = (url, version, writes)
    return url, version, writes


def run_version() -> tuple[str, int, int]:
    """What identifies the data this run sees: the database URL, the data version and this
    process's write count (read once per rerun, like `data_version`)."""
    try:
        return _versioned()
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable("The database cannot be reached right now.") from exc


def data_version() -> int:
    """The current data version, read from the database once per rerun (see the module docstring)."""
    return _versioned()[1]


MODEL_PACKAGE = "services."  # the page models: large results, bounded apart (module docstring)
MODEL_ENTRIES = 64
CACHE_TTL_SECONDS = 6 * 3600


def _call(
    function_path: str, url: str, version: int, kwargs: tuple[tuple[str, Any], ...], _writes: int
) -> Any:
    """`_writes` (local_writes() when `version` was read; not part of the key) lets a write
    made since then be seen inside the call."""
    module_name, _, qualname = function_path.partition(":")
    function = getattr(importlib.import_module(module_name), qualname)
    engine = _engine_for(url)
    with data_version_known(engine, version, writes=_writes):
        return function(engine=engine, **dict(kwargs))


# Two functions, not one wrapped twice: st.cache_data keys its storage by the function.
@st.cache_data(max_entries=2048, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _cached_call(
    function_path: str, url: str, version: int, kwargs: tuple[tuple[str, Any], ...], _writes: int
) -> Any:
    return _call(function_path, url, version, kwargs, _writes)


@st.cache_data(max_entries=MODEL_ENTRIES, ttl=CACHE_TTL_SECONDS, show_spinner=False)
def _cached_model(
    function_path: str, url: str, version: int, kwargs: tuple[tuple[str, Any], ...], _writes: int
) -> Any:
    return _call(function_path, url, version, kwargs, _writes)


def cached(function: Callable[..., T], /, **kwargs: Any) -> T:
    """Call a data_access (or services) function `function(engine=..., **kwargs)` through the cache.

    The cache key is the function, the database URL, the data version and the keyword
    arguments, so a filter change or any write gives a fresh result.
    """
    path = f"{function.__module__}:{function.__qualname__}"
    call = _cached_model if function.__module__.startswith(MODEL_PACKAGE) else _cached_call
    try:
        url, version, writes = _versioned()
        return call(path, url, version, tuple(sorted(kwargs.items())), writes)
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable("The database cannot be reached right now.") from exc


def clear_caches() -> None:
    """Drop this process's cached results (other processes follow the data version) and the
    version this run read."""
    _cached_call.clear()
    _cached_model.clear()
    if get_script_run_ctx(suppress_warning=True) is not None and RUN_VERSION_KEY in st.session_state:
        st.session_state[RUN_VERSION_KEY] = None
