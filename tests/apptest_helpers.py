"""Running the app under Streamlit's AppTest against a given database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
# No [auth] section: local mode. Non-empty, so AppTest does not fall back to the real file.
LOCAL_SECRETS: dict = {"tests": {"secrets_file": "none"}}


def open_app(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    *,
    query: dict[str, str] | None = None,
    page: str | None = None,
    user: dict | None = None,
    secrets: dict | None = None,
    script: str = "app.py",
    check: bool = True,
) -> AppTest:
    """Run `script` (app.py) once against `database_url` (optionally switching to `page`).

    `secrets` replaces .streamlit/secrets.toml for the run (a developer's real file is never
    read: without `secrets` the app runs in local mode); `user` is what st.user returns.
    """
    monkeypatch.setenv("DATABASE_URL", database_url)
    at = AppTest.from_file(str(ROOT / script), default_timeout=120)
    at.secrets = secrets if secrets is not None else dict(LOCAL_SECRETS)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    if user is not None:
        at.user = user  # type: ignore[attr-defined]
    at.run()
    if page is not None:
        at.switch_page(page).run()
    if check:
        assert not at.exception, [e.value for e in at.exception]
    return at


def metric_values(at: AppTest) -> dict[str, str]:
    """Each metric's value by its label (soft hyphens, where a title may break, left out)."""
    return {m.label.replace("\u00ad", ""): m.value for m in at.metric}


def open_exception_groups(at: AppTest) -> AppTest:
    """Open every group of the Overview's exceptions (a closed group sends nothing) and rerun."""
    from presentation.overview import exception_group_key

    prefix = exception_group_key("")
    for expander in at.expander:
        if expander.key and expander.key.startswith(prefix):
            at.session_state[expander.key] = True
    return at.run()


def open_tab(at: AppTest, code: str) -> AppTest:
    """Open the tab `code` of the page shown and rerun, as a click on it does (its code goes
    into the URL). Only the open tab is drawn, so a test reads a tab's content after this."""
    from services.links import TAB_PARAM

    at.query_params[TAB_PARAM] = code
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def each_tab(at: AppTest, page: str) -> Iterator[str | None]:
    """Open each tab of `page` in turn (only the open tab is drawn) and yield its code; a
    page without tabs is yielded once, as it is (None)."""
    from services.links import PAGE_TABS

    if page not in PAGE_TABS:
        yield None
        return
    for code in PAGE_TABS[page]:
        open_tab(at, code)
        yield code
