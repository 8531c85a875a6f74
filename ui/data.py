"""The engine and cached query results, at the Streamlit edge.

Caching keeps small aggregated results keyed by the database, the data version and the
arguments (the filters); whole tables are never cached. Every write bumps the data
version in the database, so every app process drops stale results at its next rerun.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from data_access.engine import DatabaseUnavailable, read_data_version, resolve_database_url
from data_access.setup_db import prepare_database

T = TypeVar("T")


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


def data_version() -> int:
    """The current data version; read from the database on every rerun (one tiny query)."""
    try:
        return read_data_version(get_engine())
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable("The database cannot be reached right now.") from exc


@st.cache_data(max_entries=2048, ttl=6 * 3600, show_spinner=False)
def _cached_call(function_path: str, url: str, version: int, kwargs: tuple[tuple[str, Any], ...]) -> Any:
    module_name, _, qualname = function_path.partition(":")
    function = getattr(importlib.import_module(module_name), qualname)
    return function(engine=_engine_for(url), **dict(kwargs))


def cached(function: Callable[..., T], /, **kwargs: Any) -> T:
    """Call a data_access function `function(engine=..., **kwargs)` through the cache.

    The cache key is the function, the database URL, the data version and the keyword
    arguments, so a filter change or any write gives a fresh result.
    """
    path = f"{function.__module__}:{function.__qualname__}"
    try:
        return _cached_call(path, database_url(), data_version(), tuple(sorted(kwargs.items())))
    except SQLAlchemyError as exc:
        raise DatabaseUnavailable("The database cannot be reached right now.") from exc


def clear_caches() -> None:
    """Drop this process's cached results (other processes follow the data version)."""
    _cached_call.clear()
